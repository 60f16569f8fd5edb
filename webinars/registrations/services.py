"""Writes of registrations: register, confirm, cancel, promote, expire, erase, join.

Capacity rule (never oversell): the seat check and the insert happen in one transaction
that first locks the webinar row (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the
``IMMEDIATE`` transaction mode takes the database write lock at BEGIN). Registrations of
one webinar are therefore serialised; different webinars proceed in parallel on
PostgreSQL. Every e-mail is an ``OutgoingMessage`` row written in the same transaction
and handed to the task queue only after commit, so nothing that can fail runs after the
registration is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from webinars.audit.services import log_action
from webinars.core.db import hot_write_lock
from webinars.core.errors import NotAllowed
from webinars.programme.models import Series, Webinar

from . import messaging, signals
from .models import Booking, Registration
from .seats import seat_is_free, with_seat_counts

Status = Registration.Status
ACTIVE_STATUSES = (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED)
# What registering reads of the locked webinar and its series (the rest loads on access).
REGISTERING_READS = (
    "series_id", "status", "starts_at", "ends_at", "registration_open", "capacity", "time_zone",
    "series__is_published", "series__registration_open", "series__confirm_email", "series__pending_expiry_hours",
)  # fmt: skip
PERSONAL_FIELDS = ("name", "country", "city", "organisation", "position", "institution_type", "gender", "language", "consent_recording")


class RegistrationClosed(NotAllowed):
    """Registration is not possible for this webinar (past, cancelled, closed, draft)."""

    code = "registration_closed"


@dataclass
class RegistrationResult:
    booking: Booking
    registrations: list[Registration] = field(default_factory=list)
    created: bool = True

    @property
    def status(self) -> str:
        """The status to report: the first registration's (a series booking reports each too)."""
        return self.registrations[0].status if self.registrations else ""


def _status_changed(registration: Registration, action: str, from_status: str, *, actor=None) -> None:
    """Log a change of status under ``action`` and tell the other apps (same transaction)."""
    log_action(action, actor=actor, obj=registration, data={"from_status": from_status, "to_status": registration.status})
    signals.registration_status_changed.send(
        sender=Registration, registration=registration, from_status=from_status, to_status=registration.status, action=action, actor=actor
    )
    if registration.status == Status.CONFIRMED and from_status != Status.CONFIRMED:
        signals.registration_confirmed.send(sender=Registration, registration=registration, actor=actor)


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


def _lock_webinars(ids: Iterable[int], *, now: dt.datetime | None = None) -> list[Webinar]:
    """Lock webinar rows in id order (a fixed order cannot deadlock) and return them; with
    ``now``, each carries its seat count for one seat check (``seats.with_seat_counts``)."""
    locked = Webinar.objects.select_for_update(of=("self",)).select_related("series").filter(pk__in=list(ids)).order_by("pk")
    if now is None:
        return list(locked)
    # Registering reads only these columns (not the translated texts): a shorter locked query.
    return list(with_seat_counts(locked.only(*REGISTERING_READS), now=now))


def _status_for_new_seat(webinar: Webinar, *, verified: bool, now: dt.datetime) -> str:
    needs_confirmation = webinar.series.confirm_email and not verified
    if not seat_is_free(webinar, now=now):
        return Status.WAITLISTED
    return Status.PENDING if needs_confirmation else Status.CONFIRMED


def _apply_status(registration: Registration, status: str, *, now: dt.datetime) -> None:
    registration.status = status
    if status == Status.PENDING:
        registration.expires_at = now + dt.timedelta(hours=registration.webinar.series.pending_expiry_hours)
    else:
        registration.expires_at = None
    if status == Status.CONFIRMED and registration.confirmed_at is None:
        registration.confirmed_at = now


def _announce(registration: Registration, booking: Booking) -> None:
    """Queue the e-mail that tells a registrant their new status."""
    if registration.status == Status.CONFIRMED:
        messaging.queue(kind="confirmed", registration=registration, key=f"confirmed:{registration.uuid}:{registration.webinar.starts_at}")
    elif registration.status == Status.WAITLISTED:
        messaging.queue(kind="waitlisted", registration=registration, key=f"waitlisted:{registration.uuid}")


