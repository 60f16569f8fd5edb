"""Attendance follows the registrations' domain events (connected in ``AttendanceConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from webinars.registrations.models import Registration
from webinars.registrations.signals import registration_erased

from . import erasure


@receiver(registration_erased, sender=Registration, dispatch_uid="attendance_erase_with_registration")
def erase_with_registration(sender: type, registration: Registration, email: str, actor: Any = None, **kwargs: Any) -> None:
    erasure.attendees_erase_for_person(registration_id=registration.pk, email=email)
