"""The mail app's jobs: on every worker turn, send due e-mail; periodically, settle dead workers' claims."""

from __future__ import annotations

import datetime as dt

from django.dispatch import receiver

from webinars.core.signals import periodic_task, worker_tick

from . import delivery
from .services import messages_retry_due


@receiver(periodic_task, dispatch_uid="mail_retry_due")
def retry_due(sender, now: dt.datetime, **kwargs) -> dict[str, int]:
    return {"retried": messages_retry_due(now=now)}


@receiver(worker_tick, dispatch_uid="mail_deliver_due")
def deliver_due(sender, now: dt.datetime, **kwargs) -> dict[str, int]:
    """Each worker's turn: send the due messages (the outbox is the queue with the database backend)."""
    if not delivery.outbox_polled():
        return {}
    return {f"mail_{key}": value for key, value in delivery.messages_deliver_due().items()}
