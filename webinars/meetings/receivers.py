"""The meeting platforms follow the programme's and registrations' domain events, and run due work.

Receivers run inside the transaction of the change: they only write job rows (``services``);
the platform is called by a background task after commit.
"""

from __future__ import annotations

import datetime as dt

from django.dispatch import receiver

from webinars.core.signals import periodic_task
from webinars.programme.signals import webinar_cancelled, webinar_moved, webinar_postponed, webinar_published, webinar_unpublished
from webinars.registrations.signals import registration_cancelled, registration_confirmed, registration_erased

from . import queue, services


@receiver(webinar_published, dispatch_uid="meetings_webinar_published")
@receiver(webinar_moved, dispatch_uid="meetings_webinar_moved")
@receiver(webinar_cancelled, dispatch_uid="meetings_webinar_cancelled")
@receiver(webinar_postponed, dispatch_uid="meetings_webinar_postponed")
@receiver(webinar_unpublished, dispatch_uid="meetings_webinar_unpublished")
def follow_webinar(sender, webinar, **kwargs) -> None:
    services.meeting_follow(webinar=webinar)


@receiver(registration_confirmed, dispatch_uid="meetings_registration_confirmed")
@receiver(registration_cancelled, dispatch_uid="meetings_registration_cancelled")
@receiver(registration_erased, dispatch_uid="meetings_registration_erased")
def follow_registration(sender, registration, **kwargs) -> None:
    services.registrant_follow(registration=registration)


@receiver(periodic_task, dispatch_uid="meetings_jobs")
def run_due_jobs(sender, now: dt.datetime, **kwargs) -> dict[str, int]:
    return {"platform_jobs": queue.jobs_run_due(now=now), "webhook_receipts_forgotten": services.receipts_forget(now=now)}


@receiver(periodic_task, dispatch_uid="meetings_bbb_poll")
def poll_bigbluebutton(sender, now: dt.datetime, **kwargs) -> dict[str, int]:
    return services.meetings_poll(now=now)
