"""Task rows left "running" by a killed worker are handed back to the queue (and given up after three claims)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from webinars.core.signals import periodic_tasks_run

pytestmark = pytest.mark.django_db


def _row(*, started_minutes_ago: int, claims: int) -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [[1]], "kwargs": {}},
        task_path="webinars.mail.delivery.deliver_messages",
        backend_name="default",
        run_after=now,
        started_at=now - dt.timedelta(minutes=started_minutes_ago),
        worker_ids=[f"worker-{n}" for n in range(claims)],
    )


def test_stale_running_rows_are_reclaimed_and_fresh_ones_left_alone():
    lost, busy, hopeless = (
        _row(started_minutes_ago=45, claims=1),
        _row(started_minutes_ago=5, claims=1),
        _row(started_minutes_ago=45, claims=3),
    )
    stats = periodic_tasks_run()
    assert stats["tasks_reclaimed"] == 1 and stats["tasks_failed_lost"] == 1
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses[lost.pk] == TaskResultStatus.READY
    assert statuses[busy.pk] == TaskResultStatus.RUNNING
    assert statuses[hopeless.pk] == TaskResultStatus.FAILED
    assert DBTaskResult.objects.ready().filter(pk=lost.pk).exists()  # a worker will pick it up
