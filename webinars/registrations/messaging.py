"""Outgoing e-mail: queue once per idempotency key, deliver in background tasks, retry.

``queue`` writes an ``OutgoingMessage`` in the caller's transaction and schedules
delivery for after the commit: a rolled-back registration sends nothing, and a
committed one is never turned into an error by the mail system. Delivery claims the
row, sends over one SMTP connection per batch, and marks it sent; a failure schedules a
retry with exponential back-off, so an SMTP outage only delays mail.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from webinars.core.i18n import i18n_text
from webinars.core.timezones import get_zone, parse_time_zone

from .models import Booking, OutgoingMessage, Registration

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH_SIZE = 100


def stale_claim() -> dt.timedelta:
    """How long a claim lasts. A worker killed between the SMTP server's "250 OK" and
    marking the row sent leaves it claimed; after this long it is sent again. That is
    the only window in which a message can be sent twice (its Message-ID stays the same)."""
    return dt.timedelta(seconds=getattr(settings, "MAIL_STALE_CLAIM_SECONDS", 900))


def abandoned_after() -> dt.timedelta:
    """A queued message older than this with no delivery yet lost its task (a worker died
    holding it, or the queue was unreachable); it is handed to a new task."""
    return dt.timedelta(seconds=getattr(settings, "MAIL_ABANDONED_AFTER_SECONDS", 120))


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, ... minutes, at most 2 hours."""
    return dt.timedelta(minutes=min(120, 2 ** max(0, attempts - 1)))


def queue(*, kind: str, key: str, registration: Registration | None = None, booking: Booking | None = None, context: dict | None = None):
    """Create the message for ``key`` unless it exists; deliver after commit. Returns it, or None if it existed."""
    booking = booking or (registration.booking if registration else None)
    to_email = registration.email if registration else booking.email
    message, created = OutgoingMessage.objects.get_or_create(
        key=key[:200],
        defaults={"kind": kind, "to_email": to_email, "registration": registration, "booking": booking, "context": context or {}},
    )
    if not created:
        return None
    _enqueue_with_transaction([message.pk])
    return message


def _enqueue_with_transaction(ids: list[int]) -> None:
    """Hand messages to the queue as part of the current transaction when the queue lives in
    the same database (one atomic write, no second lock), else right after the commit."""
    from .tasks import deliver_messages

    if connection.in_atomic_block and deliver_messages.get_backend().__class__.__name__ == "DatabaseBackend":
        _enqueue(ids)
    else:
        transaction.on_commit(lambda: _enqueue(ids))


def queue_many(*, kind: str, items: list[tuple[int, str]], context: dict | None = None) -> int:
    """Queue one message per (registration id, key), skipping keys already queued. Returns how many are new."""
    if not items:
        return 0
    keys = [key[:200] for _, key in items]
    existing = set(OutgoingMessage.objects.filter(key__in=keys).values_list("key", flat=True))
    fresh = [(pk, key[:200]) for pk, key in items if key[:200] not in existing]
    if not fresh:
        return 0
    registrations = Registration.objects.in_bulk([pk for pk, _ in fresh])
    rows = [
        OutgoingMessage(
            kind=kind,
            key=key,
            to_email=registrations[pk].email,
            registration_id=pk,
            booking_id=registrations[pk].booking_id,
            context=context or {},
        )
        for pk, key in fresh
    ]
    with transaction.atomic():
        OutgoingMessage.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        ids = list(
            OutgoingMessage.objects.filter(key__in=[k for _, k in fresh], status=OutgoingMessage.Status.QUEUED).values_list("pk", flat=True)
        )
        _enqueue_with_transaction(ids)
    return len(fresh)


def _enqueue(ids: list[int], run_after: dt.datetime | None = None) -> None:
    from .tasks import deliver_messages

    task = deliver_messages
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    elif run_after is not None:
        return  # no deferred tasks on this backend: the periodic retry picks it up when due
    for start in range(0, len(ids), BATCH_SIZE):
        try:
            task.enqueue(ids[start : start + BATCH_SIZE])
        except Exception:  # noqa: BLE001 -- the rows are stored; retry_due() re-enqueues them
            logger.exception("Could not enqueue e-mail delivery; the periodic retry will pick it up")


def retry_due(*, now: dt.datetime | None = None) -> int:
    """Re-enqueue messages whose retry time has come, and claims abandoned by a dead worker."""
    now = now or timezone.now()
    due = OutgoingMessage.objects.filter(
        Q(status=OutgoingMessage.Status.QUEUED, next_attempt_at__lte=now)
        | Q(status=OutgoingMessage.Status.QUEUED, next_attempt_at__isnull=True, created_at__lt=now - abandoned_after())
        | Q(status=OutgoingMessage.Status.SENDING, claimed_at__lt=now - stale_claim())
    )
    ids = list(due.values_list("pk", flat=True)[:10000])
    if ids:
        OutgoingMessage.objects.filter(pk__in=ids, status=OutgoingMessage.Status.SENDING).update(status=OutgoingMessage.Status.QUEUED)
        _enqueue(ids)
    return len(ids)


def _claim(message_id: int, now: dt.datetime) -> OutgoingMessage | None:
    with transaction.atomic():
        message = (
            OutgoingMessage.objects.select_for_update(of=("self",))
            .select_related("registration__webinar__series__organiser", "booking")
            .filter(pk=message_id)
            .first()
        )
        if message is None or message.status in (OutgoingMessage.Status.SENT, OutgoingMessage.Status.FAILED):
            return None
        if message.status == OutgoingMessage.Status.SENDING and message.claimed_at and message.claimed_at > now - stale_claim():
            return None  # another worker is sending it right now
        if message.next_attempt_at and message.next_attempt_at > now:
            return None
        message.status = OutgoingMessage.Status.SENDING
        message.claimed_at = now
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts"])
        return message


