"""Writes shared by every app."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import selectors
from .models import ContentVersion


def content_version_bump() -> None:
    """Invalidate every cached public page (all processes: at once with a shared cache, else within a second)."""
    updated = ContentVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        ContentVersion.objects.get_or_create(pk=1, defaults={"version": 2})
    # This process forgets at once (it reads its own writes); after commit again, so a
    # read that raced with the transaction does not keep the old number for a second.
    selectors.forget_content_version(committed=False)
    transaction.on_commit(selectors.forget_content_version)


TASK_MAX_CLAIMS = 3


def tasks_reclaim_stale(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Task rows left "running" by a worker that was killed (its claim older than
    ``settings.TASK_STALE_SECONDS``) are handed back to the queue; after ``TASK_MAX_CLAIMS``
    claims a row is marked failed instead, so a task that kills its worker cannot loop. Every
    task of the programme is idempotent (README "Adding a periodic job"), so running one again is safe."""
    from django.conf import settings
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    stale = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - dt.timedelta(seconds=settings.TASK_STALE_SECONDS)
    )
    reclaimed = failed = 0
    for row in stale.only("pk", "worker_ids")[:1000]:
        if len(row.worker_ids or []) >= TASK_MAX_CLAIMS:
            failed += DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED, finished_at=now, exception_class_path="builtins.TimeoutError", traceback="worker lost"
            )
        else:
            reclaimed += DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY, started_at=None, run_after=now
            )
    return {"tasks_reclaimed": reclaimed, "tasks_failed_lost": failed} if reclaimed or failed else {}
