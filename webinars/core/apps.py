from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_tables(sender, using: str = "default", **kwargs) -> None:
    """The shared cache (rate limits, content versions) is a database table in the embedded
    setup: ``migrate`` makes it, so no installation can run without it (a missing table made
    every rate-limited request fail)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "webinars.core"
    label = "core"

    def ready(self) -> None:
        from .signals import periodic_task, rate_counters_job, retention_job, tasks_reclaim_job

        periodic_task.connect(retention_job, dispatch_uid="core_retention")
        periodic_task.connect(tasks_reclaim_job, dispatch_uid="core_tasks_reclaim")
        periodic_task.connect(rate_counters_job, dispatch_uid="core_rate_counters")
        post_migrate.connect(_create_cache_tables, sender=self, dispatch_uid="core_cache_tables")
