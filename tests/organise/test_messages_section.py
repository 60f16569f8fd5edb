"""The messages section: audiences, one text per language with a fallback, preview, test, send,
history with delivery; "recording available"."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.factories import AttendanceImportFactory, AttendeeFactory, RegistrationFactory
from tests.links import tokens_in
from webinars.audit.models import LogEntry
from webinars.mail.models import OutgoingMessage
from webinars.registrations.selectors import booking_by_manage_token, registration_by_join_token

pytestmark = pytest.mark.django_db


def url(webinar, suffix: str = "") -> str:
    return f"/organise/webinars/{webinar.pk}/messages/{suffix}"


@pytest.fixture
def registrants(world):
    webinar = world["webinar_a"]
    return {
        "en": RegistrationFactory(webinar=webinar, email="en@example.org", language="en"),
        "ru": RegistrationFactory(webinar=webinar, email="ru@example.org", language="ru"),
        "hy": RegistrationFactory(webinar=webinar, email="hy@example.org", language="hy"),
        "waiting": RegistrationFactory(webinar=webinar, email="wait@example.org", language="ru", status="waitlisted"),
    }


MESSAGE = {
    "audience": "confirmed",
    "subject": "Slides are online",
    "body": "Dear colleagues, the slides are online.",
    "subject_ru": "Слайды опубликованы",
    "body_ru": "Уважаемые коллеги, слайды опубликованы.",
}


def test_the_page_offers_audiences_with_counts_and_a_tab_per_language(signed_in, world, registrants):
    page = signed_in("editor_a").get(url(world["webinar_a"])).content.decode()
    assert "confirmed registrants (3 people)" in page and "people on the waiting list (1 person)" in page
    assert 'name="subject_ru"' in page and 'name="body_hy"' in page and 'name="subject_kk"' not in page
    assert "did not attend" not in page  # no attendance imported yet


def test_preview_renders_the_real_email_per_language_without_real_links(signed_in, world, registrants):
    response = signed_in("editor_a").post(url(world["webinar_a"]), {**MESSAGE, "action": "preview"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Slides are online" in page and "Слайды опубликованы" in page
    assert "A message from the organisers of" in page  # the mail app's template, in English for the fallback
    assert "Сообщение от организаторов" in page or "organisers" in page
    assert registrants["en"]  # the preview's links open no real registrant's page
    assert not any(registration_by_join_token(t) for t in tokens_in(page, "/j/"))
    assert not any(booking_by_manage_token(t) for t in tokens_in(page, "/r/"))
    assert OutgoingMessage.objects.count() == 0  # a preview stores and sends nothing


def test_send_a_test_to_myself_then_send_in_each_language(signed_in, world, registrants, django_capture_on_commit_callbacks):
    client = signed_in("editor_a")
    with django_capture_on_commit_callbacks(execute=True):
        tested = client.post(url(world["webinar_a"]), {**MESSAGE, "action": "test"})
    assert tested.status_code == 200
    assert {m.to[0] for m in mail.outbox} == {"editor-a@example.org"}
    assert sorted(m.subject for m in mail.outbox) == ["[Test] Slides are online", "[Тест] Слайды опубликованы"]
    assert 'value="Slides are online"' in tested.content.decode()  # the form stays filled for the real sending
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url(world["webinar_a"]), {**MESSAGE, "action": "send"})
    assert sent.status_code == 302
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "en@example.org": "Slides are online",
        "hy@example.org": "Slides are online",
        "ru@example.org": "Слайды опубликованы",
    }
    entry = LogEntry.objects.get(action="webinar.message_sent")
    assert entry.data["count"] == 3 and entry.data["audience"] == "confirmed" and entry.data["languages"] == {"fallback": 2, "ru": 1}
    assert entry.actor == world["users"]["editor_a"]
    assert LogEntry.objects.filter(action="webinar.message_tested").count() == 1
    history = client.get(url(world["webinar_a"])).content.decode()
    assert "Message sent to confirmed registrants: 3" in history and "Delivered: 3" in history
    batch = client.get(url(world["webinar_a"], entry.data["batch"] + "/")).content.decode()
    assert "ru@example.org" in batch and "Slides are online" in batch


def test_the_waiting_list_is_an_audience_of_its_own(signed_in, world, registrants, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in("editor_a").post(url(world["webinar_a"]), {**MESSAGE, "audience": "waitlisted", "action": "send"})
    assert [m.to[0] for m in mail.outbox] == ["wait@example.org"]


def test_attended_and_not_attended_once_attendance_is_known(signed_in, world, registrants, django_capture_on_commit_callbacks):
    report = AttendanceImportFactory(webinar=world["webinar_a"])
    AttendeeFactory(attendance_import=report, registration=registrants["ru"])
    client = signed_in("editor_a")
    page = client.get(url(world["webinar_a"])).content.decode()
    assert "people who attended (1 person)" in page and "confirmed registrants who did not attend (2 people)" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world["webinar_a"]), {**MESSAGE, "audience": "not_attended", "action": "send"})
    assert sorted(m.to[0] for m in mail.outbox) == ["en@example.org", "hy@example.org"]


def test_a_half_written_language_and_a_missing_fallback_get_field_messages(signed_in, world, registrants):
    response = signed_in("editor_a").post(url(world["webinar_a"]), {"audience": "confirmed", "subject_ru": "Тема", "action": "send"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in page and "Write the message in this language too" in page and 'value="Тема"' in page
    assert OutgoingMessage.objects.count() == 0 and not LogEntry.objects.filter(action="webinar.message_sent").exists()


def test_recording_preview_then_publish_once(signed_in, world, registrants, django_capture_on_commit_callbacks):
    client = signed_in("editor_a")
    webinar = world["webinar_a"]
    preview = client.post(url(webinar), {"action": "recording_preview", "recording_url": "https://video.example.org/alpha"})
    assert preview.status_code == 200 and "https://video.example.org/alpha" in preview.content.decode()
    webinar.refresh_from_db()
    assert webinar.recording_url == ""  # a preview stores nothing
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url(webinar), {"action": "recording_send", "recording_url": "https://video.example.org/alpha"})
    assert sent.status_code == 302
    webinar.refresh_from_db()
    assert webinar.recording_url == "https://video.example.org/alpha"
    assert sorted(m.to[0] for m in mail.outbox) == ["en@example.org", "hy@example.org", "ru@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url(webinar), {"action": "recording_send", "recording_url": "https://video.example.org/alpha"}, follow=True)
    assert len(mail.outbox) == 3  # once per registrant
    assert "already been told" in again.content.decode()
    assert LogEntry.objects.filter(action="webinar.changed", data__fields=["recording_url"]).count() == 1


def test_a_bad_recording_address_is_refused_beside_the_field(signed_in, world, registrants):
    response = signed_in("editor_a").post(url(world["webinar_a"]), {"action": "recording_send", "recording_url": "not a link"})
    assert response.status_code == 400 and "Enter a valid URL." in response.content.decode()
    assert OutgoingMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "get_status", "post_status"),
    [("owner_a", 200, None), ("editor_a", 200, None), ("viewer_a", 403, 403), ("editor_b", 404, 404), ("nobody", 403, 403)],
)
def test_who_may_write_to_registrants(signed_in, world, registrants, who, get_status, post_status):
    client = signed_in(who)
    assert client.get(url(world["webinar_a"])).status_code == get_status
    if post_status:
        assert client.post(url(world["webinar_a"]), {**MESSAGE, "action": "send"}).status_code == post_status
        assert (
            client.post(url(world["webinar_a"]), {"action": "recording_send", "recording_url": "https://x.example.org"}).status_code
            == post_status
        )
    assert OutgoingMessage.objects.count() == 0


def test_batch_page_belongs_to_the_series(signed_in, world):
    assert signed_in("editor_a").get(url(world["webinar_a"], "0" * 32 + "/")).status_code == 404
    assert signed_in("editor_a").get(url(world["webinar_a"], "not-a-batch/")).status_code == 404


def test_the_page_costs_the_same_queries_for_few_and_many(
    signed_in, world, registrants, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client = signed_in("editor_a")
    client.post(url(world["webinar_a"]), {**MESSAGE, "action": "send"})
    client.get(url(world["webinar_a"]))
    with django_assert_max_num_queries(16) as few:
        assert client.get(url(world["webinar_a"])).status_code == 200
    few_queries = len(few)  # read now: every request empties the connection's query log
    for n in range(30):
        RegistrationFactory(webinar=world["webinar_a"], language=["kk", "uz", "ru"][n % 3])
    for _ in range(3):
        client.post(url(world["webinar_a"]), {**MESSAGE, "action": "send"})
    with django_assert_max_num_queries(few_queries):
        assert client.get(url(world["webinar_a"])).status_code == 200
