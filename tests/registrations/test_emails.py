"""What every registrant's e-mail carries: language, Reply-To, the organiser, buttons; and the
e-mails about a webinar cancelled or postponed."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.core import mail

from tests.factories import OrganisationFactory, RegistrationFactory, SeriesFactory, WebinarFactory
from tests.links import join_link_opens
from webinars.mail.delivery import messages_deliver
from webinars.mail.models import OutgoingMessage
from webinars.programme import services as programme_services
from webinars.registrations import messaging
from webinars.registrations.models import Registration

pytestmark = pytest.mark.django_db
S = Registration.Status


def send(kind: str, registration: Registration, **context):
    message = messaging.queue(kind=kind, registration=registration, key=f"test:{kind}:{registration.pk}", context=context)
    mail.outbox.clear()
    messages_deliver([message.pk])
    [email] = mail.outbox
    return email


def html_of(email) -> str:
    [(html, _mime)] = email.alternatives
    return html


@pytest.fixture
def series(db):
    return SeriesFactory(
        contact_email="webinars@icom-russia.example.org",
        organiser=OrganisationFactory(name={"en": "ICOM Russia", "ru": "ИКОМ России"}, website="https://icom-russia.example.org/"),
    )


def test_russian_email_declares_russian_and_lays_out_for_a_phone(series):
    registration = RegistrationFactory(webinar=WebinarFactory(series=series), language="ru", time_zone="Asia/Yerevan")
    email = send("confirmed", registration)
    soup = BeautifulSoup(html_of(email), "html.parser")
    assert soup.html["lang"] == "ru" and soup.html["dir"] == "ltr"
    assert soup.find("meta", attrs={"name": "viewport"})["content"].startswith("width=device-width")
    assert email.extra_headers["Content-Language"] == "ru"
    assert "Ереван, UTC+4" in email.body


def test_reply_to_is_the_series_contact_and_the_footer_names_the_organiser(series):
    registration = RegistrationFactory(webinar=WebinarFactory(series=series))
    email = send("confirmed", registration)
    assert email.reply_to == ["webinars@icom-russia.example.org"]
    for part in (email.body, BeautifulSoup(html_of(email), "html.parser").get_text(" ")):
        assert "Organised by ICOM Russia" in part
        assert "Reply to this e-mail" in part


def test_without_a_contact_address_the_footer_does_not_promise_that_replies_are_read(db):
    registration = RegistrationFactory(webinar=WebinarFactory())
    email = send("cancelled_by_organiser", registration)
    assert email.reply_to == []
    assert "reply to this" not in email.body.lower().replace("replies to this e-mail are not read", "")
    assert "Replies to this e-mail are not read" in email.body


def test_html_part_has_short_button_labels_and_the_text_part_the_full_addresses(series):
    registration = RegistrationFactory(webinar=WebinarFactory(series=series))
    email = send("confirmed", registration)
    soup = BeautifulSoup(html_of(email), "html.parser")
    join = soup.find("a", href=re.compile(r"/j/"))
    assert join.get_text(strip=True) == "Join the webinar"
    manage = soup.find("a", href=re.compile(r"/r/"))
    assert manage.get_text(strip=True) == "Manage my registration"
    assert "http" not in soup.get_text(" ")  # no raw address to read or to overflow a phone
    assert join_link_opens(email.body) == registration  # the plain-text part keeps them


@pytest.mark.parametrize(("status", "kind"), [("cancelled", "webinar_cancelled"), ("postponed", "webinar_postponed")])
def test_cancelling_or_postponing_a_webinar_tells_every_active_registrant_once_in_their_language(
    db, django_capture_on_commit_callbacks, status, kind
):
    webinar = WebinarFactory()
    confirmed = RegistrationFactory(webinar=webinar, language="ru")
    waiting = RegistrationFactory(webinar=webinar, status=S.WAITLISTED)
    pending = RegistrationFactory(webinar=webinar, status=S.PENDING)
    RegistrationFactory(webinar=webinar, status=S.CANCELLED)
    with django_capture_on_commit_callbacks(execute=True):
        programme_services.webinar_set_status(webinar=webinar, status=status)
        programme_services.webinar_set_status(webinar=webinar, status=status)  # again: no second e-mail
    sent = OutgoingMessage.objects.filter(kind=kind)
    assert sorted(m.to_email for m in sent) == sorted(r.email for r in (confirmed, waiting, pending))
    by_address = {email.to[0]: email for email in mail.outbox}
    assert set(by_address) == {confirmed.email, waiting.email, pending.email}
    russian = by_address[confirmed.email]
    assert russian.subject.startswith("Вебинар отменён:" if status == "cancelled" else "Вебинар перенесён:")
    assert "Вебинар" in russian.subject
