"""The outbox as the queue: workers claim due messages in batches, journal what the SMTP server
accepted, and a dead worker's claims are settled at once, never sent twice."""

from __future__ import annotations

import datetime as dt
import fcntl
import os

import pytest
from django.core import mail as outbox
from django.utils import timezone

from tests.factories import RegistrationFactory
from webinars.core.requestid import request_id_context
from webinars.mail import delivery, services
from webinars.mail.journal import Journal, _directory
from webinars.mail.models import OutgoingMessage

pytestmark = pytest.mark.django_db
Status = OutgoingMessage.Status


def _messages(count: int, **fields) -> list[OutgoingMessage]:
    registration = RegistrationFactory()
    return [
        OutgoingMessage.objects.create(
            kind="confirmed",
            key=f"outbox:{registration.pk}:{i}",
            to_email=f"r{i}@example.org",
            about=registration,
            **fields,
        )
        for i in range(count)
    ]


def test_a_worker_turn_sends_every_due_message_once_in_batches():
    due = _messages(delivery.CLAIM_SIZE + 7)
    later = _messages(1, next_attempt_at=timezone.now() + dt.timedelta(hours=1))[0]
    stats = delivery.messages_deliver_due()
    assert stats == {"sent": len(due), "skipped": 0, "failed": 0}
    assert len(outbox.outbox) == len(due)
    assert set(OutgoingMessage.objects.filter(pk__in=[m.pk for m in due]).values_list("status", flat=True)) == {Status.SENT}
    assert OutgoingMessage.objects.get(pk=later.pk).status == Status.QUEUED  # not due yet
    assert delivery.messages_deliver_due() == {"sent": 0, "skipped": 0, "failed": 0}
    assert Journal.current().path.read_bytes() == b""  # emptied once the batch was marked sent


def test_the_message_keeps_the_request_id_that_queued_it():
    registration = RegistrationFactory()
    with request_id_context("a1b2c3d4e5f60718"):
        stored = services.message_queue(
            kind="confirmed", message=services.NewMessage(key="rid:1", to_email="a@example.org", about=registration)
        )
    assert stored is not None and OutgoingMessage.objects.get(pk=stored.pk).request_id == "a1b2c3d4e5f60718"
    assert services.message_queue(kind="confirmed", message=services.NewMessage(key="rid:1", to_email="a@example.org")) is None


def test_a_dead_workers_journal_marks_its_sent_messages_and_hands_back_the_rest():
    accepted, unsent, other = _messages(3)
    dead = "deadhost-999999"
    OutgoingMessage.objects.filter(pk__in=[accepted.pk, unsent.pk]).update(
        status=Status.SENDING, claimed_by=dead, claimed_at=timezone.now()
    )
    OutgoingMessage.objects.filter(pk=other.pk).update(status=Status.SENDING, claimed_by="live-1", claimed_at=timezone.now())
    path = _directory() / f"{dead}.journal"
    path.write_bytes(b"%d\n" % accepted.pk)  # the SMTP server said 250 for this one, then the worker was killed
    live = _directory() / "live-1.journal"
    live_fd = os.open(live, os.O_RDWR | os.O_CREAT)
    fcntl.flock(live_fd, fcntl.LOCK_EX)  # another live worker: its claims are left alone
    try:
        services.messages_retry_due()
    finally:
        os.close(live_fd)
        live.unlink()
    statuses = dict(OutgoingMessage.objects.values_list("pk", "status"))
    # The accepted one is marked sent without sending; the other claim is handed back and (the
    # tests' immediate task backend) sent at once; the live worker's claim is left alone.
    assert statuses == {accepted.pk: Status.SENT, unsent.pk: Status.SENT, other.pk: Status.SENDING}
    assert not path.exists()
    assert [m.to[0] for m in outbox.outbox] == [unsent.to_email]
