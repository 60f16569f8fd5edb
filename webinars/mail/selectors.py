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


def status_counts_by_key_prefix(*, prefixes: list[str], series_id: int) -> dict[str, dict[str, int]]:
    """For each key prefix (one sending of many messages): its messages by status, in one query."""
    from django.db.models import Count, Q
    from django.db.models.functions import Substr

    if not prefixes:
        return {}
    lengths = {len(p) for p in prefixes}
    if len(lengths) != 1:
        raise ValueError("key prefixes of one call must have one length")
    condition = Q()
    for prefix in prefixes:
        condition |= Q(key__startswith=prefix)
    rows = (
        OutgoingMessage.objects.filter(condition, series_id=series_id)
        .annotate(prefix=Substr("key", 1, lengths.pop()))
        .order_by()
        .values("prefix", "status")
        .annotate(n=Count("id"))
    )
    counts: dict[str, dict[str, int]] = {prefix: {} for prefix in prefixes}
    for row in rows:
        counts.setdefault(row["prefix"], {})[row["status"]] = row["n"]
    return counts


def messages_with_key_prefix(*, prefix: str, series_id: int) -> QuerySet[OutgoingMessage]:
    """The messages of one sending (to whom, status, when sent, last error), in the order queued."""
    return OutgoingMessage.objects.filter(key__startswith=prefix, series_id=series_id).order_by("id")


def status_counts_about(*, kind: str, about: QuerySet) -> dict[str, int]:
    """Messages of ``kind`` about any object of ``about``, by status (one query)."""
    from django.db.models import Count

    rows = OutgoingMessage.objects.about_any(about).filter(kind=kind).order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def first_message_by_key_prefix(*, prefixes: list[str], series_id: int) -> dict[str, OutgoingMessage]:
    """The first message of each sending (its subject and text are those of all its messages): two queries."""
    from django.db.models import Min, Q
    from django.db.models.functions import Substr

    if not prefixes:
        return {}
    length = len(prefixes[0])
    condition = Q()
    for prefix in prefixes:
        condition |= Q(key__startswith=prefix)
    firsts = (
        OutgoingMessage.objects.filter(condition, series_id=series_id)
        .annotate(prefix=Substr("key", 1, length))
        .order_by()
        .values("prefix")
        .annotate(first=Min("id"))
        .values_list("first", flat=True)
    )
    return {message.key[:length]: message for message in OutgoingMessage.objects.filter(pk__in=list(firsts))}


def outbox_waiting(now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Messages waiting to be sent now, and when the oldest of them was queued (for /readyz and metrics)."""
    waiting = OutgoingMessage.objects.filter(status=OutgoingMessage.Status.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    depth = waiting.count()
    return depth, waiting.order_by("pk").values_list("created_at", flat=True).first() if depth else None
