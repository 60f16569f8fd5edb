"""Reads of the meeting platforms: a series' connection, a webinar's meeting and its open problems."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from .models import Connection, Meeting, PlatformJob


def connection_of(series_id: int) -> Connection | None:
    return Connection.objects.filter(series_id=series_id).first()


def meeting_of(webinar_id: int) -> Meeting | None:
    return Meeting.objects.select_related("connection").filter(webinar_id=webinar_id).first()


def open_jobs(*, webinar_id: int) -> QuerySet[PlatformJob]:
    return (
        PlatformJob.objects.filter(meeting__webinar_id=webinar_id, state__in=PlatformJob.OPEN).select_related("registration").order_by("pk")
    )


def failing_jobs(*, series_ids: Iterable[int]) -> list[PlatformJob]:
    """Jobs whose last try failed, with their webinar (the dashboard's "needs attention")."""
    return list(
        PlatformJob.objects.filter(
            meeting__webinar__series_id__in=list(series_ids), state__in=(PlatformJob.State.FAILED, PlatformJob.State.GAVE_UP)
        )
        .select_related("meeting__webinar__series")
        .order_by("meeting__webinar__start_date", "pk")[:50]
    )
