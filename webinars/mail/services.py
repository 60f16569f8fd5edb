"""Outgoing e-mail: queue once per idempotency key, deliver in background tasks, retry.

``message_queue`` writes an ``OutgoingMessage`` in the caller's transaction and schedules
delivery for after the commit: a rolled-back registration sends nothing, and a
committed one is never turned into an error by the mail system. Delivery claims the
row, sends over one SMTP connection per batch, and marks it sent; a failure schedules a
retry with exponential back-off, so an SMTP outage only delays mail.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import get_connection
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from .models import OutgoingMessage
from .rendering import render

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH_SIZE = 100
KEY_LENGTH = 200


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


@dataclass
class NewMessage:
    """One message to queue: the idempotency key, the address, and what it is about."""

    key: str
    to_email: str
    about: models.Model | None = None
    series_id: int | None = None
    group: str = ""
    context: dict = field(default_factory=dict)


def _row(kind: str, new: NewMessage, about_types: dict[type, ContentType]) -> OutgoingMessage:
    about_type = None
    if new.about is not None:
        model = type(new.about)
        if model not in about_types:
            about_types[model] = ContentType.objects.get_for_model(model)
        about_type = about_types[model]
    return OutgoingMessage(
        kind=kind,
        key=new.key[:KEY_LENGTH],
        to_email=new.to_email,
        about_type=about_type,
        about_id=new.about.pk if new.about is not None else None,
        series_id=new.series_id,
        group=new.group[:64],
        context=new.context or {},
    )


def message_queue(*, kind: str, message: NewMessage) -> OutgoingMessage | None:
    """Create the message for its key unless it exists; deliver after commit. Returns it, or None if it existed."""
    row = _row(kind, message, {})
    fields = {f: getattr(row, f) for f in ("kind", "to_email", "about_type", "about_id", "series_id", "group", "context")}
    stored, created = OutgoingMessage.objects.get_or_create(key=row.key, defaults=fields)
    if not created:
        return None
    _enqueue_with_transaction([stored.pk])
    return stored


def messages_queue_many(*, kind: str, messages: list[NewMessage]) -> int:
    """Queue many messages of one kind, skipping keys already queued. Returns how many are new."""
    if not messages:
        return 0
    existing = messages_existing_keys([m.key for m in messages])
    about_types: dict[type, ContentType] = {}
    rows = [_row(kind, m, about_types) for m in messages if m.key[:KEY_LENGTH] not in existing]
    if not rows:
        return 0
    with transaction.atomic():
        OutgoingMessage.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        ids = list(
            OutgoingMessage.objects.filter(key__in=[r.key for r in rows], status=OutgoingMessage.Status.QUEUED).values_list("pk", flat=True)
        )
        _enqueue_with_transaction(ids)
    return len(rows)


def messages_existing_keys(keys: Iterable[str]) -> set[str]:
    """Which of ``keys`` have a message already (queued, sent or failed)."""
    keys = [key[:KEY_LENGTH] for key in keys]
    return set(OutgoingMessage.objects.filter(key__in=keys).values_list("key", flat=True))


def messages_cancel_queued(*, key_prefix: str, reason: str) -> int:
    """Mark the still-queued messages whose key starts with ``key_prefix`` failed (e.g. a revoked certificate's)."""
    return OutgoingMessage.objects.filter(key__startswith=key_prefix, status=OutgoingMessage.Status.QUEUED).update(
        status=OutgoingMessage.Status.FAILED, last_error=reason, next_attempt_at=None
    )


def messages_erase_for(*, about: Iterable[models.Model] = (), group: str = "", to_email: str) -> int:
    """Right to erasure: replace the address and drop the context of every message about
    one of ``about`` or in ``group``. The rows stay (keys keep later sends idempotent)."""
    condition = Q(group=group) if group else Q(pk__in=[])
    for obj in about:
        condition |= Q(about_type=ContentType.objects.get_for_model(obj), about_id=obj.pk)
    return OutgoingMessage.objects.filter(condition).update(to_email=to_email, context={})


def messages_delete_for(*, about: models.QuerySet) -> int:
    """Delete the messages about the objects of ``about`` (their subject is being deleted)."""
    deleted, _ = OutgoingMessage.objects.about_any(about).delete()
    return deleted


def _enqueue_with_transaction(ids: list[int]) -> None:
    """Hand messages to the queue as part of the current transaction when the queue lives in
    the same database (one atomic write, no second lock), else right after the commit."""
    from .tasks import deliver_messages

    if connection.in_atomic_block and deliver_messages.get_backend().__class__.__name__ == "DatabaseBackend":
        _enqueue(ids)
    else:
        transaction.on_commit(lambda: _enqueue(ids))


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
        except Exception:  # noqa: BLE001 -- the rows are stored; messages_retry_due() re-enqueues them
            logger.exception("Could not enqueue e-mail delivery; the periodic retry will pick it up")


def messages_retry_due(*, now: dt.datetime | None = None) -> int:
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
        message = OutgoingMessage.objects.select_for_update(of=("self",)).filter(pk=message_id).first()
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


def messages_deliver(message_ids: Iterable[int]) -> dict[str, int]:
    """Send the given messages over one SMTP connection. Safe to call twice for the same ids.

    Rendering is inside the per-message failure handling: a message whose kind is not
    registered, or whose subject was erased, fails (and is retried) like an SMTP error.
    """
    stats = {"sent": 0, "skipped": 0, "failed": 0}
    smtp = None
    try:
        for message_id in message_ids:
            now = timezone.now()
            message = _claim(message_id, now)
            if message is None:
                stats["skipped"] += 1
                continue
            try:
                email = render(message)
                if smtp is None:
                    smtp = get_connection(fail_silently=False)
                    smtp.open()
                smtp.send_messages([email])
            except Exception as exc:  # noqa: BLE001 -- any failure means "try again later"
                _failed(message, exc, now)
                stats["failed"] += 1
                if smtp is not None:
                    try:
                        smtp.close()
                    except Exception:  # noqa: BLE001, S110 -- the connection is being discarded anyway
                        pass
                    smtp = None
                continue
            OutgoingMessage.objects.filter(pk=message.pk).update(status=OutgoingMessage.Status.SENT, sent_at=timezone.now(), last_error="")
            stats["sent"] += 1
    finally:
        if smtp is not None:
            try:
                smtp.close()
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
