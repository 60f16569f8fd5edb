"""Every kind of e-mail, in English and Russian, as a phone shows it: Chromium at 375 px wide.

Each registered message kind is rendered by the mail app exactly as it would be sent;
its HTML part is loaded into the page (no server needed). Nothing may be wider than the
viewport (no horizontal scrolling, no shrinking to a third), and axe finds no violation.
"""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from tests.factories import (
    CertificateFactory,
    FeedbackInvitationFactory,
    OrganisationFactory,
    RegistrationFactory,
    SeriesFactory,
    UserFactory,
    WebinarFactory,
)
from webinars.mail.models import OutgoingMessage
from webinars.mail.registry import all_kinds
from webinars.mail.rendering import render
from webinars.registrations import messaging
from webinars.registrations.broadcasts import webinar_message_test
from webinars.registrations.models import Registration
from webinars.team.services import organiser_invite

from .test_accessibility import describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

AXE = Axe()
PHONE = {"width": 375, "height": 740}
LONG_URL = "https://example.org/" + "a-very-long-path-segment-without-breaks-" * 4 + "?token=" + "x" * 60

# Everything wider than the viewport: the page itself, or any element sticking out on the right.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 0.5)
    .map(e => e.tagName + ' ' + Math.round(e.getBoundingClientRect().right) + ': ' + (e.textContent || '').trim().slice(0, 60));
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def _messages(language: str) -> dict[str, OutgoingMessage]:
    """One message of every kind about a registrant whose language is ``language``."""
    series = SeriesFactory(
        title={
            "en": "Museums and Migration in Central Asia and the South Caucasus",
            "ru": "Музеи и миграция в Центральной Азии и на Южном Кавказе",
        },
        contact_email="webinars@icom-russia.example.org",
        organiser=OrganisationFactory(name={"en": "ICOM Russia National Committee", "ru": "Национальный комитет ИКОМ России"}),
    )
    title = {
        "en": "Collections of diaspora communities: how to document them",
        "ru": "Коллекции диаспор: как их документировать и показывать",
    }
    webinar = WebinarFactory(series=series, title=title, recording_url="https://video.example.org/recording-of-the-webinar")
    past = WebinarFactory(series=series, title=title, starts_at=timezone.now() - dt.timedelta(days=2))

    def registrant(status=Registration.Status.CONFIRMED, on=webinar) -> Registration:
        return RegistrationFactory(webinar=on, status=status, language=language, time_zone="Asia/Yerevan", name="Нарине Акопян")

    def queue(kind: str, registration: Registration, **context) -> OutgoingMessage:
        return messaging.queue(kind=kind, registration=registration, key=f"{kind}:{language}:{registration.pk}", context=context)

    confirmed = registrant()
    pending = registrant(Registration.Status.PENDING)
    waiting = registrant(Registration.Status.WAITLISTED)
    attended = registrant(on=past)
    certificate = CertificateFactory(registration=attended)
    certificate.pdf.save("certificate.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    FeedbackInvitationFactory(registration=attended)
    messages = {
        "confirmed": queue("confirmed", confirmed),
        "waitlisted": queue("waitlisted", waiting),
        "promoted": queue("promoted", pending),
        "reminder": queue("reminder", confirmed, hours=24),
        "cancelled": queue("cancelled", registrant(Registration.Status.CANCELLED)),
        "cancelled_by_organiser": queue("cancelled_by_organiser", registrant(Registration.Status.CANCELLED)),
        "recording": queue("recording", confirmed),
        "organiser_message": queue("organiser_message", confirmed, subject="Slides", body=f"The slides are here:\n{LONG_URL}"),
        "webinar_cancelled": queue("webinar_cancelled", confirmed),
        "webinar_postponed": queue("webinar_postponed", waiting),
        "certificate": queue("certificate", attended, certificate=certificate.pk),
        "feedback_request": queue("feedback_request", attended),
        "confirm_request": messaging.queue(kind="confirm_request", booking=waiting.booking, key=f"confirm:{language}:{waiting.pk}"),
        "manage_link": messaging.queue(kind="manage_link", booking=confirmed.booking, key=f"manage:{language}:{confirmed.pk}"),
        "fresh_links": messaging.queue(kind="fresh_links", booking=confirmed.booking, key=f"fresh:{language}:{confirmed.pk}"),
    }
    # The organisers' own e-mails: an invitation to a series, a test of a message to registrants.
    owner = UserFactory(username=f"owner-{language}@example.org", email=f"owner-{language}@example.org")
    with translation.override(language):
        organiser_invite(series=series, email=f"new-editor-{language}@example.org", role="editor", actor=owner, language=language)
        slides = ("Slides", f"The slides are here:\n{LONG_URL}")
        webinar_message_test(webinar=webinar, texts={language: slides}, fallback=slides, actor=owner)
    for kind in ("organiser_invitation", "organiser_message_test"):
        messages[kind] = OutgoingMessage.objects.filter(kind=kind).latest("pk")
    return messages


@pytest.fixture
def phone(browser):
    # A phone's browser: without a viewport meta tag it lays the page out 980 px wide and shrinks it.
    context = browser.new_context(viewport=PHONE, locale="ru-RU", is_mobile=True, has_touch=True, device_scale_factor=2)
    yield context.new_page()
    context.close()


def test_every_registered_kind_is_checked():
    with_examples = {
        "confirmed", "waitlisted", "promoted", "reminder", "cancelled", "cancelled_by_organiser", "recording",
        "organiser_message", "webinar_cancelled", "webinar_postponed", "certificate", "feedback_request",
        "confirm_request", "manage_link", "fresh_links", "organiser_invitation", "organiser_message_test",
    }  # fmt: skip
    assert {kind.name for kind in all_kinds()} <= with_examples


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_email_fits_a_phone_and_passes_axe(phone, language, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    failures = []
    for kind, message in _messages(language).items():
        email = render(message)
        [(html, _mime)] = email.alternatives
        phone.set_content(html)
        assert phone.locator("html").get_attribute("lang") == language, kind
        layout = phone.evaluate(OVERFLOW)
        if layout["scroll"] > PHONE["width"] or layout["wide"]:
            failures.append(f"{kind}: {layout['scroll']} px wide; {layout['wide'][:5]}")
        violations = AXE.run(phone).response["violations"]
        if violations:
            failures.append(f"{kind}: axe\n{describe(violations)}")
    assert not failures, "\n".join(failures)
