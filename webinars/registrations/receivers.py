"""Registrations' periodic jobs, run by the worker through ``core.signals.periodic_task``."""

from __future__ import annotations

import datetime as dt

from django.dispatch import receiver

from webinars.core.signals import periodic_task, personal_data_purge

from . import services


@receiver(periodic_task, dispatch_uid="registrations_expire")
def expire_unconfirmed(sender, now: dt.datetime, **kwargs) -> dict[str, int]:
    return {"expired": services.registrations_expire(now=now)}


@receiver(periodic_task, dispatch_uid="registrations_reminders")
def queue_reminders(sender, now: dt.datetime, **kwargs) -> dict[str, int]:
    return {"reminders": services.reminders_queue_due(now=now)}


@receiver(personal_data_purge, dispatch_uid="registrations_retention")
def purge_past_retention(sender, now: dt.datetime, dry_run: bool = False, **kwargs) -> dict[str, int]:
    return {"registrations": services.registrations_purge_past_retention(now=now, dry_run=dry_run)}