def registration_create(*, webinar_id: int, data: dict, source: str = "web", now: dt.datetime | None = None) -> RegistrationResult:
    """Register ``data["email"]`` for one webinar. Raises RegistrationClosed or Webinar.DoesNotExist.

    A repeat for the same e-mail changes nothing, answers with the stored status and
    re-sends the self-service link.
    """
    return _register(webinar_ids=[webinar_id], series=None, data=data, source=source, now=now or timezone.now())


def booking_create_for_series(*, series: Series, data: dict, source: str = "web", now: dt.datetime | None = None) -> RegistrationResult:
    """Register for every upcoming webinar of ``series`` that is open for registration."""
    now = now or timezone.now()
    ids = list(
        Webinar.objects.filter(series=series, status=Webinar.Status.PUBLISHED, ends_at__gt=now, registration_open=True).values_list(
            "pk", flat=True
        )
    )
    if not ids or not series.registration_open or not series.is_published:
        raise RegistrationClosed(_("There are no upcoming webinars open for registration in this series."))
    return _register(webinar_ids=ids, series=series, data=data, source=source, now=now)


def _register(*, webinar_ids: list[int], series: Series | None, data: dict, source: str, now: dt.datetime) -> RegistrationResult:
    email = data["email"].strip().lower()
    with hot_write_lock():
        try:
            with transaction.atomic():
                return _register_locked(webinar_ids=webinar_ids, series=series, data=data, email=email, source=source, now=now)
        except IntegrityError:
            # Another request for the same e-mail won the race between our check and insert;
            # the unique constraint kept one row. Answer like that first request did.
            with transaction.atomic():
                return _register_locked(webinar_ids=webinar_ids, series=series, data=data, email=email, source=source, now=now)


def _register_locked(*, webinar_ids, series, data, email, source, now) -> RegistrationResult:
    webinars = _lock_webinars(webinar_ids, now=now)
    if not webinars:
        raise Webinar.DoesNotExist
    if series is None:
        reason = registration_closed_reason(webinars[0], now=now)
        if reason:
            raise RegistrationClosed(reason)
    else:
        webinars = [w for w in webinars if registration_closed_reason(w, now=now) is None]
        if not webinars:
            raise RegistrationClosed(_("There are no upcoming webinars open for registration in this series."))

    existing = {r.webinar_id: r for r in Registration.objects.select_related("booking").filter(webinar__in=webinars, email=email)}
    active = [r for r in existing.values() if r.status in ACTIVE_STATUSES]
    if len(active) == len(webinars):
        booking = active[0].booking
        messaging.queue(kind="manage_link", booking=booking, key=f"manage-link:{booking.uuid}:{now.timestamp()}")
        return RegistrationResult(
            booking=booking, registrations=sorted(active, key=lambda r: webinar_ids.index(r.webinar_id)), created=False
        )

    verified = any(r.email_verified_at for r in existing.values())
    booking = Booking.objects.create(
        email=email,
        series=series,
        language=data.get("language") or "en",
        time_zone=data.get("time_zone") or webinars[0].time_zone,
    )
    registrations: list[Registration] = []
    for webinar in webinars:
        registration = existing.get(webinar.pk)
        if registration is not None and registration.status in ACTIVE_STATUSES:
            registrations.append(registration)
            continue
        previous_status = registration.status if registration else ""
        if registration is None:
            registration = Registration(webinar=webinar, email=email, source=source)
        registration.webinar = webinar
        registration.booking = booking
        for name in PERSONAL_FIELDS:
            if name in data:
                setattr(registration, name, data[name])
        # Without the registrant's zone (API clients), e-mails use the organiser's zone, which they name.
        registration.time_zone = data.get("time_zone") or webinar.time_zone
        registration.answers = data.get("answers") or {}
        registration.consent_privacy_at = now
        registration.cancelled_at = None
        _apply_status(registration, _status_for_new_seat(webinar, verified=verified, now=now), now=now)
        if verified and registration.email_verified_at is None:
            registration.email_verified_at = now
        registration.save()
        _status_changed(registration, "registration.created_again" if previous_status else "registration.created", previous_status)
        registrations.append(registration)
        _announce(registration, booking)

    needs_confirmation = any(
        r.booking_id == booking.pk
        and r.email_verified_at is None
        and r.webinar.series.confirm_email
        and r.status in (Status.PENDING, Status.WAITLISTED)
        for r in registrations
    )
    if needs_confirmation:
        messaging.queue(kind="confirm_request", booking=booking, key=f"confirm-request:{booking.uuid}", series_id=webinars[0].series_id)
    return RegistrationResult(booking=booking, registrations=registrations, created=True)


