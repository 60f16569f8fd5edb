"""Feedback's periodic job: invite registrants once a webinar is over."""

from __future__ import annotations

import datetime as dt

from django.dispatch import receiver

from webinars.core.signals import periodic_task

from .services import feedback_requests_queue_due


@receiver(periodic_task, dispatch_uid="feedback_requests_queue_due")
def queue_feedback_requests(sender, now: dt.datetime, **kwargs) -> dict[str, int]:
    return {"feedback_requests": feedback_requests_queue_due(now=now)}
