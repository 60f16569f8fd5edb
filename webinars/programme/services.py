"""Writes to the programme: scheduling, publishing, slug history, demo data.

Each function owns its transaction; cache invalidation and slug history follow from the
model receivers (``receivers.py``) once the data is saved. State changes are logged
(``audit``) and announced as domain events (``signals.py``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from i18nfield.fields import I18nFieldMixin

from webinars.audit.services import log_action
from webinars.core.errors import Conflict, DomainError
from webinars.core.i18n import LazyI18nString
from webinars.core.images import LOGO_BOX, PHOTO_BOX, image_shrink
from webinars.core.languages import CONTENT_LANGUAGE_CODES
from webinars.core.rich_text import markdown_per_language
from webinars.core.timezones import get_zone, parse_time_zone

from . import rules as series_rules
from . import signals
from .models import Organisation, Person, Series, SeriesRole, SeriesSlug, Webinar, WebinarLink, WebinarSlug, WebinarSpeaker
from .slugs import slug_for

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


@dataclass
class SpeakerRow:
    """One speaker as edited in a form: an existing person, or a new one named in place."""

    person: Person | None = None
    new_person_name: str = ""
    role: dict[str, str] = field(default_factory=dict)
    order: int = 0


@dataclass
class LinkRow:
    title: dict[str, str] = field(default_factory=dict)
    url: str = ""
    language: str = ""
    order: int = 0


def _refuse_if_stale(model: type[models.Model], pk: int, expected_updated_at: dt.datetime | None, message: str) -> dict[str, Any] | None:
    """Lock the stored row and refuse when someone saved it after the form was loaded."""
    stored = model.objects.select_for_update().filter(pk=pk).values().first()  # type: ignore[attr-defined]
    if stored is not None and expected_updated_at is not None and stored["updated_at"] != expected_updated_at:
        raise Conflict(message)
    return stored


def _changed_fields(stored: dict[str, Any] | None, obj: models.Model) -> list[str]:
    if stored is None:
        return []
    changed = []
    for model_field in obj._meta.concrete_fields:
        if model_field.attname in ("updated_at", "ends_at") or model_field.attname not in stored:
            continue
        if _comparable(model_field, getattr(obj, model_field.attname)) != _comparable(model_field, stored[model_field.attname]):
            changed.append(model_field.name)
    return changed


def _comparable(model_field: Any, value: Any) -> Any:
    """A value as stored, with the empty languages of a translatable text dropped."""
    if isinstance(value, LazyI18nString):
        value = value.data if isinstance(value.data, dict) else ({"": value.data} if value.data else {})
    if isinstance(value, dict):
        return {lang: text for lang, text in value.items() if text}
    if value in ("", None) and isinstance(model_field, I18nFieldMixin):
        return {}
    return model_field.get_prep_value(value)


def _describe(obj: models.Model, description_markdown: dict[str, str] | None, *, field_name: str = "description") -> None:
    """Keep the Markdown typed (``<field>_source``) and store its sanitised HTML for the pages (``<field>``)."""
    if description_markdown is None:
        return
    typed = {lang: text for lang, text in description_markdown.items() if text and text.strip()}
    setattr(obj, f"{field_name}_source", typed)
    setattr(obj, field_name, markdown_per_language(typed))


def _webinar_slug(webinar: Webinar) -> None:
    """A slug from the title when none is typed; a typed one must be free in the series."""
    others = Webinar.objects.filter(series_id=webinar.series_id).exclude(pk=webinar.pk)
    if not webinar.slug:
        webinar.slug = slug_for(
            webinar.title,
            original=webinar.original_language,
            max_length=160,
            fallback="webinar",
            taken=lambda slug: others.filter(slug=slug).exists(),
        )
    elif others.filter(slug=webinar.slug).exists():
        raise DomainError(_("Another webinar of this series has this address; choose another."), field="slug")


def _speakers_replace(webinar: Webinar, speakers: Iterable[SpeakerRow], actor: Any) -> None:
    rows, seen = [], set()
    for row in speakers:
        person = row.person
        if person is None and row.new_person_name.strip():
            person = Person(name={webinar.original_language or "en": row.new_person_name.strip()}, added_for_series=webinar.series)
            _directory_slug(person, fallback="person", taken_message=_("Another person has this address; choose another."))
            person.save()
            log_action("person.created", actor=actor, obj=person, series=webinar.series_id)
        if person is None or person.pk in seen:
            continue
        seen.add(person.pk)
        rows.append(WebinarSpeaker(webinar=webinar, person=person, role=row.role, order=row.order))
    webinar.speakers.all().delete()
    WebinarSpeaker.objects.bulk_create(rows)


def _links_replace(webinar: Webinar, links: Iterable[LinkRow]) -> None:
    webinar.links.all().delete()
    WebinarLink.objects.bulk_create(
        WebinarLink(webinar=webinar, title=row.title, url=row.url, language=row.language, order=row.order) for row in links
    )


@transaction.atomic
def webinar_save(
    *,
    webinar: Webinar,
    status_changed: bool = False,
    actor: Any = None,
    expected_updated_at: dt.datetime | None = None,
    description_markdown: dict[str, str] | None = None,
    speakers: Iterable[SpeakerRow] | None = None,
    links: Iterable[LinkRow] | None = None,
    partners: Iterable[Organisation] | None = None,
) -> Webinar:
    """Store a webinar as edited in a form: logged, a new time announced (``webinar_moved``), a
    changed status through ``webinar_set_status`` (so publishing records when it happened and
    its event is sent).

    The workspace also passes ``expected_updated_at`` (when the form was loaded: a webinar
    saved by someone else since is refused with ``Conflict``, nothing is overwritten), the
    description as Markdown, and the speakers, links and partners, which replace the stored ones.
    """
    stored = None
    if webinar.pk:
        stored = _refuse_if_stale(
            Webinar,
            webinar.pk,
            expected_updated_at,
            _("Someone else changed this webinar after you opened the form, so your changes were not saved. Open it again to see theirs."),
        )
    wanted_status = webinar.status
    _describe(webinar, description_markdown)
    _webinar_slug(webinar)
    # The status changes last, through webinar_set_status, with its own log line and event.
    if stored is None:
        webinar.status = Webinar.Status.DRAFT
    elif status_changed:
        webinar.status = stored["status"]
    changed = _changed_fields(stored, webinar)
    webinar.save()
    if partners is not None:
        webinar.partners.set(partners)
    if speakers is not None:
        _speakers_replace(webinar, speakers, actor)
    if links is not None:
        _links_replace(webinar, links)
    if stored is not None:
        log_action("webinar.changed", actor=actor, obj=webinar, data={"fields": changed} if changed else None)
        webinar_announce_move(
            webinar=webinar, from_starts_at=stored["starts_at"], from_duration_minutes=stored["duration_minutes"], actor=actor
        )
    else:
        log_action("webinar.created", actor=actor, obj=webinar)
    if webinar.status != wanted_status:
        webinar_set_status(webinar=webinar, status=wanted_status, actor=actor)
    return webinar


#: What an organiser may do next with a webinar in each status (the workspace's buttons).
STATUS_CHANGES: dict[str, list[str]] = {
    Webinar.Status.DRAFT: [Webinar.Status.PUBLISHED],
    Webinar.Status.PUBLISHED: [Webinar.Status.DRAFT, Webinar.Status.POSTPONED, Webinar.Status.CANCELLED],
    Webinar.Status.POSTPONED: [Webinar.Status.PUBLISHED, Webinar.Status.CANCELLED],
    Webinar.Status.CANCELLED: [Webinar.Status.PUBLISHED, Webinar.Status.DRAFT],
}


def webinar_status_changes(webinar: Webinar) -> list[str]:
    return STATUS_CHANGES.get(webinar.status, [])


@transaction.atomic
def webinar_duplicate(*, webinar: Webinar, actor: Any = None, days: int = 7) -> Webinar:
    """A draft copy of ``webinar`` ``days`` later at the same local time: its texts, settings,
    partners, speakers and links (not its status, registrations, recording or history)."""
    source = Webinar.objects.select_related("series").prefetch_related("speakers", "links", "partners").get(pk=webinar.pk)
    copy = Webinar(
        series=source.series,
        title=source.title,
        summary=source.summary,
        description=source.description,
        description_source=source.description_source,
        duration_minutes=source.duration_minutes,
        language=source.language,
        interpretation_languages=list(source.interpretation_languages or []),
        original_language=source.original_language,
        capacity=source.capacity,
        meeting_url=source.meeting_url,
        registration_open=source.registration_open,
        status=Webinar.Status.DRAFT,
    )
    webinar_schedule(
        webinar=copy,
        date=source.start_date + dt.timedelta(days=days),
        local_time=webinar_local_start(source),
        time_zone=source.time_zone,
    )
    _webinar_slug(copy)
    copy.save()
    copy.partners.set(source.partners.all())
    WebinarSpeaker.objects.bulk_create(
        WebinarSpeaker(webinar=copy, person_id=s.person_id, role=s.role, order=s.order) for s in source.speakers.all()
    )
    WebinarLink.objects.bulk_create(
        WebinarLink(webinar=copy, title=link.title, url=link.url, language=link.language, order=link.order) for link in source.links.all()
    )
    log_action("webinar.duplicated", actor=actor, obj=copy, data={"from_webinar_id": source.pk})
    return copy


# -- series ------------------------------------------------------------------------------------


def _series_check(series: Series) -> None:
    languages = list(dict.fromkeys(series.content_languages or []))
    unknown = [code for code in languages if code not in CONTENT_LANGUAGE_CODES]
    if unknown or not languages:
        raise DomainError(_("Choose at least one of the content languages offered."), field="content_languages")
    series.content_languages = languages
    if parse_time_zone(series.time_zone) is None:
        raise DomainError(_("Unknown time zone."), field="time_zone")
    if not series.slug:
        series.slug = slug_for(
            series.title,
            original=series.original_language,
            max_length=120,
            fallback="series",
            taken=lambda slug: Series.objects.filter(slug=slug).exclude(pk=series.pk).exists(),
        )
    elif Series.objects.filter(slug=series.slug).exclude(pk=series.pk).exists():
        raise DomainError(_("Another series has this address; choose another."), field="slug")


@transaction.atomic
def series_create(
    *, series: Series, actor: Any, partners: Iterable[Organisation] = (), description_markdown: dict[str, str] | None = None
) -> Series:
    """Store a new series; the organiser who creates it becomes its owner (its first team member)."""
    _describe(series, description_markdown)
    _series_check(series)
    series.save()
    series.partners.set(partners)
    log_action("series.created", actor=actor, obj=series)
    if getattr(actor, "pk", None):
        series_role_grant(series=series, user=actor, role=SeriesRole.Role.OWNER, actor=actor)
    return series


@transaction.atomic
def series_update(
    *,
    series: Series,
    actor: Any,
    partners: Iterable[Organisation] | None = None,
    description_markdown: dict[str, str] | None = None,
    expected_updated_at: dt.datetime | None = None,
) -> Series:
    """Store a series' settings as edited in a form (refused when someone saved it since the form was loaded)."""
    stored = _refuse_if_stale(
        Series,
        series.pk,
        expected_updated_at,
        _("Someone else changed this series after you opened the form, so your changes were not saved. Open it again to see theirs."),
    )
    _describe(series, description_markdown)
    _series_check(series)
    changed = _changed_fields(stored, series)
    series.save()
    if partners is not None:
        before = set(series.partners.values_list("pk", flat=True))
        series.partners.set(partners)
        if before != set(series.partners.values_list("pk", flat=True)):
            changed.append("partners")
    log_action("series.changed", actor=actor, obj=series, data={"fields": changed})
    return series