def booking_confirm_email(*, booking: Booking, now: dt.datetime | None = None) -> list[Registration]:
    """The registrant clicked the confirmation link: their pending seats become confirmed.

    A pending registration whose hold already expired gets a seat again if one is free,
    else joins the waiting list. Waitlisted ones stay waitlisted, now with a verified address.
    """
    now = now or timezone.now()
    with transaction.atomic():
        webinar_ids = booking.registrations.values_list("webinar_id", flat=True)
        _lock_webinars(webinar_ids)
        changed = []
        for registration in booking.registrations.select_related("webinar__series").select_for_update(of=("self",)):
            if registration.email_verified_at is None:
                registration.email_verified_at = now
            before = registration.status
            if before == Status.PENDING:
                if registration.expires_at and registration.expires_at > now:
                    _apply_status(registration, Status.CONFIRMED, now=now)
                else:
                    registration.status = Status.EXPIRED  # let the seat check below not count itself
                    _apply_status(registration, _status_for_new_seat(registration.webinar, verified=True, now=now), now=now)
            elif before == Status.EXPIRED and registration.webinar.ends_at > now:
                _apply_status(registration, _status_for_new_seat(registration.webinar, verified=True, now=now), now=now)
            registration.save()
            if registration.status != before:
                _status_changed(registration, "registration.email_confirmed", before)
                _announce(registration, booking)
                changed.append(registration)
        return changed


def _promote_waitlisted(webinar: Webinar, *, now: dt.datetime) -> list[Registration]:
    """Give free seats to the waiting list, first come first served. Caller holds the lock."""
    if webinar.ends_at <= now:
        return []
    promoted = []
    while True:
        if not seat_is_free(webinar, now=now):
            break
        candidate = (
            Registration.objects.select_related("booking", "webinar__series")
            .filter(webinar=webinar, status=Status.WAITLISTED)
            .order_by("created_at", "id")
            .first()
        )
        if candidate is None:
            break
        verified = candidate.email_verified_at is not None or not webinar.series.confirm_email
        _apply_status(candidate, Status.CONFIRMED if verified else Status.PENDING, now=now)
        candidate.save()
        _status_changed(candidate, "registration.promoted", Status.WAITLISTED)
        messaging.queue(kind="promoted", registration=candidate, key=f"promoted:{candidate.uuid}:{now.timestamp()}")
        promoted.append(candidate)
    return promoted


def registration_cancel(
    *, registration: Registration, actor=None, by_organiser: bool = False, now: dt.datetime | None = None, notify: bool = True
) -> Registration:
    """Cancel a registration; a freed seat goes to the first person on the waiting list."""
    now = now or timezone.now()
    with transaction.atomic():
        webinar = _lock_webinars([registration.webinar_id])[0]
        registration = (
            Registration.objects.select_for_update(of=("self",)).select_related("booking", "webinar__series").get(pk=registration.pk)
        )
        if registration.status in (Status.CANCELLED, Status.EXPIRED):
            return registration
        before = registration.status
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.expires_at = None
        registration.save()
        action = "registration.cancelled_by_organiser" if by_organiser else "registration.cancelled"
        _status_changed(registration, action, before, actor=actor)
        signals.registration_cancelled.send(sender=Registration, registration=registration, actor=actor, by_organiser=by_organiser)
        if notify:
            kind = "cancelled_by_organiser" if by_organiser else "cancelled"
            messaging.queue(kind=kind, registration=registration, key=f"{kind}:{registration.uuid}:{now.timestamp()}")
        _promote_waitlisted(webinar, now=now)
        return registration


