"""Delivering queued e-mail: claim messages, render them, send them, mark them; retry with back-off.

With the database task queue (the default), the outgoing messages table is itself the queue
(a transactional outbox): a registration writes its message row and nothing else, and each
worker, on every turn of its loop (``core.signals.worker_tick``), claims the oldest due
messages in batches (``SKIP LOCKED`` on PostgreSQL, so workers never wait for each other),
sends them over one SMTP connection and marks each batch sent in one statement. With another
task backend (the tests' immediate one), a ``deliver_messages`` task is queued after commit.

Exactly once: a claim names its worker; each message the SMTP server accepted is written to
the worker's journal (``journal.py``) before the batch is marked sent, so a worker killed at
any moment neither loses a message nor sends one twice: the next worker on the machine marks
its journaled messages sent and hands its other claims back at once. A claim older than
``stale_claim()`` (a worker on another machine that never came back) is handed back too.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from webinars.core import metrics
from webinars.core.requestid import current_request_id, request_id_context

from .journal import Journal, orphans_replay
from .models import OutgoingMessage
from .registry import get_kind
from .rendering import SharedBodies, render

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH_SIZE = 100  # messages per task (other task backends)
CLAIM_SIZE = 50  # messages claimed, sent over one connection, then marked sent, together
Status = OutgoingMessage.Status


def stale_claim() -> dt.timedelta:
    """How long a claim lasts when its worker's journal is not on this machine (15 minutes)."""
    return dt.timedelta(seconds=getattr(settings, "MAIL_STALE_CLAIM_SECONDS", 900))


def abandoned_after() -> dt.timedelta:
    """Other task backends: a queued message older than this with no delivery lost its task."""
    return dt.timedelta(seconds=getattr(settings, "MAIL_ABANDONED_AFTER_SECONDS", 120))


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, ... minutes, at most 2 hours."""
    return dt.timedelta(minutes=min(120, 2 ** max(0, attempts - 1)))


@task()
def deliver_messages(message_ids: list[int], request_id: str = "") -> dict[str, int]:
    """The background task (task backends other than the database): wraps ``messages_deliver``."""
    with request_id_context(request_id):
        return messages_deliver(message_ids)


def outbox_polled() -> bool:
    """With the database task queue the workers poll the messages table; no task per message."""
    return deliver_messages.get_backend().__class__.__name__ == "DatabaseBackend"


def enqueue_in_transaction(ids: list[int]) -> None:
    """Make the new messages (written in the current transaction) reach a worker after commit."""
    if outbox_polled():
        return  # the committed rows are the queue
    transaction.on_commit(lambda: enqueue(ids))


def enqueue(ids: list[int], run_after: dt.datetime | None = None) -> None:
    if outbox_polled():
        return
    task = deliver_messages
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    elif run_after is not None:
        return  # no deferred tasks on this backend: the periodic retry picks it up when due
    request_id = current_request_id()
    for start in range(0, len(ids), BATCH_SIZE):
        try:
            task.enqueue(ids[start : start + BATCH_SIZE], request_id=request_id)
        except Exception:  # noqa: BLE001 -- the rows are stored; messages_retry_due() re-enqueues them
            logger.exception("Could not enqueue e-mail delivery; the periodic retry will pick it up")


def _due(now: dt.datetime) -> Q:
    return Q(status=Status.QUEUED) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def _take(rows: list[OutgoingMessage], now: dt.datetime, worker: str) -> list[OutgoingMessage]:
    """Mark locked, sendable ``rows`` as claimed by ``worker`` (inside the caller's transaction)."""
    if rows:
        OutgoingMessage.objects.filter(pk__in=[m.pk for m in rows]).update(
            status=Status.SENDING, claimed_at=now, claimed_by=worker, attempts=F("attempts") + 1
        )
        for message in rows:
            message.status, message.claimed_at, message.claimed_by = Status.SENDING, now, worker
            message.attempts += 1
    return rows


def _claim(message_ids: list[int], now: dt.datetime, worker: str) -> list[OutgoingMessage]:
    """Claim the sendable messages among ``message_ids`` in one short transaction (row locks)."""
    with transaction.atomic():
        locked = OutgoingMessage.objects.select_for_update(of=("self",)).filter(pk__in=message_ids).order_by("pk")
        rows = [m for m in locked if m.status == Status.QUEUED and not (m.next_attempt_at and m.next_attempt_at > now)]
        return _take(rows, now, worker)


def _claim_due(now: dt.datetime, worker: str, limit: int) -> list[OutgoingMessage]:
    """Claim the oldest due messages; concurrent workers skip each other's locked rows."""
    with transaction.atomic():
        due = OutgoingMessage.objects.filter(_due(now)).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        return _take(list(due[:limit]), now, worker)


def _mark_sent(ids: list[int]) -> int:
    """Record messages the SMTP server accepted (only those still claimed: never undo a retry's outcome)."""
    return OutgoingMessage.objects.filter(pk__in=ids, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), last_error=""
    )


