"""Registrations' periodic jobs (run by the worker through ``core.signals.periodic_task``) and metrics."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.dispatch import receiver

from webinars.core import metrics
from webinars.core.signals import periodic_task

from . import services, signals


@receiver(periodic_task, dispatch_uid="registrations_expire")
def expire_unconfirmed(sender, now: dt.datetime, **kwargs) -> dict[str, int]:
    return {"expired": services.registrations_expire(now=now)}


@receiver(periodic_task, dispatch_uid="registrations_reminders")
def queue_reminders(sender, now: dt.datetime, **kwargs) -> dict[str, int]:
    return {"reminders": services.reminders_queue_due(now=now)}


@receiver(signals.registration_status_changed, dispatch_uid="registrations_metrics")
def count_registration(sender, registration, action: str, to_status: str, **kwargs) -> None:
    """``mw_registrations_total{status}``: registrations stored (counted once committed)."""
    if action in ("registration.created", "registration.created_again"):
        transaction.on_commit(lambda: metrics.REGISTRATIONS.labels(status=to_status).inc())
