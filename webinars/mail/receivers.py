"""The mail app's periodic job: re-enqueue e-mail whose retry is due or whose task was lost."""

from __future__ import annotations

import datetime as dt

from django.dispatch import receiver

from webinars.core.signals import periodic_task

from .services import messages_retry_due


@receiver(periodic_task, dispatch_uid="mail_retry_due")
def retry_due(sender, now: dt.datetime, **kwargs) -> dict[str, int]:
    return {"retried": messages_retry_due(now=now)}