def deliver(message_ids: Iterable[int]) -> dict[str, int]:
    """Send the given messages over one SMTP connection. Safe to call twice for the same ids."""
    stats = {"sent": 0, "skipped": 0, "failed": 0}
    connection = None
    try:
        for message_id in message_ids:
            now = timezone.now()
            message = _claim(message_id, now)
            if message is None:
                stats["skipped"] += 1
                continue
            try:
                email = render(message)
                if connection is None:
                    connection = get_connection(fail_silently=False)
                    connection.open()
                connection.send_messages([email])
            except Exception as exc:  # noqa: BLE001 -- any failure means "try again later"
                _failed(message, exc, now)
                stats["failed"] += 1
                if connection is not None:
                    try:
                        connection.close()
                    except Exception:  # noqa: BLE001, S110 -- the connection is being discarded anyway
                        pass
                    connection = None
                continue
            OutgoingMessage.objects.filter(pk=message.pk).update(status=OutgoingMessage.Status.SENT, sent_at=timezone.now(), last_error="")
            stats["sent"] += 1
    finally:
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001, S110 -- closing after the work is done; nothing to recover
                pass
    return stats


def _failed(message: OutgoingMessage, exc: Exception, now: dt.datetime) -> None:
    final = message.attempts >= MAX_ATTEMPTS
    retry_at = now + backoff(message.attempts)
    OutgoingMessage.objects.filter(pk=message.pk).update(
        status=OutgoingMessage.Status.FAILED if final else OutgoingMessage.Status.QUEUED,
        next_attempt_at=None if final else retry_at,
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
    )
    logger.warning("E-mail %s failed (attempt %s): %s", message.key, message.attempts, exc)
    if not final:
        _enqueue([message.pk], run_after=retry_at)


# --- rendering -------------------------------------------------------------------

SUBJECTS = {
    "confirm_request": gettext_noop("Please confirm your registration"),
    "confirmed": gettext_noop("You are registered: {title}"),
    "waitlisted": gettext_noop("You are on the waiting list: {title}"),
    "promoted": gettext_noop("A seat is free for you: {title}"),
    "reminder": gettext_noop("Reminder: {title} starts soon"),
    "cancelled": gettext_noop("Your registration is cancelled: {title}"),
    "cancelled_by_organiser": gettext_noop("Your registration was cancelled by the organiser: {title}"),
    "recording": gettext_noop("The recording is available: {title}"),
    "manage_link": gettext_noop("Your registration with Museum Webinars"),
    "certificate": gettext_noop("Your certificate: {title}"),
    "feedback_request": gettext_noop("Your feedback on the webinar: {title}"),
}

# Other apps render their own kinds of message: kind -> hook(message, context) returning more
# context for the templates, optionally "title" (for the subject) and "attachments" [(name, bytes, type)].
RENDER_HOOKS: dict = {}


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def render(message: OutgoingMessage) -> EmailMultiAlternatives:
    """Build the e-mail in the registrant's language, with times in their zone."""
    from .selectors import booking_confirm_token, booking_manage_token, booking_registrations

    registration = message.registration
    booking = message.booking or (registration.booking if registration else None)
    language = (registration.language if registration else booking.language) or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    zone = parse_time_zone(registration.time_zone if registration else booking.time_zone) or get_zone("UTC")
    with translation.override(language), timezone.override(zone):
        context = {
            "message": message,
            "registration": registration,
            "booking": booking,
            "webinar": registration.webinar if registration else None,
            "extra": message.context,
            "manage_url": _absolute(reverse("registrations:manage", args=[booking_manage_token(booking)])),
            "confirm_url": _absolute(reverse("registrations:confirm", args=[booking_confirm_token(booking)])),
            "join_url": _absolute(reverse("registrations:join", args=[registration.join_token])) if registration else "",
            "webinar_url": _absolute(registration.webinar.get_absolute_url()) if registration else "",
            "registrations": list(booking_registrations(booking)) if message.kind == "confirm_request" else [],
            "SITE_URL": settings.SITE_URL,
        }
        extra = RENDER_HOOKS[message.kind](message, context) if message.kind in RENDER_HOOKS else {}
        context.update(extra)
        title = i18n_text(registration.webinar.title, language, registration.webinar.original_language) if registration else ""
        title = extra.get("title") or title
        if message.kind == "organiser_message":
            subject = message.context.get("subject", "")
        else:
            subject = translation.gettext(SUBJECTS[message.kind]).format(title=title)
        text = render_to_string(f"registrations/email/{message.kind}.txt", context)
        html = render_to_string(f"registrations/email/{message.kind}.html", context)
        email = EmailMultiAlternatives(
            subject=" ".join(subject.split())[:250],
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to_email],
            headers={"Message-ID": f"<{message.pk}.{_key_digest(message.key)}@museum-webinars>", "Auto-Submitted": "auto-generated"},
        )
        email.attach_alternative(html, "text/html")
        for attachment in extra.get("attachments", ()):
            email.attach(*attachment)
        if message.kind in ("confirmed", "promoted") and registration and registration.status == Registration.Status.CONFIRMED:
            from webinars.programme.calendar import calendar_for

            ics = calendar_for(
                [registration.webinar],
                name=title,
                language=language,
                description_extra=translation.gettext("Your join link: %s") % context["join_url"],
            )
            email.attach("webinar.ics", ics, "text/calendar; charset=utf-8; method=PUBLISH")
    return email


def _key_digest(key: str) -> str:
    import hashlib

    return hashlib.sha256(key.encode()).hexdigest()[:24]
