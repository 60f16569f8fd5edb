"""Reads of outgoing e-mail."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from webinars.programme.models import Series

from .models import OutgoingMessage


def messages_of_series(series: QuerySet[Series] | list[Series]) -> QuerySet[OutgoingMessage]:
    """The messages an organiser of ``series`` may see (the outbox of their series)."""
    return OutgoingMessage.objects.filter(series__in=series)


def messages_failed(*, series: Series) -> QuerySet[OutgoingMessage]:
    """Messages of ``series`` that will not be sent any more (for the organiser to look at)."""
    return OutgoingMessage.objects.filter(series=series, status=OutgoingMessage.Status.FAILED).order_by("-created_at", "-id")


def failed_counts(*, series_ids: list[int]) -> dict[int, int]:
    """E-mails that failed for good, per series (one query)."""
    from django.db.models import Count

    rows = OutgoingMessage.objects.filter(series_id__in=series_ids, status=OutgoingMessage.Status.FAILED).order_by().values("series_id")
    return {row["series_id"]: row["n"] for row in rows.annotate(n=Count("id"))}


def outbox_waiting(now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Messages waiting to be sent now, and when the oldest of them was queued (for /readyz and metrics)."""
    waiting = OutgoingMessage.objects.filter(status=OutgoingMessage.Status.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    depth = waiting.count()
    return depth, waiting.order_by("pk").values_list("created_at", flat=True).first() if depth else None
