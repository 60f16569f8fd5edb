"""Writes to the programme: scheduling, publishing, slug history, demo data.

Each function owns its transaction; cache invalidation follows from the model signals
(``signals.py``) once the data is saved.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from webinars.core.timezones import get_zone, parse_time_zone

from . import rules as series_rules
from .models import Series, SeriesRole, SeriesSlug, Webinar, WebinarSlug

logger = logging.getLogger(__name__)


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


@transaction.atomic
def webinar_save(*, webinar: Webinar, status_changed: bool = False, actor: Any = None) -> Webinar:
    """Store a webinar as edited in a form; a changed status goes through ``webinar_set_status``
    (so that publishing records when it happened)."""
    webinar.save()
    if status_changed:
        webinar_set_status(webinar=webinar, status=webinar.status)
    logger.info("Webinar %s saved by %s", webinar.pk, actor or "the system")
    return webinar


@transaction.atomic
def series_role_grant(*, series: Series, user: Any, role: str, actor: Any = None) -> tuple[SeriesRole, bool]:
    """Give ``user`` the ``role`` on ``series`` (replacing the role they had); the role and whether
    the user was just made staff.

    A role is all a user needs to work on a series (``programme.rules``); no Django model
    permission is ticked. Until the organisers' workspace exists, the Django admin is where
    they work, and its sign-in checks ``is_staff``: so the grant makes the user staff. That is
    the only thing ``is_staff`` gives here, never access to a series.
    """
    if role not in SeriesRole.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    granted, _created = SeriesRole.objects.update_or_create(series=series, user=user, defaults={"role": role})
    made_staff = False
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        made_staff = True
    series_rules.forget_series_roles(user)
    logger.info("Role %s on series %s given to %s by %s", role, series.pk, user, actor or "the system")
    return granted, made_staff


@transaction.atomic
def series_role_revoke(*, series: Series, user: Any, actor: Any = None) -> bool:
    """Take ``user``'s role on ``series`` away; whether they had one. ``is_staff`` stays as it
    is (the user may hold roles elsewhere, or be staff for another reason)."""
    deleted, _rows = SeriesRole.objects.filter(series=series, user=user).delete()
    series_rules.forget_series_roles(user)
    logger.info("Role on series %s taken from %s by %s", series.pk, user, actor or "the system")
    return bool(deleted)
