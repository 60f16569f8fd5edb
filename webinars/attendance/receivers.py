"""Attendance follows the registrations' domain events and the periodic signals
(connected in ``AttendanceConfig.ready``): erasure and retention of attendees' personal data,
and deleting reports that were uploaded but never imported (kept for a day).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.dispatch import receiver

from webinars.core.signals import periodic_task, personal_data_purge
from webinars.registrations.models import Registration
from webinars.registrations.signals import registration_erased

from . import erasure
from .uploads import uploads_expire


@receiver(registration_erased, sender=Registration, dispatch_uid="attendance_erase_with_registration")
def erase_with_registration(sender: type, registration: Registration, email: str, actor: Any = None, **kwargs: Any) -> None:
    erasure.attendees_erase_for_person(registration_id=registration.pk, email=email)


@receiver(personal_data_purge, dispatch_uid="attendance_retention")
def purge_past_retention(sender: Any, now: dt.datetime, dry_run: bool = False, **kwargs: Any) -> dict[str, int]:
    return {"attendees": erasure.attendees_purge_past_retention(now=now, dry_run=dry_run)}


@receiver(periodic_task, dispatch_uid="attendance_uploads_expire")
def expire_uploads(sender: Any, now: dt.datetime, **kwargs: Any) -> dict[str, int]:
    return {"attendance_uploads_expired": uploads_expire(now=now)}
