"""Delivering queued e-mail: claim a message, render it, send it, mark it; retry with back-off.

The delivery task lives here, beside the logic it runs, so that queueing (``services``) and
delivering import in one direction only: ``services`` → ``delivery``. A worker claims each
message in its own short transaction before sending it, so several workers never send the
same message at once; a claim older than ``stale_claim()`` is taken to be a dead worker's.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from .models import OutgoingMessage
from .rendering import render

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


@task()
def deliver_messages(message_ids: list[int]) -> dict[str, int]:
    """The background task: a thin, idempotent wrapper around ``messages_deliver``."""
    return messages_deliver(message_ids)


def enqueue_in_transaction(ids: list[int]) -> None:
    """Hand messages to the queue as part of the current transaction when the queue lives in
    the same database (one atomic write, no second lock), else right after the commit."""
    if connection.in_atomic_block and deliver_messages.get_backend().__class__.__name__ == "DatabaseBackend":
        enqueue(ids)
    else:
        transaction.on_commit(lambda: enqueue(ids))


def enqueue(ids: list[int], run_after: dt.datetime | None = None) -> None:
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
        enqueue([message.pk], run_after=retry_at)
