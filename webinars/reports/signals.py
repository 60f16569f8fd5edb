"""Marks a webinar's pre-aggregated reach figures stale when its registrations or attendance change."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_delete

from webinars.reports import services


def _stale(sender, instance, **kwargs) -> None:
    services.mark_stale(getattr(instance, "webinar_id", None))


def _webinar_deleting(sender, instance, **kwargs) -> None:
    instance._reach_people = services.people_of(instance.pk)


def _webinar_deleted(sender, instance, **kwargs) -> None:
    services.recount_people(getattr(instance, "_reach_people", []))


def connect() -> None:
    from webinars.attendance.models import AttendanceImport, Attendee
    from webinars.programme.models import Webinar
    from webinars.registrations.models import Registration

    for model in (Registration, Attendee, AttendanceImport):
        post_save.connect(_stale, sender=model, dispatch_uid=f"reach_stale_save_{model.__name__}")
        post_delete.connect(_stale, sender=model, dispatch_uid=f"reach_stale_delete_{model.__name__}")
    pre_delete.connect(_webinar_deleting, sender=Webinar, dispatch_uid="reach_webinar_deleting")
    post_delete.connect(_webinar_deleted, sender=Webinar, dispatch_uid="reach_webinar_deleted")