def registration_confirm_by_organiser(*, registration: Registration, actor=None, now: dt.datetime | None = None) -> Registration:
    """An organiser confirms someone (from pending or the waiting list), even beyond capacity."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_webinars([registration.webinar_id])
        registration = (
            Registration.objects.select_for_update(of=("self",)).select_related("booking", "webinar__series").get(pk=registration.pk)
        )
        if registration.status == Status.CONFIRMED:
            return registration
        before = registration.status
        _apply_status(registration, Status.CONFIRMED, now=now)
        registration.save()
        _status_changed(registration, "registration.confirmed_by_organiser", before, actor=actor)
        kind = "promoted" if before == Status.WAITLISTED else "confirmed"
        messaging.queue(kind=kind, registration=registration, key=f"{kind}:{registration.uuid}:{now.timestamp()}")
        return registration


def registrations_expire(*, now: dt.datetime | None = None) -> int:
    """Expire pending registrations past their hold and give the seats to the waiting list."""
    now = now or timezone.now()
    webinar_ids = set(
        Registration.objects.filter(status=Status.PENDING, expires_at__lte=now).values_list("webinar_id", flat=True).distinct()
    )
    expired = 0
    for webinar_id in sorted(webinar_ids):
        with transaction.atomic():
            webinar = _lock_webinars([webinar_id])[0]
            for registration in Registration.objects.select_for_update(of=("self",)).filter(
                webinar=webinar, status=Status.PENDING, expires_at__lte=now
            ):
                registration.status = Status.EXPIRED
                registration.expires_at = None
                registration.save(update_fields=["status", "expires_at", "updated_at"])
                _status_changed(registration, "registration.expired", Status.PENDING)
                expired += 1
            _promote_waitlisted(webinar, now=now)
    return expired


def booking_update_details(*, booking: Booking, data: dict, actor=None) -> None:
    """The registrant (or an organiser, ``actor``) corrects their details on every webinar of the booking.

    The e-mail address is their identity and stays.
    """
    with transaction.atomic():
        for registration in booking.registrations.select_related("webinar").select_for_update(of=("self",)).filter(erased_at__isnull=True):
            registration_update_details(registration=registration, data=data, actor=actor)
        if data.get("language"):
            Booking.objects.filter(pk=booking.pk).update(language=data["language"])


def registration_update_details(*, registration: Registration, data: dict, actor=None) -> list[str]:
    """Correct one registration's personal details; returns the names of the fields that changed.

    Only ``PERSONAL_FIELDS`` are taken from ``data``. Logged (field names, not values) and
    announced by ``registration_details_changed`` (certificates follow a corrected name).
    """
    if registration.erased_at is not None:
        raise NotAllowed(_("This registration has been erased."))
    changed = [name for name in PERSONAL_FIELDS if name in data and getattr(registration, name) != data[name]]
    if not changed:
        return []
    with transaction.atomic():
        for name in changed:
            setattr(registration, name, data[name])
        registration.save(update_fields=[*changed, "updated_at"])
        log_action("registration.details_changed", actor=actor, obj=registration, data={"fields": changed})
        signals.registration_details_changed.send(sender=Registration, registration=registration, fields=changed, actor=actor)
    return changed


def booking_erase(*, booking: Booking, actor=None, now: dt.datetime | None = None) -> None:
    """Erase the registrant's personal data (right to erasure).

    Upcoming registrations are cancelled first (freeing seats for the waiting list). The
    rows stay, anonymised, so that counts in reports remain right: country, institution
    type, gender and language are kept as aggregate fields; name, e-mail, city,
    organisation, position, answers and join token are removed.
    """
    now = now or timezone.now()
    for registration in booking.registrations.select_related("webinar").filter(status__in=ACTIVE_STATUSES):
        if registration.webinar.ends_at > now:
            registration_cancel(registration=registration, actor=actor, now=now, notify=False)
    with transaction.atomic():
        anonymous_email = f"erased-{booking.uuid}@erased.invalid"
        for registration in booking.registrations.select_related("webinar").select_for_update(of=("self",)):
            email_before = registration.email
            registration.email = f"erased-{registration.uuid}@erased.invalid"
            registration.name = ""
            registration.city = ""
            registration.organisation = ""
            registration.position = ""
            registration.answers = {}
            registration.join_token = f"erased-{registration.uuid.hex}"
            registration.erased_at = now
            registration.save()
            log_action("registration.erased", actor=actor, obj=registration)
            signals.registration_erased.send(sender=Registration, registration=registration, email=email_before, actor=actor)
        booking.email = anonymous_email
        booking.save(update_fields=["email"])
        messaging.erase_for_booking(booking=booking, registrations=booking.registrations.all(), to_email=anonymous_email)


def registration_join(*, registration: Registration, now: dt.datetime | None = None) -> str | None:
    """Record a click on the personal join link; return the meeting address when allowed."""
    now = now or timezone.now()
    if registration.status != Status.CONFIRMED or not registration.webinar.meeting_url:
        return None
    Registration.objects.filter(pk=registration.pk).update(
        join_count=F("join_count") + 1, join_clicked_at=Coalesce(F("join_clicked_at"), now)
    )
    return registration.webinar.meeting_url


def webinar_message_confirmed(*, webinar: Webinar, subject: str, body: str, actor=None) -> int:
    """Queue an organiser's message to every confirmed registrant of ``webinar``."""
    import uuid

    batch = uuid.uuid4().hex
    count = 0
    with transaction.atomic():
        for registration in webinar.registrations.filter(status=Status.CONFIRMED).select_related("booking"):
            messaging.queue(
                kind="organiser_message",
                registration=registration,
                key=f"organiser-message:{batch}:{registration.uuid}",
                context={"subject": subject[:200], "body": body[:10000]},
            )
            count += 1
        log_action("webinar.message_sent", actor=actor, obj=webinar, data={"count": count, "batch": batch})
    return count


