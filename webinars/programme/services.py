"""Writes to the programme: scheduling, publishing, slug history, demo data.

Each function owns its transaction; cache invalidation and slug history follow from the
model receivers (``receivers.py``) once the data is saved. State changes are logged
(``audit``) and announced as domain events (``signals.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from webinars.audit.services import log_action
from webinars.core.errors import DomainError
from webinars.core.timezones import get_zone, parse_time_zone

from . import signals
from .models import Series, SeriesSlug, Webinar, WebinarSlug


def series_slug_remember(*, series: Series) -> None:
    """Record the series' current slug so that its address keeps working after renames.

    A slug once used by another series is handed over to this one: the live series
    that now carries the slug wins over the old redirect.
    """
    SeriesSlug.objects.update_or_create(slug=series.slug, defaults={"series": series})


def webinar_slug_remember(*, webinar: Webinar) -> None:
    WebinarSlug.objects.update_or_create(series_id=webinar.series_id, slug=webinar.slug, defaults={"webinar": webinar})


def webinar_schedule(
    *, webinar: Webinar, date: dt.date, local_time: dt.time | None, time_zone: str | None = None, duration_minutes: int | None = None
) -> Webinar:
    """Set when a webinar takes place, in the organiser's zone; stored in UTC.

    ``local_time=None`` means the date is known but the time is not yet announced.
    """
    zone_name = time_zone or webinar.time_zone
    zone = parse_time_zone(zone_name)
    if zone is None:
        raise DomainError(_("Unknown time zone."), field="time_zone")
    webinar.time_zone = zone_name
    webinar.start_date = date
    webinar.starts_at = dt.datetime.combine(date, local_time, tzinfo=zone).astimezone(dt.UTC) if local_time is not None else None
    if duration_minutes is not None:
        webinar.duration_minutes = duration_minutes
    return webinar


def webinar_local_start(webinar: Webinar) -> dt.time | None:
    """The announced start time in the organiser's zone (what the organiser typed)."""
    if webinar.starts_at is None:
        return None
    return webinar.starts_at.astimezone(get_zone(webinar.time_zone)).time()


STATUS_EVENTS = {
    Webinar.Status.PUBLISHED: ("webinar.published", signals.webinar_published),
    Webinar.Status.DRAFT: ("webinar.unpublished", signals.webinar_unpublished),
    Webinar.Status.CANCELLED: ("webinar.cancelled", signals.webinar_cancelled),
    Webinar.Status.POSTPONED: ("webinar.postponed", signals.webinar_postponed),
}


@transaction.atomic
def webinar_set_status(*, webinar: Webinar, status: str, actor: Any = None) -> Webinar:
    """Publish, unpublish (back to draft), cancel or postpone a webinar.

    Logged and announced (``signals``) only when the status really changes.
    """
    if status not in Webinar.Status.values:
        raise DomainError(_("Unknown status."), field="status")
    before = webinar.status
    webinar.status = status
    fields = ["status", "updated_at"]
    if status == Webinar.Status.PUBLISHED and webinar.published_at is None:
        webinar.published_at = timezone.now()
        fields.append("published_at")
    webinar.save(update_fields=fields)
    if before != status:
        action, signal = STATUS_EVENTS[Webinar.Status(status)]
        log_action(action, actor=actor, obj=webinar, data={"from_status": before, "to_status": status})
        signal.send(sender=Webinar, webinar=webinar, from_status=before, actor=actor)
    return webinar


def webinar_announce_move(*, webinar: Webinar, from_starts_at: dt.datetime | None, from_duration_minutes: int, actor: Any = None) -> None:
    """Log and announce that a saved webinar's start or length changed (callers that save a webinar call this)."""
    if webinar.starts_at == from_starts_at and webinar.duration_minutes == from_duration_minutes:
        return
    log_action(
        "webinar.moved",
        actor=actor,
        obj=webinar,
        data={
            "from": from_starts_at.isoformat() if from_starts_at else None,
            "to": webinar.starts_at.isoformat() if webinar.starts_at else None,
            "from_duration_minutes": from_duration_minutes,
            "duration_minutes": webinar.duration_minutes,
        },
    )
    signals.webinar_moved.send(
        sender=Webinar, webinar=webinar, from_starts_at=from_starts_at, from_duration_minutes=from_duration_minutes, actor=actor
    )
