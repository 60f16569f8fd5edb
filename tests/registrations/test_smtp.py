"""The real messages, sent over SMTP to an aiosmtpd server running in the test process."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.utils import timezone
from icalendar import Calendar

from tests.links import join_link_opens
from tests.registrations.conftest import registration_data
from webinars.mail import services as mail
from webinars.mail.models import OutgoingMessage
from webinars.registrations import services

# Delivery runs on commit; the tests run those callbacks with django_capture_on_commit_callbacks.
pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 -- aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_inbox():
    port = free_port()
    inbox = Inbox(port)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(EMAIL_BACKEND="webinars.mail.backends.SMTPBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=port):
            yield inbox
    finally:
        controller.stop()


def test_confirmation_flow_over_real_smtp(smtp_inbox, webinar, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # messages are delivered once the registration commits
        result = services.registration_create(webinar_id=webinar.pk, data=registration_data(name="Նարե Հակոբյան", email="nare@example.am"))
    assert len(smtp_inbox.messages) == 1
    request = smtp_inbox.messages[0]
    assert request["To"] == "nare@example.am"
    assert request["Message-ID"].endswith("@museum-webinars>")
    text = request.get_body(("plain",)).get_content()
    html = request.get_body(("html",)).get_content()
    assert "/r/confirm/" in text and "/r/confirm/" in html

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_confirm_email(booking=result.booking)
    confirmed = smtp_inbox.messages[-1]
    assert "You are registered" in confirmed["Subject"]
    body = confirmed.get_body(("plain",)).get_content()
    registration = result.registrations[0]
    registration.refresh_from_db()
    assert join_link_opens(body) == registration
    assert "secret-room" not in body  # the meeting address is behind the personal join link
    attachments = [part for part in confirmed.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert len(attachments) == 1
    calendar = Calendar.from_ical(attachments[0].get_content())
    event = next(iter(calendar.walk("VEVENT")))
    assert event["UID"] == f"webinar-{webinar.pk}@museum-webinars"
    assert OutgoingMessage.objects.filter(status="sent").count() == 2


def test_smtp_outage_only_delays_delivery(smtp_inbox, open_webinar, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_PORT = free_port()  # nothing listens there: the outage
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_create(webinar_id=open_webinar.pk, data=registration_data())
    message = OutgoingMessage.objects.get()
    assert message.status == "queued" and message.attempts == 1 and "refused" in message.last_error.lower()
    assert smtp_inbox.messages == []

    settings.EMAIL_PORT = smtp_inbox.port  # the server is back
    OutgoingMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert mail.messages_retry_due() == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2
    assert len(smtp_inbox.messages) == 1
    assert mail.messages_retry_due() == 0
