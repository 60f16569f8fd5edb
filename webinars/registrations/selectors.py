"""Reads of registrations: seats, bookings behind links, organiser lists and exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from webinars.audit.selectors import log_entries_for_objects
from webinars.core import links
from webinars.core.caching import content_cached
from webinars.programme.models import Webinar

from . import joining
from .models import Booking, Registration, RegistrationQuestion, search_text

# What registering reads of a webinar and its series (the rest loads on access): the form
# needs the series' region, the seat decision the rest.
REGISTERING_READS = (
    "series_id", "status", "starts_at", "ends_at", "registration_open", "capacity", "time_zone",
    "series__is_published", "series__registration_open", "series__confirm_email", "series__pending_expiry_hours",
    "series__countries",
)  # fmt: skip


def webinars_for_registering(webinar_ids: Iterable[int], *, public_only: bool = False) -> list[Webinar]:
    """The webinars (in id order) with just what a registration reads of them and their series."""
    webinars = Webinar.objects.public() if public_only else Webinar.objects.all()
    return list(webinars.select_related("series").only(*REGISTERING_READS).filter(pk__in=list(webinar_ids)).order_by("pk"))


def webinar_for_registering(webinar_id: int) -> Webinar | None:
    """A public webinar with what its registration form (the series' questions included) and
    ``services.registration_create`` read (passed on to it as ``webinar=``, so it is read
    once), or None.

    Kept under the content version (an edit of the webinar, its series or a question retires
    it): a burst of registrations then reads no programme row before the seat lock, and what
    the seat decision depends on is read fresh under it (``seats.lock_webinars_for_seats``).
    """
    return content_cached("registering", webinar_id, load=lambda: _webinar_for_registering(webinar_id))  # type: ignore[return-value]


def _webinar_for_registering(webinar_id: int) -> Webinar | None:
    found = webinars_for_registering([webinar_id], public_only=True)
    prefetch_related_objects(found, "series__registration_questions")
    return found[0] if found else None


def registration_closed_reason(webinar: Webinar, *, now: dt.datetime) -> str | None:
    """Why nobody can register now, or None when registration is open."""
    if webinar.status == Webinar.Status.CANCELLED:
        return _("This webinar has been cancelled.")
    if webinar.status != Webinar.Status.PUBLISHED or not webinar.series.is_published:
        return _("Registration is not open for this webinar.")
    if webinar.ends_at <= now:
        return _("This webinar is over.")
    if not (webinar.registration_open and webinar.series.registration_open):
        return _("Registration for this webinar is closed.")
    return None


# How long after the announced end the join link still opens the meeting (webinars overrun).
JOIN_GRACE = dt.timedelta(hours=1)


@dataclass
class RegistrationOverview:
    """One line of the self-service page: the registration and what the registrant may do now."""

    registration: Registration
    is_over: bool
    can_cancel: bool
    can_join: bool
    offers_calendar: bool
    can_register_again: bool
    join_path: str = ""  # a fresh signed join link, when the registrant may join


def booking_overview(booking: Booking, *, now: dt.datetime | None = None) -> list[RegistrationOverview]:
    """The booking's registrations as the self-service page shows them.

    After the end nothing can change (no cancel, no join, no calendar): the page offers
    what exists afterwards (recording, materials, certificate, feedback). A calendar file is
    offered only for a confirmed or pending seat; a cancelled or expired registration can
    register again while registration is open.
    """
    now = now or timezone.now()
    Status = Registration.Status
    rows = []
    for registration in booking_registrations(booking).prefetch_related("webinar__links"):
        webinar = registration.webinar
        is_over = webinar.ends_at <= now
        holds_seat = registration.status in (Status.CONFIRMED, Status.PENDING)
        live = webinar.status == Webinar.Status.PUBLISHED and not is_over
        can_join = live and registration.status == Status.CONFIRMED
        rows.append(
            RegistrationOverview(
                registration=registration,
                is_over=is_over,
                can_cancel=not is_over and registration.status in (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED),
                can_join=can_join,
                offers_calendar=live and holds_seat,
                can_register_again=registration.status in (Status.CANCELLED, Status.EXPIRED)
                and registration_closed_reason(webinar, now=now) is None,
                join_path=registration_join_path(registration) if can_join else "",
            )
        )
    return rows


def join_refusal(registration: Registration, *, now: dt.datetime | None = None) -> str:
    """Why the join link does not open the meeting now, as a code ("" when it does).

    ``not_confirmed``, ``cancelled`` (the webinar), ``postponed``, ``over``, ``no_address``
    (the organisers have not set the meeting address yet).
    """
    now = now or timezone.now()
    webinar = registration.webinar
    if registration.status != Registration.Status.CONFIRMED:
        return "not_confirmed"
    if webinar.status == Webinar.Status.CANCELLED:
        return "cancelled"
    if webinar.status == Webinar.Status.POSTPONED:
        return "postponed"
    if webinar.ends_at + JOIN_GRACE <= now:
        return "over"
    if not joining.has_meeting(webinar):
        return "no_address"
    return ""


def seat_holding_q(now: dt.datetime) -> Q:
    """Registrations that occupy a seat: confirmed, or pending and not yet expired."""
    return Q(status=Registration.Status.CONFIRMED) | Q(status=Registration.Status.PENDING, expires_at__gt=now)


def seats_taken(*, webinar: Webinar, now: dt.datetime | None = None) -> int:
    return Registration.objects.filter(seat_holding_q(now or timezone.now()), webinar=webinar).count()


def seats_left(*, webinar: Webinar, now: dt.datetime | None = None) -> int | None:
    """Free seats, or None when the capacity is unlimited."""
    if webinar.capacity is None:
        return None
    return max(0, webinar.capacity - seats_taken(webinar=webinar, now=now))


def waitlist(*, webinar: Webinar) -> QuerySet[Registration]:
    """The waiting list in the order people joined it."""
    return Registration.objects.filter(webinar=webinar, status=Registration.Status.WAITLISTED).order_by("created_at", "id")


# Salts of the first link format (``signing.dumps`` of the booking's uuid), still read.
MANAGE_SALT = "registrations.manage"
CONFIRM_SALT = "registrations.confirm"


def booking_manage_token(booking: Booking, *, issued_at: dt.datetime | None = None) -> str:
    """A fresh self-service token (signed, never stored: ``core.links``)."""
    return links.link_token(purpose="manage", key=booking.uuid, version=booking.link_version, issued_at=issued_at)


def booking_confirm_token(booking: Booking, *, issued_at: dt.datetime | None = None) -> str:
    return links.link_token(purpose="confirm", key=booking.uuid, version=booking.link_version, issued_at=issued_at)


def registration_join_token(registration: Registration, *, issued_at: dt.datetime | None = None) -> str:
    return links.link_token(purpose="join", key=registration.uuid, version=registration.link_version, issued_at=issued_at)


def booking_manage_path(booking: Booking) -> str:
    """The registrant's self-service page (the address every e-mail links to)."""
    return reverse("registrations:manage", args=[booking_manage_token(booking)])


def booking_confirm_path(booking: Booking) -> str:
    return reverse("registrations:confirm", args=[booking_confirm_token(booking)])


def registration_join_path(registration: Registration) -> str:
    return reverse("registrations:join", args=[registration_join_token(registration)])


def booking_link_lifetime(booking: Booking) -> tuple[dt.datetime | None, int]:
    """The end of the booking's last webinar and its series' link lifetime in months (one query)."""
    found = booking.registrations.aggregate(ends_at=Max("webinar__ends_at"), months=Max("webinar__series__link_months"))
    months = found["months"] or (booking.series.link_months if booking.series_id and booking.series else None)
    return found["ends_at"], months or settings.SELF_SERVICE_LINK_MONTHS


def _booking_link(token: str, *, purpose: str, legacy_salt: str, now: dt.datetime | None) -> links.Opened[Booking]:
    claim = links.link_read(token, purpose=purpose) or links.legacy_claim(token, salt=legacy_salt)
    if claim is None:
        return links.Opened()
    booking = Booking.objects.select_related("series").filter(uuid=claim.key).first()
    if booking is None or booking.link_version != claim.version:
        return links.Opened()
    ends_at, months = booking_link_lifetime(booking)
    expired = not links.link_is_live(claim, version=booking.link_version, ends_at=ends_at, months=months, now=now)
    return links.Opened(booking, expired=expired)


def booking_manage_link(token: str, *, now: dt.datetime | None = None) -> links.Opened[Booking]:
    """The booking a self-service link opens, and whether the link has expired."""
    return _booking_link(token, purpose="manage", legacy_salt=MANAGE_SALT, now=now)


def booking_confirm_link(token: str, *, now: dt.datetime | None = None) -> links.Opened[Booking]:
    return _booking_link(token, purpose="confirm", legacy_salt=CONFIRM_SALT, now=now)


def booking_by_manage_token(token: str) -> Booking | None:
    """The booking of a self-service link that works now (not expired, not revoked), else None."""
    return booking_manage_link(token).live


def booking_by_confirm_token(token: str) -> Booking | None:
    return booking_confirm_link(token).live


def booking_registrations(booking: Booking) -> QuerySet[Registration]:
    return booking.registrations.select_related("webinar", "webinar__series").order_by("webinar__start_date", "webinar__starts_at")


def registration_link(token: str, *, purpose: str, legacy_field: str, now: dt.datetime | None = None) -> links.Opened[Registration]:
    """The registration a join (or, for the feedback app, survey) link opens, and whether it expired.

    A token of the first format is found by its SHA-256 in ``legacy_field`` and expires
    ``link_months`` after the webinar.
    """
    rows = Registration.objects.select_related("webinar__series")
    claim = links.link_read(token, purpose=purpose)
    if claim is not None:
        registration = rows.filter(uuid=claim.key).first()
        if registration is None or registration.link_version != claim.version:
            return links.Opened()
    elif token and len(token) <= 64:
        registration = rows.filter(**{legacy_field: links.legacy_token_hash(token)}).first()
        if registration is None:
            return links.Opened()
        claim = links.LinkClaim(key=registration.uuid, version=registration.link_version, issued_at=registration.created_at)
    else:
        return links.Opened()
    webinar = registration.webinar
    live = links.link_is_live(claim, version=registration.link_version, ends_at=webinar.ends_at, months=webinar.series.link_months, now=now)
    return links.Opened(registration, expired=not live)


def registration_join_link(token: str, *, now: dt.datetime | None = None) -> links.Opened[Registration]:
    return registration_link(token, purpose="join", legacy_field="legacy_join_token_hash", now=now)


def registration_by_join_token(token: str) -> Registration | None:
    return registration_join_link(token).live


def bookings_of_address(email: str) -> QuerySet[Booking]:
    """The bookings made with ``email`` that still have a registration not erased, newest first."""
    return (
        Booking.objects.filter(email=email.strip().lower(), registrations__erased_at__isnull=True).distinct().order_by("-created_at", "-id")
    )


def registrations_for_organiser(*, series_ids) -> QuerySet[Registration]:
    return Registration.objects.filter(webinar__series_id__in=series_ids).select_related("webinar", "webinar__series")


# Header labels are translated when the export is written (in the organiser's language).
EXPORT_COLUMNS: list[tuple[str, str]] = [
    ("webinar", gettext_noop("Webinar")),
    ("webinar_date", gettext_noop("Date")),
    ("status", gettext_noop("Status")),
    ("name", gettext_noop("Name")),
    ("email", gettext_noop("E-mail")),
    ("country", gettext_noop("Country")),
    ("city", gettext_noop("City")),
    ("organisation", gettext_noop("Organisation")),
    ("position", gettext_noop("Position")),
    ("institution_type", gettext_noop("Institution type")),
    ("gender", gettext_noop("Gender")),
    ("language", gettext_noop("Language")),
    ("consent_recording", gettext_noop("Agrees to recording")),
    ("registered_at", gettext_noop("Registered at (UTC)")),
    ("confirmed_at", gettext_noop("Confirmed at (UTC)")),
    ("joined", gettext_noop("Joined")),
]


def registration_export_rows(queryset: QuerySet[Registration]):
    """Rows (lists of plain values) for CSV/XLSX export, in EXPORT_COLUMNS order, streamed."""
    for reg in (
        queryset.select_related("webinar").order_by("webinar__start_date", "webinar_id", "created_at", "id").iterator(chunk_size=2000)
    ):
        yield [
            str(reg.webinar),
            reg.webinar.start_date.isoformat(),
            reg.status,
            reg.name,
            reg.email if not reg.is_erased else "",
            reg.country.code if reg.country else "",
            reg.city,
            reg.organisation,
            reg.position,
            reg.institution_type,
            reg.gender,
            reg.language,
            "yes" if reg.consent_recording else "no",
            reg.created_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M"),
            reg.confirmed_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if reg.confirmed_at else "",
            "yes" if reg.join_count else "no",
        ]


def booking_export_data(*, booking: Booking) -> dict:
    """Everything stored about the registrant, for "download my data"."""
    registrations = list(booking.registrations.select_related("webinar"))
    history: dict[int, list] = {}
    for entry in log_entries_for_objects(Registration, [r.pk for r in registrations]):
        if entry.object_id is not None:
            history.setdefault(entry.object_id, []).append(entry)
    return {
        "email": booking.email,
        "booked_at": booking.created_at.isoformat(),
        "registrations": [
            {
                "webinar": str(r.webinar),
                "webinar_url": r.webinar.get_absolute_url(),
                "status": r.status,
                "name": r.name,
                "email": r.email,
                "country": r.country.code if r.country else "",
                "city": r.city,
                "organisation": r.organisation,
                "position": r.position,
                "institution_type": r.institution_type,
                "gender": r.gender,
                "language": r.language,
                "time_zone": r.time_zone,
                "consent_privacy_at": r.consent_privacy_at.isoformat(),
                "consent_recording": r.consent_recording,
                "answers": r.answers,
                "registered_at": r.created_at.isoformat(),
                "confirmed_at": r.confirmed_at.isoformat() if r.confirmed_at else None,
                "joined": bool(r.join_count),
                "history": [
                    {"action": e.action, "status": e.data.get("to_status", r.status), "at": e.created_at.isoformat()}
                    for e in history.get(r.pk, [])
                ],
            }
            for r in registrations
        ],
    }


def registration_counts(*, webinar_ids: list[int], now: dt.datetime | None = None) -> dict[int, dict[str, int]]:
    """Per webinar: registrations by status and seats taken, in one aggregate query."""
    now = now or timezone.now()
    S = Registration.Status
    rows = (
        Registration.objects.filter(webinar_id__in=webinar_ids)
        .order_by()
        .values("webinar_id")
        .annotate(
            total=Count("id", filter=~Q(status__in=[S.CANCELLED, S.EXPIRED])),
            confirmed=Count("id", filter=Q(status=S.CONFIRMED)),
            pending=Count("id", filter=Q(status=S.PENDING)),
            waitlisted=Count("id", filter=Q(status=S.WAITLISTED)),
            cancelled=Count("id", filter=Q(status=S.CANCELLED)),
            seats_taken=Count("id", filter=seat_holding_q(now)),
        )
    )
    empty = {"total": 0, "confirmed": 0, "pending": 0, "waitlisted": 0, "cancelled": 0, "seats_taken": 0}
    counts = {pk: dict(empty) for pk in webinar_ids}
    for row in rows:
        values: dict[str, Any] = dict(row)
        counts[values["webinar_id"]] = {key: int(values[key]) for key in empty}
    return counts


# --- the organisers' table of one webinar -------------------------------------------------------

#: Sort keys of the organisers' table → ORDER BY (each ends with the primary key, so pages never overlap).
TABLE_SORTS: dict[str, tuple[str, ...]] = {
    "registered": ("created_at", "id"),
    "-registered": ("-created_at", "-id"),
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "status": ("status", "created_at", "id"),
    "country": ("country", "created_at", "id"),
}
TABLE_COLUMNS: tuple[str, ...] = ("pk", "uuid", "name", "email", "status", "country", "city", "organisation", "institution_type")
TABLE_COLUMNS += ("language", "created_at", "erased_at", "webinar_id", "booking_id")


@dataclass
class RegistrationFilter:
    """What the organiser asked the table for (already validated by the interface)."""

    search: str = ""
    status: str = ""
    country: str = ""
    institution_type: str = ""
    language: str = ""
    sort: str = "registered"

    def described(self, *, with_search_text: bool = True) -> list[str]:
        """``["status=confirmed", "search=…"]``: for an export's first line and its log entry."""
        parts = [f"{name}={value}" for name in ("status", "country", "institution_type", "language") if (value := getattr(self, name))]
        if self.search:
            parts.append(f"search={self.search}" if with_search_text else "search")
        return parts


@dataclass
class RegistrationTable:
    rows: list[Registration]
    matching: int  # rows matching the filters (all pages)
    counts: dict[str, int]  # the webinar's registrations by status, and "all" (``status_counts``)
    countries: list[str]  # country codes present among the webinar's registrations
    languages: list[str]  # language codes present
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.matching // self.per_page))


def registration_search_q(text: str) -> Q:
    """Registrations whose name, e-mail, organisation or city contain every word of ``text``, in any script."""
    condition = Q()
    for word in text.split()[:8]:
        folded = search_text(word)
        variants = set(folded.split(" ")) if " " in folded else {folded}
        word_q = Q()
        for variant in variants:
            word_q |= Q(search_key__contains=variant)
        condition &= word_q
    return condition


def webinar_registrations(*, webinar: Webinar, filters: RegistrationFilter) -> QuerySet[Registration]:
    """The webinar's registrations matching ``filters``, in the asked order."""
    queryset = Registration.objects.filter(webinar=webinar)
    for name in ("status", "country", "institution_type", "language"):
        value = getattr(filters, name)
        if value:
            queryset = queryset.filter(**{name: value})
    if filters.search.strip():
        queryset = queryset.filter(registration_search_q(filters.search))
    return queryset.order_by(*TABLE_SORTS.get(filters.sort, TABLE_SORTS["registered"]))


def registration_table(*, webinar: Webinar, filters: RegistrationFilter, page: int = 1, per_page: int = 50) -> RegistrationTable:
    """One page of the organisers' table: four queries whatever the number of registrations.

    The page is read with LIMIT/OFFSET along an index of (webinar, sort column, id); the
    number of matching rows is one COUNT over the webinar's index range.
    """
    queryset = webinar_registrations(webinar=webinar, filters=filters)
    matching = queryset.count()
    pages = max(1, -(-matching // per_page))
    page = min(max(1, page), pages)
    start = (page - 1) * per_page
    rows = list(queryset.only(*TABLE_COLUMNS)[start : start + per_page])
    present = Registration.objects.filter(webinar=webinar).order_by().values_list("country", "language").distinct()
    countries, languages = set(), set()
    for country, language in present:
        if country:
            countries.add(str(country))
        if language:
            languages.add(language)
    return RegistrationTable(
        rows=rows,
        matching=matching,
        counts=status_counts(webinar=webinar),
        countries=sorted(countries),
        languages=sorted(languages),
        page=page,
        per_page=per_page,
    )


def status_counts(*, webinar: Webinar) -> dict[str, int]:
    """The webinar's registrations by status, and ``all``: one GROUP BY over the (webinar, status) index."""
    counts = {status: 0 for status in Registration.Status.values}
    rows = Registration.objects.filter(webinar=webinar).order_by().values_list("status").annotate(n=Count("pk"))
    counts.update({status: n for status, n in rows})
    counts["all"] = sum(counts.values())
    return counts


def registration_for_workspace(*, webinar: Webinar, registration_id: int) -> Registration | None:
    """One registration of ``webinar`` with its booking (None when it belongs to another webinar)."""
    return Registration.objects.select_related("booking").filter(webinar=webinar, pk=registration_id).first()


def registration_answers(registration: Registration) -> list[tuple[str, Any]]:
    """(question, answer) pairs of the series' questions; answers to removed questions keep their number."""
    from webinars.core.i18n import i18n_text

    answers = registration.answers or {}
    if not answers:
        return []
    questions = {str(q.pk): q for q in RegistrationQuestion.objects.filter(series_id=registration.webinar.series_id)}
    result = []
    for key, value in answers.items():
        question = questions.get(str(key))
        result.append((i18n_text(question.label) if question else f"#{key}", value))
    return result


def registrations_by_ids(*, webinar: Webinar, ids: Iterable[int]) -> QuerySet[Registration]:
    return Registration.objects.filter(webinar=webinar, pk__in=list(ids)).order_by("created_at", "id")


# --- audiences of an organiser's message ----------------------------------------------------------


def webinar_audience(*, webinar: Webinar, audience: str, attended_ids: set[int] | None = None) -> QuerySet[Registration]:
    """Who an organiser's message to ``audience`` goes to (``attended_ids``: from the attendance app).

    ``confirmed``, ``waitlisted``; ``attended`` (any status) and ``not_attended`` (confirmed,
    not among ``attended_ids``) only once attendance is known. Erased registrations never.
    """
    people = Registration.objects.filter(webinar=webinar, erased_at__isnull=True)
    if audience in (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED):
        return people.filter(status=audience)
    if attended_ids is None:
        return people.none()
    if audience == "attended":
        return people.filter(pk__in=sorted(attended_ids))
    if audience == "not_attended":
        return people.filter(status=Registration.Status.CONFIRMED).exclude(pk__in=sorted(attended_ids))
    return people.none()


def webinar_audience_languages(*, webinar: Webinar, attended_ids: set[int] | None = None) -> dict[str, dict[str, int]]:
    """For each audience, its people per preferred language (two queries whatever the size)."""
    S = Registration.Status
    result: dict[str, dict[str, int]] = {"confirmed": {}, "waitlisted": {}}
    people = Registration.objects.filter(webinar=webinar, erased_at__isnull=True).order_by()
    listed = people.filter(status__in=[S.CONFIRMED, S.WAITLISTED]).values_list("status", "language").annotate(n=Count("pk"))
    for status, language, n in listed:
        result[status][language] = n
    if attended_ids is not None:
        attended: dict[str, int] = {}
        not_attended = dict(result["confirmed"])
        rows = people.filter(pk__in=sorted(attended_ids)).values_list("status", "language").annotate(n=Count("pk"))
        for status, language, n in rows:
            attended[language] = attended.get(language, 0) + n
            if status == S.CONFIRMED:
                not_attended[language] = not_attended.get(language, 0) - n
        result["attended"] = attended
        result["not_attended"] = {language: n for language, n in not_attended.items() if n > 0}
    return result


def audience_samples(*, recipients: QuerySet[Registration]) -> dict[str, Registration]:
    """One recipient per language (the first to register), for previews: two queries."""
    firsts = recipients.order_by().values("language").annotate(first=Min("pk")).values_list("first", flat=True)
    return {r.language: r for r in Registration.objects.filter(pk__in=list(firsts)).only("pk", "name", "email", "language", "time_zone")}