# -- people and organisations ------------------------------------------------------------------


def _directory_slug(entry: Person | Organisation, *, fallback: str, taken_message: str) -> None:
    """Give a new person or organisation an address made from its name; refuse one another entry has."""
    model = type(entry)
    others = model.objects.exclude(pk=entry.pk)
    if not entry.slug:
        entry.slug = slug_for(
            entry.name,
            original=entry.original_language,
            max_length=100,
            fallback=fallback,
            taken=lambda slug: others.filter(slug=slug).exists(),
        )
    elif others.filter(slug=entry.slug).exists():
        raise DomainError(taken_message, field="slug")


@transaction.atomic
def person_save(
    *, person: Person, actor: Any, bio_markdown: dict[str, str] | None = None, photo: Any = None, remove_photo: bool = False
) -> Person:
    """Store a speaker's public profile (the biography typed in Markdown); an uploaded photo is made small (``core.images``)."""
    created = person.pk is None
    _describe(person, bio_markdown, field_name="bio")
    _directory_slug(person, fallback="person", taken_message=_("Another person has this address; choose another."))
    if photo is not None:
        small = image_shrink(photo, box=PHOTO_BOX)
        person.photo.save(small.name or "photo.webp", small, save=False)
    elif remove_photo:
        person.photo = None
    person.save()
    log_action("person.created" if created else "person.changed", actor=actor, obj=person, series=person.added_for_series_id)
    return person


@transaction.atomic
def organisation_save(*, organisation: Organisation, actor: Any, logo: Any = None, remove_logo: bool = False) -> Organisation:
    """Store an organiser or partner; an uploaded logo is made small (``core.images``)."""
    created = organisation.pk is None
    _directory_slug(organisation, fallback="organisation", taken_message=_("Another organisation has this address; choose another."))
    if logo is not None:
        small = image_shrink(logo, box=LOGO_BOX)
        organisation.logo.save(small.name or "logo.webp", small, save=False)
    elif remove_logo:
        organisation.logo = None
    organisation.save()
    action = "organisation.created" if created else "organisation.changed"
    log_action(action, actor=actor, obj=organisation, series=organisation.added_for_series_id)
    return organisation


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
