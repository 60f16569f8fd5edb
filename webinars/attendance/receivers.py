"""Attendance's periodic job: delete reports uploaded but never imported (kept for a day)."""

from __future__ import annotations

import datetime as dt

from django.dispatch import receiver

from webinars.core.signals import periodic_task

from .uploads import uploads_expire


@receiver(periodic_task, dispatch_uid="attendance_uploads_expire")
def expire_uploads(sender, now: dt.datetime, **kwargs) -> dict[str, int]:
    return {"attendance_uploads_expired": uploads_expire(now=now)}