def _orphan(worker: str, sent_ids: list[int]) -> None:
    """A dead worker's journal: what the SMTP server accepted is sent; its other claims go back to the queue."""
    with transaction.atomic():
        if sent_ids:
            OutgoingMessage.objects.filter(pk__in=sent_ids, status__in=[Status.SENDING, Status.QUEUED]).update(
                status=Status.SENT, sent_at=timezone.now(), last_error=""
            )
        handed_back = list(OutgoingMessage.objects.filter(status=Status.SENDING, claimed_by=worker).values_list("pk", flat=True))
        OutgoingMessage.objects.filter(pk__in=handed_back).update(status=Status.QUEUED, claimed_by="")
    if not (sent_ids or handed_back):
        return
    logger.warning(
        "A stopped worker's journal: %s e-mails marked sent, %s handed back",
        len(sent_ids),
        len(handed_back),
        extra={"event": "mail_journal_replayed", "worker": worker, "marked_sent": len(sent_ids), "handed_back": len(handed_back)},
    )
    enqueue(handed_back)


def journals_replay() -> int:
    """Settle the claims of this machine's dead workers (see ``journal.py``)."""
    return orphans_replay(_orphan)


class _Sender:
    """Sends claimed batches over one SMTP connection, journaling each accepted message."""

    def __init__(self) -> None:
        self.journal = Journal.current()
        self.smtp = None
        self.stats = {"sent": 0, "skipped": 0, "failed": 0}

    def send(self, claimed: list[OutgoingMessage], now: dt.datetime) -> None:
        sent: list[int] = []
        _prefetch(claimed)
        shared = SharedBodies()  # for this batch only: what it read is as fresh as the batch
        for message in claimed:
            try:
                email = render(message, shared)
                if self.smtp is None:
                    self.smtp = get_connection(fail_silently=False)
                    self.smtp.open()
                self.smtp.send_messages([email])
            except Exception as exc:  # noqa: BLE001 -- any failure means "try again later"
                _failed(message, exc, now)
                self.stats["failed"] += 1
                self.close()
                continue
            self.journal.record(message.pk)
            sent.append(message.pk)
            with request_id_context(message.request_id):
                logger.info("sent e-mail %s (%s)", message.pk, message.kind, extra={"event": "mail_sent", "kind": message.kind})
        if sent:
            _mark_sent(sent)
            self.journal.clear()
            self.stats["sent"] += len(sent)
            metrics.EMAILS.labels(outcome="sent").inc(len(sent))

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.close()
            except Exception:  # noqa: BLE001, S110 -- the connection is being discarded anyway
                pass
        self.smtp = None


def _prefetch(messages: list[OutgoingMessage]) -> None:
    """Let each kind read what its messages of this batch need in a few queries."""
    by_kind: dict[str, list[OutgoingMessage]] = {}
    for message in messages:
        by_kind.setdefault(message.kind, []).append(message)
    for name, group in by_kind.items():
        try:
            kind = get_kind(name)
            if kind.prefetch is not None:
                kind.prefetch(group)
        except Exception:  # noqa: BLE001 -- rendering one by one still works (and fails per message)
            logger.exception("Could not prefetch a batch of %s e-mails", name)


def messages_deliver(message_ids: Iterable[int]) -> dict[str, int]:
    """Send the given messages (those still due) over one SMTP connection. Safe to call twice.

    Rendering is inside the per-message failure handling: a message whose kind is not
    registered, or whose subject was erased, fails (and is retried) like an SMTP error.
    """
    ids = list(message_ids)
    journals_replay()
    sender = _Sender()
    try:
        for start in range(0, len(ids), CLAIM_SIZE):
            chunk = ids[start : start + CLAIM_SIZE]
            now = timezone.now()
            claimed = _claim(chunk, now, sender.journal.name)
            sender.stats["skipped"] += len(chunk) - len(claimed)
            sender.send(claimed, now)
    finally:
        sender.close()
    return sender.stats


def messages_deliver_due(*, max_messages: int = 5000, max_seconds: float = 20.0) -> dict[str, int]:
    """A worker's turn: send due messages, oldest first, until none is left or a limit is reached."""
    journals_replay()
    sender = _Sender()
    deadline = time.monotonic() + max_seconds
    handled = 0
    try:
        while handled < max_messages and time.monotonic() < deadline:
            now = timezone.now()
            claimed = _claim_due(now, sender.journal.name, CLAIM_SIZE)
            if not claimed:
                break
            sender.send(claimed, now)
            handled += len(claimed)
    finally:
        sender.close()
    return sender.stats


def _failed(message: OutgoingMessage, exc: Exception, now: dt.datetime) -> None:
    final = message.attempts >= MAX_ATTEMPTS
    retry_at = now + backoff(message.attempts)
    OutgoingMessage.objects.filter(pk=message.pk).update(
        status=Status.FAILED if final else Status.QUEUED,
        next_attempt_at=None if final else retry_at,
        claimed_by="",
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
    )
    logger.warning("E-mail %s failed (attempt %s): %s", message.pk, message.attempts, exc, extra={"event": "mail_failed"})
    metrics.EMAILS.labels(outcome="failed" if final else "retried").inc()
    if not final:
        enqueue([message.pk], run_after=retry_at)
