from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "webinars.core"
    label = "core"

    def ready(self) -> None:
        from .signals import periodic_task, retention_job

        periodic_task.connect(retention_job, dispatch_uid="core_retention")
