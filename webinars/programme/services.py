"""Writes to the programme: scheduling, publishing, slug history, demo data.

Each function owns its transaction; cache invalidation follows from the model signals
(``signals.py``) once the data is saved.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from webinars.core.timezones import get_zone, parse_time_zone

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
        raise ValidationError({"time_zone": _("Unknown time zone.")})
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


@transaction.atomic
def webinar_set_status(*, webinar: Webinar, status: str) -> Webinar:
    """Publish, unpublish (back to draft), cancel or postpone a webinar."""
    if status not in Webinar.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    webinar.status = status
    fields = ["status", "updated_at"]
    if status == Webinar.Status.PUBLISHED and webinar.published_at is None:
        webinar.published_at = timezone.now()
        fields.append("published_at")
    webinar.save(update_fields=fields)
    return webinar
