"""Bodies rendered once per batch for recipients whose e-mails differ only in their own links."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail

from tests.factories import OrganisationFactory, RegistrationFactory, SeriesFactory, WebinarFactory
from webinars.mail import registry
from webinars.mail.delivery import messages_deliver
from webinars.mail.models import OutgoingMessage
from webinars.mail.rendering import SharedBodies, render
from webinars.registrations import messaging
from webinars.registrations.models import Registration

pytestmark = pytest.mark.django_db

CONTEXTS = {
    "reminder": {"hours": 1},
    "recording": {},
    "webinar_cancelled": {},
    "webinar_postponed": {},
    "organiser_message": {"subject": "Материалы & ссылки", "body": "Здравствуйте! <b>Слайды</b> — по ссылке & в архиве."},
}


@pytest.fixture
def registrants(db) -> list[Registration]:
    series = SeriesFactory(
        contact_email="webinars@icom.example.org",
        organiser=OrganisationFactory(name={"en": "ICOM", "ru": "ИКОМ"}, website="https://icom.example.org/"),
    )
    webinar = WebinarFactory(
        series=series, title={"en": "Collection care", "ru": "Сохранение коллекций"}, recording_url="https://video.example.org/1"
    )
    people = [
        ("Анаит", "ru", "Asia/Yerevan"),
        ("Nino", "en", "Asia/Tbilisi"),
        ("Айгерим", "ru", "Asia/Almaty"),
        ("Timur", "ru", "Asia/Yerevan"),
        ("O'Brien <script>", "en", "Asia/Tbilisi"),
    ]
    return [
        RegistrationFactory(webinar=webinar, name=name, language=language, time_zone=zone, status=Registration.Status.CONFIRMED)
        for name, language, zone in people
    ]


def _queued(kind: str, registrants: list[Registration]) -> list[OutgoingMessage]:
    return [messaging.queue(kind=kind, registration=r, key=f"t:{kind}:{r.pk}", context=CONTEXTS[kind]) for r in registrants]


@pytest.mark.parametrize("kind", sorted(messaging.SHARED_KINDS))
def test_every_shared_kind_renders_the_same_bytes_as_alone(kind, registrants):
    messages = _queued(kind, registrants)
    shared = SharedBodies()
    for message in messages:
        with mock.patch("django.core.signing.time.time", return_value=1_800_000_000):  # links signed in the same second
            together, alone = render(message, shared), render(OutgoingMessage.objects.get(pk=message.pk))
        assert together.body == alone.body
        assert together.alternatives[0][0] == alone.alternatives[0][0]
        assert together.subject == alone.subject
    assert len(shared._kept) == 3  # (ru, Yerevan), (en, Tbilisi), (ru, Almaty): five recipients, three renderings


def test_each_recipient_gets_their_own_links_through_the_worker(registrants):
    messages = _queued("reminder", registrants)
    mail.outbox.clear()
    messages_deliver([m.pk for m in messages])
    assert len(mail.outbox) == 5
    join_links = set()
    for email, registration in zip(sorted(mail.outbox, key=lambda e: e.to[0]), sorted(registrants, key=lambda r: r.email), strict=True):
        assert email.to == [registration.email]
        links = [line for line in email.body.splitlines() if "/j/" in line]
        assert len(links) == 1 and links[0] in email.alternatives[0][0]
        join_links.add(links[0])
        assert "mwown" not in email.body and "mwown" not in email.alternatives[0][0]
    assert len(join_links) == 5


def test_a_template_that_reads_the_recipient_is_rendered_for_each(registrants, tmp_path, settings):
    (tmp_path / "greeting.txt").write_text("Dear {{ registration.name }}: {{ join_url }}")
    (tmp_path / "greeting.html").write_text("<p>Dear {{ registration.name }}</p><a href='{{ join_url }}'>join</a>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]

    def build(message):
        rendering = messaging.registration_rendering(message)
        rendering.shared_key = ("greeting",)
        rendering.own_links, rendering.own_values = ("join_url",), ("registration", "booking", "registrations")
        return rendering

    registry.register(
        registry.MessageKind(name="greeting_test", subject="Hi", template="greeting", locale=messaging.registration_locale, build=build)
    )
    try:
        shared = SharedBodies()
        first, second = registrants[0], registrants[3]  # same language and zone: one group
        bodies = [render(m, shared).body for m in _messages("greeting_test", [first, second])]
    finally:
        registry.unregister("greeting_test")
    assert bodies[0].startswith("Dear Анаит: http") and bodies[1].startswith("Dear Timur: http")
    assert shared._kept == {} and "greeting" in shared._per_recipient


def test_a_link_that_html_would_escape_is_not_put_into_a_shared_body(registrants):
    shared = SharedBodies()
    [message] = _queued("reminder", registrants[:1])
    context = {"join_url": "https://example.org/join?a=1&b=2", "manage_url": "https://example.org/m"}

    class Rendering:
        own_links, own_values = ("join_url", "manage_url"), ()

    kept = shared._render_shared("registrations/email/reminder", {**_reminder_context(message), **context}, Rendering())
    assert kept is not None
    assert shared.bodies("registrations/email/reminder", {**_reminder_context(message), **context}, ("k",), Rendering()) is None


def _messages(kind: str, registrants: list[Registration]) -> list[OutgoingMessage]:
    return [messaging.queue(kind=kind, registration=r, key=f"t:{kind}:{r.pk}", context={}) for r in registrants]


def _reminder_context(message: OutgoingMessage) -> dict:
    rendering = messaging.registration_rendering(message)
    return {**rendering.context, "extra": {"hours": 1}, "title": rendering.title, "message": message, "email_subject": "s"}
