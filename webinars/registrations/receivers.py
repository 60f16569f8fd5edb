"""Registrations' periodic jobs, run by the worker through ``core.signals.periodic_task``."""

from __future__ import annotations

import datetime as dt

from django.dispatch import receiver

from webinars.core.signals import periodic_task

from . import services


@receiver(periodic_task, dispatch_uid="registrations_expire")
def expire_unconfirmed(sender, now: dt.datetime, **kwargs) -> dict[str, int]:
    return {"expired": services.registrations_expire(now=now)}


@receiver(periodic_task, dispatch_uid="registrations_reminders")
def queue_reminders(sender, now: dt.datetime, **kwargs) -> dict[str, int]:
    return {"reminders": services.reminders_queue_due(now=now)}
