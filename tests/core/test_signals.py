"""The periodic_task signal: every app's job runs; one that raises is logged and stops no other."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.utils import timezone

from webinars.core.signals import periodic_task, periodic_tasks_run

pytestmark = pytest.mark.django_db


def test_each_apps_job_runs_and_reports():
    stats = periodic_tasks_run(now=timezone.now())
    # registrations: expiry and reminders; mail: retries; feedback: invitations; attendance: uploads never imported;
    # meetings: platform jobs due, old webhook receipts, BigBlueButton polling.
    assert stats == {
        "expired": 0,
        "reminders": 0,
        "retried": 0,
        "feedback_requests": 0,
        "attendance_uploads_expired": 0,
        "platform_jobs": 0,
        "webhook_receipts_forgotten": 0,
        "bbb_polled": 0,
        "bbb_polled_imports": 0,
    }


def test_a_failing_job_is_logged_and_the_others_still_run(caplog):
    ran: list[dt.datetime] = []

    def broken(sender, now, **kwargs):
        raise RuntimeError("the survey service is down")

    def after(sender, now, **kwargs):
        ran.append(now)
        return {"after": 1}

    periodic_task.connect(broken, dispatch_uid="test_broken", weak=False)
    periodic_task.connect(after, dispatch_uid="test_after", weak=False)
    now = timezone.now()
    try:
        with caplog.at_level(logging.ERROR, logger="webinars.core.signals"):
            stats = periodic_tasks_run(now=now)
    finally:
        periodic_task.disconnect(dispatch_uid="test_broken")
        periodic_task.disconnect(dispatch_uid="test_after")
    assert ran == [now]
    assert stats["after"] == 1 and stats["failed_jobs"] == 1
    assert {"expired", "reminders", "retried", "feedback_requests"} <= stats.keys()
    records = [r for r in caplog.records if r.name == "webinars.core.signals"]
    assert len(records) == 1 and "broken" in records[0].getMessage()
    assert records[0].exc_info and "the survey service is down" in str(records[0].exc_info[1])


def test_registrations_no_longer_reaches_up_to_feedback():
    import webinars.registrations.services as services

    assert not hasattr(services, "periodic_jobs")
    assert "webinars.feedback" not in open(services.__file__, encoding="utf-8").read()
