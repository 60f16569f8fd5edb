from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "webinars.core"
    label = "core"

    def ready(self) -> None:
        from .signals import periodic_task, retention_job, tasks_reclaim_job

        periodic_task.connect(retention_job, dispatch_uid="core_retention")
        periodic_task.connect(tasks_reclaim_job, dispatch_uid="core_tasks_reclaim")
