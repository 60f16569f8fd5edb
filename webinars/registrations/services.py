"""Writes of registrations: register, confirm, cancel, promote, expire, erase, join.

Capacity rule (never oversell): the seat check and the insert happen in one transaction
that locks the webinar row (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the
``IMMEDIATE`` transaction mode takes the database write lock at BEGIN). Registrations of
one webinar are therefore serialised, so what needs no lock is done before it (see
``_register``); different webinars proceed in parallel on PostgreSQL. Every e-mail is an
``OutgoingMessage`` row written in the same transaction and handed to the task queue only
after commit, so nothing that can fail runs after the registration is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from webinars.audit.services import admin_log_forget, log_action
from webinars.core.db import adopt_inserted, hot_write_lock, insert_row, insert_statement, inserts_batched, reserve_keys_statement
from webinars.core.errors import Conflict, DomainError, NotAllowed
from webinars.core.pseudonyms import ERASED_DOMAIN, erased_address
from webinars.core.ratelimit import over_limit, pending_hit
from webinars.programme.models import Series, Webinar
from webinars.programme.selectors import webinars_past_retention

from . import joining, messaging, signals
from .models import Booking, Registration
from .seats import (
    SeatsChanged,
    SeatState,
    lock_webinars_for_seats,
    needs_exclusive_lock,
    probably_no_seat_to_take,
    remember_seats,
    seat_is_free,
)
from .selectors import bookings_of_address, join_refusal, registration_closed_reason, seat_holding_q, webinars_for_registering  # noqa: F401 -- registration_closed_reason: part of the services' interface

Status = Registration.Status
ACTIVE_STATUSES = (Status.PENDING, Status.CONFIRMED, Status.WAITLISTED)
PERSONAL_FIELDS = ("name", "country", "city", "organisation", "position", "institution_type", "gender", "language", "consent_recording")


class RegistrationClosed(NotAllowed):
    """Registration is not possible for this webinar (past, cancelled, closed, draft)."""

    code = "registration_closed"


class WebinarOver(NotAllowed):
    """The webinar has ended: its registrations are a record now (donor reports count them)."""

    code = "webinar_over"


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
    _log_status(registration, action, from_status, actor=actor)
    _tell_status(registration, action, from_status, actor=actor)


def _log_status(registration: Registration, action: str, from_status: str, *, actor=None) -> None:
    log_action(action, actor=actor, obj=registration, data={"from_status": from_status, "to_status": registration.status})


def _tell_status(registration: Registration, action: str, from_status: str, *, actor=None) -> None:
    signals.registration_status_changed.send(
        sender=Registration, registration=registration, from_status=from_status, to_status=registration.status, action=action, actor=actor
    )
    if registration.status == Status.CONFIRMED and from_status != Status.CONFIRMED:
        signals.registration_confirmed.send(sender=Registration, registration=registration, actor=actor)


def _lock_webinars(ids: Iterable[int]) -> list[Webinar]:
    """Lock webinar rows in id order (a fixed order cannot deadlock) and return them."""
    return list(Webinar.objects.select_for_update(of=("self",)).select_related("series").filter(pk__in=list(ids)).order_by("pk"))


def _status_for_new_seat(webinar: Webinar, *, verified: bool, now: dt.datetime, seats: SeatState | None = None) -> str:
    needs_confirmation = webinar.series.confirm_email and not verified
    if not seat_is_free(webinar, now=now, state=seats):
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


def needs_email_confirmation(registration: Registration) -> bool:
    """The registrant still has to confirm their address (double opt-in of the series)."""
    return registration.email_verified_at is None and registration.webinar.series.confirm_email


def _announce(registration: Registration, booking: Booking) -> None:
    """Queue the e-mail that tells a registrant their new status.

    A waitlisted registrant who must still confirm the address hears about both in the one
    confirmation request (``confirm_request``), not in two messages.
    """
    if registration.status == Status.CONFIRMED:
        messaging.queue(kind="confirmed", registration=registration, key=f"confirmed:{registration.uuid}:{registration.webinar.starts_at}")
    elif registration.status == Status.WAITLISTED and not needs_email_confirmation(registration):
        messaging.queue(kind="waitlisted", registration=registration, key=f"waitlisted:{registration.uuid}")


def registration_create(
    *, webinar_id: int, data: dict, source: str = "web", now: dt.datetime | None = None, webinar: Webinar | None = None
) -> RegistrationResult:
    """Register ``data["email"]`` for one webinar. Raises RegistrationClosed or Webinar.DoesNotExist.

    A repeat for the same e-mail changes nothing, answers with the stored status and
    re-sends the self-service link. ``webinar``: the same webinar as read by
    ``selectors.webinar_for_registering`` (saves reading it again).
    """
    return _register(webinar_ids=[webinar_id], series=None, data=data, source=source, now=now or timezone.now(), webinar=webinar)


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


def _register(
    *, webinar_ids: list[int], series: Series | None, data: dict, source: str, now: dt.datetime, webinar: Webinar | None = None
) -> RegistrationResult:
    """Register outside-in: the webinars and their series are read before the transaction (from
    the content cache), and the part that registrations of one webinar wait for holds only the
    seat decision and its writes (``seats.lock_webinars_for_seats`` re-reads, under the lock,
    what that decision depends on, in the same round trip as the address's and the e-mail
    allowance's reads).

    Only taking a limited seat excludes other registrations of the webinar; once it is full
    (most of a burst), registrants join the waiting list side by side under a share lock
    (PostgreSQL; SQLite has one writer at a time anyway).
    """
    email = data["email"].strip().lower()
    webinars = [webinar] if webinar is not None and [webinar.pk] == webinar_ids else webinars_for_registering(webinar_ids)
    if not webinars:
        raise Webinar.DoesNotExist
    # Anyone can type anyone's address: at most N registration requests an hour send it e-mail,
    # whoever sends them and from wherever (the answer is the same either way). Counted with
    # the lock when the counts are in the database (one round trip fewer), else now.
    allowance = pending_hit("mail-to", email, limit=settings.REGISTRATION_MAILS_PER_ADDRESS_PER_HOUR, window_seconds=3600)
    may_mail = None
    if allowance is None:
        may_mail = not over_limit("mail-to", email, limit=settings.REGISTRATION_MAILS_PER_ADDRESS_PER_HOUR, window_seconds=3600)
    arguments = {"series": series, "data": data, "email": email, "source": source, "now": now}
    shared = connection.features.has_select_for_update and probably_no_seat_to_take(webinar_ids)
    raced = False
    with hot_write_lock():
        while True:
            try:
                with transaction.atomic():
                    return _register_locked(webinars=webinars, shared=shared, allowance=allowance, may_mail=may_mail, **arguments)
            except SeatsChanged:
                shared = False  # a seat to take after all: decide again under the exclusive lock
            except IntegrityError:
                if raced:
                    raise
                # Another request for the same e-mail won the race between our read and insert;
                # the unique constraint kept one row. Answer like that first request did.
                raced = True


def _register_locked(*, webinars, shared, allowance, may_mail, series, data, email, source, now) -> RegistrationResult:
    webinar_ids = [w.pk for w in webinars]
    # The new booking goes to the server with the lock, in the same round trip (a repeat that
    # needs none deletes it below: rare), and so do keys for the new registrations (PostgreSQL),
    # so that each can be written together with its activity line and e-mail row.
    booking = _new_booking(email=email, series=series, data=data, time_zone=webinars[0].time_zone)
    extra = [insert_statement(booking)]
    if allowance is not None:
        extra.append((allowance.sql, allowance.params))
    reserve = reserve_keys_statement(Registration, len(webinars))
    if reserve is not None:
        extra.append(reserve)
    locked = lock_webinars_for_seats(webinars, now=now, shared=shared, email=email, extra=extra)
    webinars, seats = locked.webinars, locked.seats
    adopt_inserted(booking, locked.extra[0])
    if allowance is not None:
        may_mail = not allowance.is_over(locked.extra[1])
    keys = [row[0] for row in locked.extra[-1]] if reserve is not None else []
    if not webinars:
        raise Webinar.DoesNotExist
    if shared and any(needs_exclusive_lock(w, seats[w.pk]) for w in webinars):
        raise SeatsChanged
    if series is None:
        reason = registration_closed_reason(webinars[0], now=now)
        if reason:
            raise RegistrationClosed(reason)
    else:
        webinars = [w for w in webinars if registration_closed_reason(w, now=now) is None]
        if not webinars:
            raise RegistrationClosed(_("There are no upcoming webinars open for registration in this series."))
    existing: dict[int, Registration] = {}
    if locked.address_known:
        # Earlier registrations of the address (a repeat, or a return after cancelling), locked.
        existing = {r.webinar_id: r for r in Registration.objects.select_for_update().filter(webinar__in=webinars, email=email)}
    active = [r for r in existing.values() if r.status in ACTIVE_STATUSES]
    if len(active) == len(webinars):
        booking.delete()  # nothing new to book: the registrations keep their booking
        booking = Booking.objects.get(pk=active[0].booking_id)
        if may_mail:
            messaging.queue(kind="manage_link", booking=booking, key=f"manage-link:{booking.uuid}:{now.timestamp()}")
        return RegistrationResult(
            booking=booking, registrations=sorted(active, key=lambda r: webinar_ids.index(r.webinar_id)), created=False
        )

    verified = any(r.email_verified_at for r in existing.values())
    registrations: list[Registration] = []
    changed: list[tuple[Registration, str, str]] = []  # (registration, action, previous status)
    seated: set[int] = set()
    # The new rows, their activity lines and e-mail rows go to the server together, once.
    with inserts_batched():
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
            _apply_status(registration, _status_for_new_seat(webinar, verified=verified, now=now, seats=seats[webinar.pk]), now=now)
            if verified and registration.email_verified_at is None:
                registration.email_verified_at = now
            if registration.pk is None and keys:
                registration.pk = keys.pop()  # reserved with the lock: inserted with the batch
                insert_row(registration)
            else:
                registration.save()
            if registration.status in (Status.CONFIRMED, Status.PENDING):
                seated.add(webinar.pk)
            action = "registration.created_again" if previous_status else "registration.created"
            _log_status(registration, action, previous_status)
            changed.append((registration, action, previous_status))
            registrations.append(registration)
            if may_mail:
                _announce(registration, booking)

        needs_confirmation = any(
            r.booking_id == booking.pk and needs_email_confirmation(r) and r.status in (Status.PENDING, Status.WAITLISTED)
            for r in registrations
        )
        if needs_confirmation and may_mail:
            messaging.queue(kind="confirm_request", booking=booking, key=f"confirm-request:{booking.uuid}", series_id=webinars[0].series_id)
    for registration, action, previous_status in changed:  # the rows are stored now
        _tell_status(registration, action, previous_status)
    for webinar in webinars:
        remember_seats(webinar, seats[webinar.pk], taken=int(webinar.pk in seated))
    return RegistrationResult(booking=booking, registrations=registrations, created=True)


def _new_booking(*, email: str, series: Series | None, data: dict, time_zone: str) -> Booking:
    """A booking to insert (not saved)."""
    language = data.get("language") or "en"
    return Booking(email=email, series=series, language=language, time_zone=data.get("time_zone") or time_zone)


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
        _promote(candidate, action="registration.promoted", now=now)
        promoted.append(candidate)
    return promoted


def _promote(registration: Registration, *, action: str, now: dt.datetime, actor=None) -> None:
    """Move one registration off the waiting list, with the "promoted" e-mail.

    An address that was never verified is not confirmed by the move: the seat is held
    (pending) until the registrant confirms it, as for any new registration.
    """
    _apply_status(registration, Status.PENDING if needs_email_confirmation(registration) else Status.CONFIRMED, now=now)
    registration.save()
    _status_changed(registration, action, Status.WAITLISTED, actor=actor)
    messaging.queue(kind="promoted", registration=registration, key=f"promoted:{registration.uuid}:{now.timestamp()}")


def webinar_capacity_change(*, webinar: Webinar, capacity: int | None, actor=None, now: dt.datetime | None = None) -> list[Registration]:
    """Set the number of seats (None: unlimited); new seats go to the waiting list at once, in order.

    Returns the registrations promoted (each told by the "promoted" e-mail). Lowering the
    capacity takes no seat away from anyone: it only stops new confirmations.
    """
    if capacity is not None and capacity < 0:
        raise DomainError(_("The capacity cannot be negative."), field="capacity")
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_webinars([webinar.pk])[0]
        before = locked.capacity
        promoted: list[Registration] = []
        if before != capacity:
            locked.capacity = capacity
            locked.save(update_fields=["capacity", "updated_at"])
            log_action("webinar.capacity_changed", actor=actor, obj=locked, data={"from": before, "to": capacity})
            promoted = _promote_waitlisted(locked, now=now)
        # The caller's object follows (a form that checks for concurrent edits compares updated_at).
        webinar.capacity, webinar.updated_at = locked.capacity, locked.updated_at
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
        if webinar.ends_at <= now:
            raise WebinarOver(_("This webinar is over: its registrations can no longer be cancelled."))
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
    """An organiser confirms someone (from pending or the waiting list), even beyond capacity.

    Off the waiting list, an address that was never verified stays unconfirmed: the
    registrant gets the seat as pending and must confirm the address first.
    """
    now = now or timezone.now()
    with transaction.atomic():
        _lock_webinars([registration.webinar_id])
        registration = (
            Registration.objects.select_for_update(of=("self",)).select_related("booking", "webinar__series").get(pk=registration.pk)
        )
        if registration.status == Status.CONFIRMED:
            return registration
        before = registration.status
        if before == Status.WAITLISTED:
            _promote(registration, action="registration.confirmed_by_organiser", now=now, actor=actor)
            return registration
        _apply_status(registration, Status.CONFIRMED, now=now)
        registration.save()
        _status_changed(registration, "registration.confirmed_by_organiser", before, actor=actor)
        messaging.queue(kind="confirmed", registration=registration, key=f"confirmed:{registration.uuid}:{now.timestamp()}")
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


def registration_update_details(
    *, registration: Registration, data: dict, actor=None, if_unchanged_since: dt.datetime | None = None
) -> list[str]:
    """Correct one registration's personal details; returns the names of the fields that changed.

    Only ``PERSONAL_FIELDS`` are taken from ``data``. Logged (field names, not values) and
    announced by ``registration_details_changed`` (certificates follow a corrected name).
    With ``if_unchanged_since`` (the ``updated_at`` the form was made from), a registration
    changed since then is refused (``Conflict``) instead of overwritten.
    """
    if registration.erased_at is not None:
        raise NotAllowed(_("This registration has been erased."))
    with transaction.atomic():
        if if_unchanged_since is not None:
            stored = Registration.objects.select_for_update(of=("self",)).filter(pk=registration.pk).values_list("updated_at", flat=True)
            if stored.first() != if_unchanged_since:
                raise Conflict(_("Someone changed this registration meanwhile: reload the page to see the change, then correct it again."))
        changed = [name for name in PERSONAL_FIELDS if name in data and getattr(registration, name) != data[name]]
        if not changed:
            return []
        for name in changed:
            setattr(registration, name, data[name])
        registration.save(update_fields=[*changed, "updated_at"])
        log_action("registration.details_changed", actor=actor, obj=registration, data={"fields": changed})
        signals.registration_details_changed.send(sender=Registration, registration=registration, fields=changed, actor=actor)
    return changed


def booking_erase(*, booking: Booking, actor=None, now: dt.datetime | None = None) -> int:
    """Erase the registrant's personal data (right to erasure): every registration of every
    booking made with the booking's address, since the link holder proved they own it.

    Upcoming registrations are cancelled first (freeing seats for the waiting list). The
    rows stay, anonymised, so that counts in reports remain right: country, institution
    type, gender and language are kept as aggregate fields; name, city, organisation,
    position and answers are removed, its links revoked, and the address is replaced by its keyed
    hash (``core.pseudonyms``), so the person still counts once. Returns how many
    registrations were erased.
    """
    now = now or timezone.now()
    bookings = Booking.objects.filter(pk=booking.pk)
    if not booking.email.endswith("@" + ERASED_DOMAIN):
        bookings = Booking.objects.filter(email__iexact=booking.email) | bookings
    registrations = Registration.objects.filter(booking__in=bookings, erased_at__isnull=True)
    for registration in registrations.select_related("webinar").filter(status__in=ACTIVE_STATUSES):
        if registration.webinar.ends_at > now:
            registration_cancel(registration=registration, actor=actor, now=now, notify=False)
    return registrations_erase(registrations=registrations, actor=actor, now=now)


def registrations_erase(*, registrations: QuerySet[Registration], actor=None, now: dt.datetime | None = None) -> int:
    """Anonymise ``registrations`` (see ``booking_erase``); a booking whose registrations are
    all erased loses its address, and the messages of what was erased their address and context.

    Used by "erase my data" and by the retention job; receivers (attendance, certificates,
    reports) erase what they keep about each registration in the same transaction.
    """
    now = now or timezone.now()
    erased = 0
    with transaction.atomic():
        touched_bookings: dict[int, Booking] = {}
        rows = list(registrations.select_related("webinar", "booking").select_for_update(of=("self",)).filter(erased_at__isnull=True))
        for registration in rows:
            email_before = registration.email
            registration.email = erased_address(email_before)
            registration.name = ""
            registration.city = ""
            registration.organisation = ""
            registration.position = ""
            registration.answers = {}
            registration.link_version += 1  # its join and survey links stop working
            registration.legacy_join_token_hash = None
            registration.erased_at = now
            registration.save()
            log_action("registration.erased", actor=actor, obj=registration)
            admin_log_forget(objects=[registration])
            signals.registration_erased.send(sender=Registration, registration=registration, email=email_before, actor=actor)
            touched_bookings[registration.booking_id] = registration.booking
            erased += 1
        for booking in touched_bookings.values():
            if booking.registrations.filter(erased_at__isnull=True).exists():
                # Other registrations of the booking are kept: only the erased ones' messages go.
                messaging.erase_for_registrations(registrations=[r for r in rows if r.booking_id == booking.pk])
                continue
            booking.email = f"erased-{booking.uuid}@{ERASED_DOMAIN}"
            booking.save(update_fields=["email"])  # its self-service link keeps saying "erased"
            messaging.erase_for_booking(booking=booking, registrations=booking.registrations.all(), to_email=booking.email)
    return erased


RETENTION_BATCH = 500


def registrations_purge_past_retention(*, now: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Retention: erase the registrations of webinars that ended longer ago than their series keeps
    personal data (``Series.retention_months``), as "erase my data" does; a batch per call."""
    now = now or timezone.now()
    due = Registration.objects.filter(erased_at__isnull=True, webinar__in=webinars_past_retention(now=now))
    if dry_run:
        return due.count()
    ids = list(due.order_by("pk").values_list("pk", flat=True)[:RETENTION_BATCH])
    return registrations_erase(registrations=Registration.objects.filter(pk__in=ids), now=now) if ids else 0


def registration_join(*, registration: Registration, now: dt.datetime | None = None) -> str | None:
    """Record a click on the personal join link; return the meeting address when allowed.

    The address is the webinar's pasted one, or the registrant's own from a connected meeting
    platform (``joining``); None when the platform cannot make it now (not counted as a join).
    """
    now = now or timezone.now()
    if join_refusal(registration, now=now):
        return None
    url = joining.join_url(registration)
    if not url:
        return None
    Registration.objects.filter(pk=registration.pk).update(
        join_count=F("join_count") + 1, join_clicked_at=Coalesce(F("join_clicked_at"), now)
    )
    return url


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
        log_action("webinar.message_sent", actor=actor, obj=webinar, data={"count": count, "batch": batch, "audience": "confirmed"})
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


def webinar_change_announce(*, webinar: Webinar, kind: str) -> int:
    """Tell every active registrant (pending, confirmed, waitlisted) that ``webinar`` was cancelled
    or postponed: one e-mail each, in their language. Called in the transaction of the change.

    ``kind`` is "webinar_cancelled" or "webinar_postponed". Keys name the start time, so
    a webinar postponed, rescheduled and postponed again is announced each time, never
    twice for the same state.
    """
    if kind not in ("webinar_cancelled", "webinar_postponed"):
        raise ValueError(kind)
    moment = webinar.starts_at.isoformat() if webinar.starts_at else webinar.start_date.isoformat()
    recipients = webinar.registrations.filter(status__in=ACTIVE_STATUSES, erased_at__isnull=True).values_list("pk", "uuid")
    return messaging.queue_many(kind=kind, items=[(pk, f"{kind}:{reg_uuid}:{moment}") for pk, reg_uuid in recipients])


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


def registration_resend_link(*, registration: Registration, actor=None, now: dt.datetime | None = None) -> None:
    """E-mail the registrant their self-service link again (the ``manage_link`` message)."""
    if registration.erased_at is not None:
        raise NotAllowed(_("This registration has been erased."))
    now = now or timezone.now()
    with transaction.atomic():
        booking = registration.booking
        messaging.queue(kind="manage_link", booking=booking, key=f"manage-link:{booking.uuid}:{now.timestamp()}:{registration.pk}")
        log_action("registration.link_resent", actor=actor, obj=registration)


def booking_links_send(*, email: str, now: dt.datetime | None = None) -> int:
    """E-mail fresh self-service links to ``email`` if it has registrations (the ``fresh_links``
    message lists every booking); nothing when it has none. Returns how many messages were queued.

    Runs in the background (``tasks.fresh_links_send``): the page that asks for it answers the
    same, at the same speed, whether or not the address is registered.
    """
    now = now or timezone.now()
    booking = bookings_of_address(email).first()
    if booking is None:
        return 0
    with transaction.atomic():
        messaging.queue(kind="fresh_links", booking=booking, key=f"fresh-links:{booking.uuid}:{now.timestamp()}")
    return 1


@dataclass
class BulkResult:
    done: int = 0
    skipped: int = 0  # selected, but their status does not allow the action


#: What each organiser action applies to, and the service that does it.
BULK_ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "confirm": ((Status.PENDING, Status.WAITLISTED), "confirm"),
    "move": ((Status.WAITLISTED,), "confirm"),
    "cancel": (ACTIVE_STATUSES, "cancel"),
    "resend": ((*ACTIVE_STATUSES, Status.CANCELLED, Status.EXPIRED), "resend"),
}


def registrations_bulk_action(*, webinar: Webinar, registration_ids: Iterable[int], action: str, actor=None) -> BulkResult:
    """Confirm, move from the waiting list, cancel (the registrant is told) or re-send the link, for
    the chosen registrations of ``webinar``: all or none. Registrations whose status does not allow
    the action, and ids of other webinars, are skipped and counted."""
    if action not in BULK_ACTIONS:
        raise NotAllowed(_("Unknown action."), field="action")
    statuses, operation = BULK_ACTIONS[action]
    ids = {int(pk) for pk in registration_ids}
    result = BulkResult()
    with transaction.atomic():
        chosen = list(
            Registration.objects.select_related("booking", "webinar__series")
            .filter(webinar=webinar, pk__in=ids, erased_at__isnull=True)
            .order_by("created_at", "id")
        )
        for registration in chosen:
            if registration.status not in statuses:
                continue
            if operation == "confirm":
                registration_confirm_by_organiser(registration=registration, actor=actor)
            elif operation == "cancel":
                registration_cancel(registration=registration, actor=actor, by_organiser=True)
            else:
                registration_resend_link(registration=registration, actor=actor)
            result.done += 1
    result.skipped = len(ids) - result.done
    return result