def webinar_recording_announce(*, webinar: Webinar, actor=None) -> int:
    """Tell confirmed registrants that the recording is available (once each)."""
    if not webinar.recording_url:
        return 0
    count = 0
    with transaction.atomic():
        for registration in webinar.registrations.filter(status=Status.CONFIRMED).select_related("booking"):
            count += messaging.queue(kind="recording", registration=registration, key=f"recording:{registration.uuid}") is not None
        if count:
            log_action("webinar.recording_announced", actor=actor, obj=webinar, data={"count": count})
    return count


def reminders_queue_due(*, now: dt.datetime | None = None, horizon_hours: int = 48) -> int:
    """Queue the reminders now due (per series: e.g. 24 h and 1 h before the start).

    A reminder goes to registrations confirmed before its moment, so someone registering
    an hour before the start gets their confirmation, not a "starts tomorrow" reminder.
    Keys include the start time, so a rescheduled webinar gets fresh reminders.
    """
    now = now or timezone.now()
    count = 0
    webinars = Webinar.objects.select_related("series").filter(
        status=Webinar.Status.PUBLISHED, starts_at__gt=now, starts_at__lte=now + dt.timedelta(hours=horizon_hours)
    )
    for webinar in webinars:
        assert webinar.starts_at is not None  # the query keeps only webinars with a start time
        for hours in sorted({int(h) for h in (webinar.series.reminder_hours or []) if str(h).isdigit()}, reverse=True):
            moment = webinar.starts_at - dt.timedelta(hours=hours)
            if now < moment:
                continue
            recipients = webinar.registrations.filter(status=Status.CONFIRMED, confirmed_at__lt=moment).values_list("pk", "uuid")
            count += messaging.queue_many(
                kind="reminder",
                items=[(pk, f"reminder:{reg_uuid}:{hours}:{webinar.starts_at.isoformat()}") for pk, reg_uuid in recipients],
                context={"hours": hours},
            )
    return count


def registrations_export_record(*, queryset: QuerySet[Registration], fmt: str, filters: Sequence[str], actor: Any) -> int:
    """Record that ``actor`` exported these registrations' personal data (one log line per series).

    Returns how many rows the export holds. Called by every interface that exports, before
    the file is streamed, so an export that fails half-way is still on record.
    """
    per_series = dict(queryset.order_by().values_list("webinar__series_id").annotate(n=Count("id")))
    for series_id, count in per_series.items():
        log_action(
            "export.registrations", actor=actor, series=series_id, data={"format": fmt, "count": count, "filters": list(filters)[:20]}
        )
    return sum(per_series.values())
