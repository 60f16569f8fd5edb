"""Marks a webinar's pre-aggregated reach figures stale when the domain events say its
registrations or attendance changed (no receiver runs on plain model saves).

A brand-new registration needs no receiver: ``services.stale_webinars`` notices rows inserted
since its last look by their id, which keeps the registration burst free of an extra UPDATE.
Deleting a webinar (a superuser's repair in the admin) recounts the people it had.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver

from webinars.attendance.models import AttendanceImport, Attendee
from webinars.attendance.signals import attendance_imported, attendee_resolved
from webinars.programme.models import Webinar
from webinars.registrations.models import Registration
from webinars.registrations.signals import registration_details_changed, registration_erased, registration_status_changed

from . import services


@receiver(registration_status_changed, sender=Registration, dispatch_uid="reach_registration_status")
def registration_status(sender: type, registration: Registration, action: str, **kwargs: Any) -> None:
    if action != "registration.created":
        services.mark_stale(registration.webinar_id)


@receiver(registration_details_changed, sender=Registration, dispatch_uid="reach_registration_details")
@receiver(registration_erased, sender=Registration, dispatch_uid="reach_registration_erased")
def registration_changed(sender: type, registration: Registration, **kwargs: Any) -> None:
    services.mark_stale(registration.webinar_id)


@receiver(attendance_imported, sender=AttendanceImport, dispatch_uid="reach_attendance_imported")
def imported(sender: type, attendance_import: AttendanceImport, **kwargs: Any) -> None:
    services.mark_stale(attendance_import.webinar_id)


@receiver(attendee_resolved, sender=Attendee, dispatch_uid="reach_attendee_resolved")
def resolved(sender: type, attendee: Attendee, **kwargs: Any) -> None:
    services.mark_stale(attendee.webinar_id)


@receiver(pre_delete, sender=Webinar, dispatch_uid="reach_webinar_deleting")
def webinar_deleting(sender: type, instance: Webinar, **kwargs: Any) -> None:
    instance._reach_people = services.people_of(instance.pk)  # type: ignore[attr-defined]


@receiver(post_delete, sender=Webinar, dispatch_uid="reach_webinar_deleted")
def webinar_deleted(sender: type, instance: Webinar, **kwargs: Any) -> None:
    services.recount_people(getattr(instance, "_reach_people", []))
