"""The registry of message kinds: a kind registered by an app renders; an unknown kind fails cleanly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail as outbox
from django.utils import timezone, translation

from webinars.core.timezones import get_zone
from webinars.mail import services
from webinars.mail.models import OutgoingMessage
from webinars.mail.registry import MessageKind, Rendering, UnknownMessageKind, all_kinds, get_kind, register, unregister
from webinars.mail.rendering import message_id, render

pytestmark = pytest.mark.django_db

BUILT_IN: list[tuple[str, str]] = []  # (language, zone) each build ran in


@pytest.fixture
def greeting_kind():
    """A kind as another app would register it, reusing an existing pair of templates."""

    def build(message: OutgoingMessage) -> Rendering:
        BUILT_IN.append((translation.get_language(), str(timezone.get_current_timezone())))
        return Rendering(
            context={"manage_url": "https://example.org/manage/"},
            title=message.context["name"],
            attachments=[("note.txt", "hello", "text/plain")],
        )

    kind = register(
        MessageKind(
            name="test_greeting",
            subject="Your registration with Museum Webinars",
            template="registrations/email/manage_link",
            locale=lambda message: ("ru", get_zone("Asia/Yerevan")),
            build=build,
        )
    )
    yield kind
    unregister("test_greeting")


def _message(kind: str, key: str = "test:1") -> OutgoingMessage:
    return OutgoingMessage.objects.create(kind=kind, key=key, to_email="nare@example.am", context={"name": "Nare"})


def test_every_app_registers_its_kinds():
    names = {kind.name for kind in all_kinds()}
    assert {"confirm_request", "confirmed", "reminder", "organiser_message"} <= names  # registrations
    assert "certificate" in names and "feedback_request" in names  # certificates, feedback
    assert get_kind("certificate").template == "certificates/email/certificate"
    assert get_kind("feedback_request").template == "feedback/email/feedback_request"


def test_a_registered_kind_renders_in_its_language_and_zone(greeting_kind):
    message = _message("test_greeting")
    BUILT_IN.clear()
    email = render(message)
    assert BUILT_IN == [("ru", "Asia/Yerevan")]
    assert email.subject == "Ваша регистрация на «Музейных вебинарах»"  # the kind's subject, translated
    assert "https://example.org/manage/" in email.body and "https://example.org/manage/" in email.alternatives[0][0]
    assert email.extra_headers["Message-ID"] == message_id(message)
    assert email.attachments == [("note.txt", "hello", "text/plain")]


def test_a_registered_kind_is_delivered(greeting_kind):
    message = _message("test_greeting")
    assert services.messages_deliver([message.pk]) == {"sent": 1, "skipped": 0, "failed": 0}
    assert [m.to for m in outbox.outbox] == [["nare@example.am"]]
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.SENT


def test_an_unknown_kind_fails_the_message_not_the_worker():
    message = _message("no_such_kind")
    with pytest.raises(UnknownMessageKind):
        get_kind("no_such_kind")
    other = OutgoingMessage.objects.create(kind="manage_link_missing_subject", key="test:2", to_email="x@example.org")
    stats = services.messages_deliver([message.pk, other.pk])
    assert stats == {"sent": 0, "skipped": 0, "failed": 2}
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.QUEUED and message.attempts == 1
    assert message.next_attempt_at is not None and message.next_attempt_at > timezone.now()
    assert "UnknownMessageKind" in message.last_error and "no_such_kind" in message.last_error
    assert outbox.outbox == []


def test_an_unknown_kind_ends_failed_after_the_last_attempt():
    message = _message("no_such_kind")
    OutgoingMessage.objects.filter(pk=message.pk).update(attempts=services.MAX_ATTEMPTS - 1)
    services.messages_deliver([message.pk])
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.FAILED and message.next_attempt_at is None


def test_queueing_is_idempotent_per_key(greeting_kind):
    new = services.NewMessage(key="test:same", to_email="a@example.org", context={"name": "A"})
    assert services.message_queue(kind="test_greeting", message=new) is not None
    assert services.message_queue(kind="test_greeting", message=new) is None
    assert (
        services.messages_queue_many(kind="test_greeting", messages=[new, services.NewMessage(key="test:other", to_email="b@example.org")])
        == 1
    )
    assert OutgoingMessage.objects.count() == 2


def test_retry_picks_up_abandoned_and_stale_messages(settings):
    now = timezone.now()
    abandoned = _message("no_such_kind", "test:abandoned")
    OutgoingMessage.objects.filter(pk=abandoned.pk).update(created_at=now - dt.timedelta(hours=1))
    stale = _message("no_such_kind", "test:stale")
    OutgoingMessage.objects.filter(pk=stale.pk).update(status=OutgoingMessage.Status.SENDING, claimed_at=now - dt.timedelta(hours=1))
    fresh = _message("no_such_kind", "test:fresh")
    assert services.messages_retry_due(now=now) == 2
    assert OutgoingMessage.objects.get(pk=fresh.pk).attempts == 0
