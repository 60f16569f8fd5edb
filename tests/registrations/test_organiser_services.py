"""Services behind the organisers' registrations and messages sections."""

from __future__ import annotations

import pytest

from tests.factories import RegistrationFactory, UserFactory, WebinarFactory
from tests.links import tokens_in
from webinars.audit.models import LogEntry
from webinars.core.errors import DomainError, NotAllowed
from webinars.mail.models import OutgoingMessage
from webinars.registrations import broadcasts, selectors, services
from webinars.registrations.models import Registration, search_text

pytestmark = pytest.mark.django_db


def test_search_text_folds_case_and_adds_the_latin_spelling():
    assert search_text("Динара  ХАЛИКОВА") == "динара халикова dinara khalikova"
    assert search_text("Anna Smith") == "anna smith"
    assert "sargsyan" in search_text("Սարգսյան") and "beridze" in search_text("ბერიძე")


def test_the_search_key_follows_corrections_and_erasure():
    registration = RegistrationFactory(name="Динара", city="Алматы")
    assert "almaty" in registration.search_key
    services.registration_update_details(registration=registration, data={"city": "Astana"})
    registration.refresh_from_db()
    assert "astana" in registration.search_key and "almaty" not in registration.search_key
    services.booking_erase(booking=registration.booking)
    registration.refresh_from_db()
    assert registration.search_key == ""
    assert not selectors.webinar_registrations(webinar=registration.webinar, filters=selectors.RegistrationFilter(search="dinara")).exists()


def test_resend_link_queues_the_manage_link_and_logs_it(django_capture_on_commit_callbacks):
    organiser = UserFactory()
    registration = RegistrationFactory()
    services.registration_resend_link(registration=registration, actor=organiser)
    assert OutgoingMessage.objects.filter(kind="manage_link", to_email=registration.email).count() == 1
    assert LogEntry.objects.get(action="registration.link_resent").actor == organiser
    services.booking_erase(booking=registration.booking)
    registration.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.registration_resend_link(registration=registration, actor=organiser)


def test_bulk_action_is_all_or_none():
    webinar = WebinarFactory(capacity=10)
    first = RegistrationFactory(webinar=webinar, status="waitlisted")
    second = RegistrationFactory(webinar=webinar, status="waitlisted")
    original = services.registration_confirm_by_organiser
    calls = []

    def failing(**kwargs):
        calls.append(kwargs["registration"].pk)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return original(**kwargs)

    services.registration_confirm_by_organiser = failing
    try:
        with pytest.raises(RuntimeError):
            services.registrations_bulk_action(webinar=webinar, registration_ids=[first.pk, second.pk], action="move")
    finally:
        services.registration_confirm_by_organiser = original
    assert set(Registration.objects.filter(webinar=webinar).values_list("status", flat=True)) == {"waitlisted"}
    with pytest.raises(NotAllowed):
        services.registrations_bulk_action(webinar=webinar, registration_ids=[first.pk], action="erase")


def test_message_goes_to_each_recipient_in_their_language_and_skips_others():
    webinar = WebinarFactory()
    ru = RegistrationFactory(webinar=webinar, language="ru")
    kk = RegistrationFactory(webinar=webinar, language="kk")
    elsewhere = RegistrationFactory(language="ru")
    counts = broadcasts.webinar_message_send(
        webinar=webinar,
        audience="confirmed",
        recipients=Registration.objects.filter(pk__in=[ru.pk, kk.pk, elsewhere.pk]),
        texts={"ru": ("Тема", "Текст"), "kk": ("", "")},
        fallback=("Subject", "Text"),
        actor=None,
    )
    assert counts == {"fallback": 1, "ru": 1}
    contexts = {m.to_email: m.context["subject"] for m in OutgoingMessage.objects.filter(kind="organiser_message")}
    assert contexts == {ru.email: "Тема", kk.email: "Subject"}


@pytest.mark.parametrize(
    ("texts", "fallback", "field"),
    [
        ({}, ("", "Text"), "subject"),
        ({}, ("Subject", " "), "body"),
        ({"ru": ("Тема", "")}, ("S", "T"), "body_ru"),
        ({}, ("S" * 201, "T"), "subject"),
    ],
)
def test_message_refusals_name_the_field_and_store_nothing(texts, fallback, field):
    webinar = WebinarFactory()
    RegistrationFactory(webinar=webinar)
    with pytest.raises(DomainError) as refused:
        broadcasts.webinar_message_send(
            webinar=webinar, audience="confirmed", recipients=Registration.objects.all(), texts=texts, fallback=fallback, actor=None
        )
    assert refused.value.field == field
    assert not OutgoingMessage.objects.exists() and not LogEntry.objects.filter(action="webinar.message_sent").exists()


def test_preview_uses_the_mail_templates_in_the_language_with_stand_in_links():
    webinar = WebinarFactory(title={"en": "Collection care", "ru": "Сохранение коллекций"})
    sample = RegistrationFactory(webinar=webinar, language="ru")
    preview = broadcasts.message_preview(webinar=webinar, text=("Тема", "Текст письма"), language="ru", sample=sample)
    assert preview.subject == "Тема" and "Текст письма" in preview.text and "Сохранение коллекций" in preview.text
    shown = preview.html + preview.text
    assert tokens_in(shown, "/r/")  # links, but never a real one:
    assert not any(selectors.registration_by_join_token(t) for t in tokens_in(shown, "/j/"))
    assert not any(selectors.booking_by_manage_token(t) for t in tokens_in(shown, "/r/"))
    assert not OutgoingMessage.objects.exists()


def test_recording_publish_validates_stores_and_announces_once(django_capture_on_commit_callbacks):
    webinar = WebinarFactory()
    RegistrationFactory(webinar=webinar)
    with pytest.raises(DomainError) as refused:
        broadcasts.webinar_recording_publish(webinar=webinar, url="javascript:alert(1)", actor=None)
    assert refused.value.field == "recording_url"
    assert broadcasts.webinar_recording_publish(webinar=webinar, url="https://video.example.org/1", actor=None) == 1
    assert broadcasts.webinar_recording_publish(webinar=webinar, url="https://video.example.org/1", actor=None) == 0
    webinar.refresh_from_db()
    assert webinar.recording_url == "https://video.example.org/1"


def test_the_search_key_is_written_however_a_registration_is_inserted(db):
    from django.utils import timezone

    from tests.factories import BookingFactory, WebinarFactory
    from webinars.core.db import adopt_inserted, fetch_together, insert_statement
    from webinars.registrations.models import Registration

    webinar = WebinarFactory()
    booking = BookingFactory()
    row = {"webinar": webinar, "booking": booking, "consent_privacy_at": timezone.now()}
    saved = Registration.objects.create(**row, email="a@example.org", name="Динара Халикова")
    [bulk] = Registration.objects.bulk_create([Registration(**row, email="b@example.org", name="Анаит")])
    sent = Registration(**row, email="c@example.org", name="Нино", organisation="Музей")
    adopt_inserted(sent, fetch_together([insert_statement(sent)])[0])
    keys = dict(Registration.objects.values_list("email", "search_key"))
    assert keys == {
        "a@example.org": saved.compute_search_key(),
        "b@example.org": bulk.compute_search_key(),
        "c@example.org": sent.compute_search_key(),
    }
    assert "dinara khalikova" in keys["a@example.org"] and "anait" in keys["b@example.org"] and "muzey" in keys["c@example.org"]
