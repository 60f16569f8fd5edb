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
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from webinars.core.db import insert_row, inserts_pending
from webinars.core.requestid import current_request_id

from . import delivery, files
from .delivery import MAX_ATTEMPTS, messages_deliver  # noqa: F401 -- part of the mail services' interface
from .models import OutgoingMessage

logger = logging.getLogger(__name__)

KEY_LENGTH = 200


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
        request_id=current_request_id(),
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
    """Create the message for its key unless it exists; deliver after commit. Returns it, or None if it existed.

    Inside ``core.db.inserts_batched`` the row goes to the server with the batch: it is
    returned unsaved, and has its ``pk`` once the batch is flushed (None if the key was taken).
    """
    row = _row(kind, message, {})
    # Keys are unique: one ``INSERT ... ON CONFLICT DO NOTHING RETURNING id`` both writes a new
    # message and tells that the key was taken (no row back). On the registration's hot path
    # this is two statements fewer than an insert in a savepoint (and three fewer than
    # get_or_create), inside the seat lock.
    insert_row(row, ignore_conflicts=True, then=_deliver_when_committed)
    if inserts_pending():
        return row
    return row if row.pk is not None else None  # None: the key was taken


def _deliver_when_committed(row: OutgoingMessage | None) -> None:
    if row is not None:
        delivery.enqueue_in_transaction([row.pk])


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
        delivery.enqueue_in_transaction(ids)
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
    """Right to erasure: replace the address and drop the context and last error (an SMTP error
    may quote the address) of every message about one of ``about`` or in ``group``. The rows
    stay (keys keep later sends idempotent); copies in the mail folder are deleted after commit."""
    condition = Q(group=group) if group else Q(pk__in=[])
    for obj in about:
        condition |= Q(about_type=ContentType.objects.get_for_model(obj), about_id=obj.pk)
    messages = OutgoingMessage.objects.filter(condition)
    addresses = set(messages.exclude(to_email=to_email).values_list("to_email", flat=True))
    if addresses:
        transaction.on_commit(partial(files.forget_addresses, addresses))
    return messages.update(to_email=to_email, context={}, last_error="")


def messages_delete_for(*, about: models.QuerySet) -> int:
    """Delete the messages about the objects of ``about`` (their subject is being deleted)."""
    deleted, _ = OutgoingMessage.objects.about_any(about).delete()
    return deleted


def messages_retry_due(*, now: dt.datetime | None = None) -> int:
    """Hand back claims of dead workers; with task backends other than the database, also
    re-enqueue messages whose retry time has come or whose task was lost.

    With the database queue the workers poll due messages themselves, so only claims need
    settling: a dead worker's of this machine at once (its journal), any other after
    ``stale_claim()``.
    """
    now = now or timezone.now()
    delivery.journals_replay()  # first: what a dead worker of this machine sent is not sent again
    stale = Q(status=OutgoingMessage.Status.SENDING, claimed_at__lt=now - delivery.stale_claim())
    if delivery.outbox_polled():
        return OutgoingMessage.objects.filter(stale).update(status=OutgoingMessage.Status.QUEUED, claimed_by="")
    due = OutgoingMessage.objects.filter(
        Q(status=OutgoingMessage.Status.QUEUED, next_attempt_at__lte=now)
        | Q(status=OutgoingMessage.Status.QUEUED, next_attempt_at__isnull=True, created_at__lt=now - delivery.abandoned_after())
        | stale
    )
    ids = list(due.values_list("pk", flat=True)[:10000])
    if ids:
        OutgoingMessage.objects.filter(pk__in=ids, status=OutgoingMessage.Status.SENDING).update(
            status=OutgoingMessage.Status.QUEUED, claimed_by=""
        )
        delivery.enqueue(ids)
    return len(ids)
