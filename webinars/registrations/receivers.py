"""Registrations' periodic jobs (the worker's ``core.signals.periodic_task``), what it does
when the programme cancels or postpones a webinar (``programme.signals``), and metrics."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from webinars.core import metrics
from webinars.core.services import content_version_bump
from webinars.core.signals import periodic_task, personal_data_purge
from webinars.programme.signals import webinar_cancelled, webinar_postponed

from . import services, signals
from .models import RegistrationQuestion


@receiver(periodic_task, dispatch_uid="registrations_expire")
def expire_unconfirmed(sender, now: dt.datetime, **kwargs) -> dict[str, int]:
    return {"expired": services.registrations_expire(now=now)}


@receiver(periodic_task, dispatch_uid="registrations_reminders")
def queue_reminders(sender, now: dt.datetime, **kwargs) -> dict[str, int]:
    return {"reminders": services.reminders_queue_due(now=now)}


@receiver(webinar_cancelled, dispatch_uid="registrations_webinar_cancelled")
def tell_registrants_cancelled(sender, webinar, **kwargs) -> None:
    services.webinar_change_announce(webinar=webinar, kind="webinar_cancelled")


@receiver(webinar_postponed, dispatch_uid="registrations_webinar_postponed")
def tell_registrants_postponed(sender, webinar, **kwargs) -> None:
    services.webinar_change_announce(webinar=webinar, kind="webinar_postponed")


@receiver(personal_data_purge, dispatch_uid="registrations_retention")
def purge_past_retention(sender, now: dt.datetime, dry_run: bool = False, **kwargs) -> dict[str, int]:
    return {"registrations": services.registrations_purge_past_retention(now=now, dry_run=dry_run)}


@receiver(signals.registration_status_changed, dispatch_uid="registrations_metrics")
def count_registration(sender, registration, action: str, to_status: str, **kwargs) -> None:
    """``mw_registrations_total{status}``: registrations stored (counted once committed)."""
    if action in ("registration.created", "registration.created_again"):
        transaction.on_commit(lambda: metrics.REGISTRATIONS.labels(status=to_status).inc())


@receiver(post_save, sender=RegistrationQuestion, dispatch_uid="registrations_question_saved")
@receiver(post_delete, sender=RegistrationQuestion, dispatch_uid="registrations_question_deleted")
def question_changed(sender, **kwargs) -> None:
    """The registration form is built from cached reads (``selectors.webinar_for_registering``)."""
    content_version_bump()
