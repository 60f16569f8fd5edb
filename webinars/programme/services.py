"""Writes to the programme: scheduling, publishing, slug history, demo data.

Each function owns its transaction; cache invalidation and slug history follow from the
model receivers (``receivers.py``) once the data is saved. State changes are logged
(``audit``) and announced as domain events (``signals.py``).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from webinars.audit.services import log_action
from webinars.core.errors import DomainError
from webinars.core.timezones import get_zone, parse_time_zone

from . import rules as series_rules
from . import signals
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


@transaction.atomic
def webinar_save(*, webinar: Webinar, status_changed: bool = False, actor: Any = None) -> Webinar:
    """Store a webinar as edited in a form: logged, a new time announced (``webinar_moved``), a
    changed status through ``webinar_set_status`` (so publishing records when it happened and
    its event is sent)."""
    stored = Webinar.objects.filter(pk=webinar.pk).values("status", "starts_at", "duration_minutes").first() if webinar.pk else None
    wanted_status = webinar.status
    # The status changes last, through webinar_set_status, with its own log line and event.
    if stored is None:
        webinar.status = Webinar.Status.DRAFT
    elif status_changed:
        webinar.status = stored["status"]
    webinar.save()
    log_action("webinar.changed" if stored else "webinar.created", actor=actor, obj=webinar)
    if stored is not None:
        webinar_announce_move(
            webinar=webinar, from_starts_at=stored["starts_at"], from_duration_minutes=stored["duration_minutes"], actor=actor
        )
    if webinar.status != wanted_status:
        webinar_set_status(webinar=webinar, status=wanted_status, actor=actor)
    return webinar


@transaction.atomic
def series_role_grant(*, series: Series, user: Any, role: str, actor: Any = None) -> SeriesRole:
    """Give ``user`` the ``role`` on ``series`` (replacing the role they had).

    A role is all a user needs to work on a series, in the organisers' workspace
    (``programme.rules``): no Django model permission is ticked and ``is_staff`` is left as it
    is (it opens only the Django admin, the superusers' repair console).
    """
    if role not in SeriesRole.Role.values:
        raise DomainError(_("Unknown role."), field="role")
    before = SeriesRole.objects.filter(series=series, user=user).values_list("role", flat=True).first()
    granted, _created = SeriesRole.objects.update_or_create(series=series, user=user, defaults={"role": role})
    if before != role:
        action = "series.role_changed" if before else "series.role_granted"
        log_action(action, actor=actor, obj=series, data={"user": str(user), "user_id": user.pk, "role": role, "from_role": before or ""})
    series_rules.forget_series_roles(user)
    return granted


@transaction.atomic
def series_role_revoke(*, series: Series, user: Any, actor: Any = None) -> bool:
    """Take ``user``'s role on ``series`` away; whether they had one. ``is_staff`` stays as it
    is (the user may hold roles elsewhere, or be staff for another reason)."""
    deleted, _rows = SeriesRole.objects.filter(series=series, user=user).delete()
    series_rules.forget_series_roles(user)
    if deleted:
        log_action("series.role_revoked", actor=actor, obj=series, data={"user": str(user), "user_id": user.pk})
    return bool(deleted)


@transaction.atomic
def webinar_recording_set(*, webinar: Webinar, url: str, actor: Any = None) -> Webinar:
    """Set (or clear, with "") the address of the webinar's recording; logged when it changes."""
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    url = (url or "").strip()
    if url:
        try:
            URLValidator(schemes=["https", "http"])(url)
        except ValidationError:
            raise DomainError(_("Enter the full address of the recording, starting with https://."), field="recording_url") from None
        if len(url) > (Webinar._meta.get_field("recording_url").max_length or 500):
            raise DomainError(_("This address is too long."), field="recording_url")
    if url != webinar.recording_url:
        webinar.recording_url = url
        webinar.save(update_fields=["recording_url", "updated_at"])
        log_action("webinar.changed", actor=actor, obj=webinar, data={"fields": ["recording_url"]})
    return webinar
