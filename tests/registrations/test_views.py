"""Request tests of the registration pages, self-service links, join link and the API endpoint."""

import datetime as dt
import json
import re

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import WebinarFactory
from tests.registrations.conftest import form_post
from webinars.mail.models import OutgoingMessage
from webinars.registrations.models import Booking, Registration
from webinars.registrations.selectors import booking_confirm_token, booking_manage_token, registration_join_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(committing_client):
    """Every request's on_commit callbacks (e-mail delivery) run, as after a real commit."""
    return committing_client


def register_url(webinar) -> str:
    return f"/series/{webinar.series.slug}/{webinar.slug}/register/"


def test_webinar_page_links_to_registration(client, webinar):
    html = client.get(webinar.get_absolute_url()).content.decode()
    assert register_url(webinar) in html


def test_form_renders_with_region_first_and_all_fields(client, webinar):
    webinar.series.countries = ["AM", "GE"]
    webinar.series.save()
    response = client.get(register_url(webinar))
    assert response.status_code == 200
    html = response.content.decode()
    for field in (
        "name",
        "email",
        "country",
        "city",
        "organisation",
        "position",
        "institution_type",
        "gender",
        "language",
        "consent_privacy",
        "consent_recording",
    ):
        assert f'name="{field}"' in html, field
    options = re.findall(r'<option value="([A-Z]{2})"', html)
    assert options[:2] == ["AM", "GE"]
    assert response["Cache-Control"].startswith("private")


def test_register_through_the_form_sends_confirmation_request(client, webinar):
    response = client.post(register_url(webinar), form_post())
    assert response.status_code == 201
    assert "Please confirm your e-mail address" in response.content.decode()
    registration = Registration.objects.get()
    assert registration.name == "Динара Халикова" and registration.status == "pending"
    assert len(mail.outbox) == 1
    assert "/r/confirm/" in mail.outbox[0].body


def test_confirm_link_shows_a_button_and_confirms_on_post(client, webinar):
    client.post(register_url(webinar), form_post())
    booking = Booking.objects.get()
    url = f"/r/confirm/{booking_confirm_token(booking)}/"
    assert client.get(url).status_code == 200
    assert Registration.objects.get().status == "pending"  # a GET (mail scanner) does not confirm
    response = client.post(url)
    assert response.status_code == 302
    assert Registration.objects.get().status == "confirmed"
    confirmed = mail.outbox[-1]
    assert "/j/" in confirmed.body
    assert any(name == "webinar.ics" for name, *_ in confirmed.attachments)


def test_repeat_registration_answers_the_same_and_resends_link(client, webinar):
    client.post(register_url(webinar), form_post())
    response = client.post(register_url(webinar), form_post(name="Dinara Khalikova"))
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
    assert Registration.objects.count() == 1
    assert Registration.objects.get().name == "Динара Халикова"
    assert OutgoingMessage.objects.filter(kind="manage_link").count() == 1


def test_honeypot_stores_nothing(client, webinar):
    response = client.post(register_url(webinar), form_post(website="http://spam.example"))
    assert response.status_code == 200
    assert not Registration.objects.exists()


def test_rate_limit_per_address(client, webinar, settings):
    settings.REGISTRATION_RATE_LIMIT = 2
    for i in range(2):
        assert client.post(register_url(webinar), form_post(email=f"p{i}@example.org")).status_code == 201
    response = client.post(register_url(webinar), form_post(email="p3@example.org"))
    assert response.status_code == 429
    assert Registration.objects.count() == 2


def test_manage_page_edit_cancel_download_erase(client, open_webinar):
    client.post(register_url(open_webinar), form_post())
    booking = Booking.objects.get()
    token = booking_manage_token(booking)
    page = client.get(f"/r/{token}/")
    assert page.status_code == 200 and "Динара Халикова" in page.content.decode()
    assert page["Cache-Control"].startswith("private")
    # edit details
    post = form_post(name="Dinara Khalikova", city="Kazan")
    post["save_details"] = "1"
    assert client.post(f"/r/{token}/", post).status_code == 302
    assert Registration.objects.get().city == "Kazan"
    # download
    data = json.loads(client.get(f"/r/{token}/data.json").content)
    assert data["registrations"][0]["name"] == "Dinara Khalikova"
    # cancel
    registration = Registration.objects.get()
    asked = client.post(f"/r/{token}/cancel/{registration.uuid}/")
    assert asked.status_code == 200 and "Yes, cancel my registration" in asked.content.decode()
    assert Registration.objects.get().status == "confirmed"  # the first POST only asks
    assert client.post(f"/r/{token}/cancel/{registration.uuid}/", {"confirm_cancel": "yes"}).status_code == 302
    assert Registration.objects.get().status == "cancelled"
    # erase needs the box ticked
    client.post(f"/r/{token}/erase/")
    assert Registration.objects.get().erased_at is None
    assert client.post(f"/r/{token}/erase/", {"confirm_erase": "yes"}).status_code == 200
    assert Registration.objects.get().name == ""
    assert "Dinara" not in client.get(f"/r/{token}/").content.decode()


def test_tampered_or_unknown_tokens_are_404(client, open_webinar):
    client.post(register_url(open_webinar), form_post())
    token = booking_manage_token(Booking.objects.get())
    for url in (f"/r/{token}x/", f"/r/confirm/{token}/", "/r/abc/", "/j/nope/", f"/r/{token[:-2]}/data.json"):
        assert client.get(url).status_code == 404, url


def test_join_link_redirects_confirmed_and_counts(client, open_webinar):
    client.post(register_url(open_webinar), form_post())
    registration = Registration.objects.get()
    response = client.get(registration_join_path(registration))
    assert response.status_code == 302 and response["Location"] == open_webinar.meeting_url
    registration.refresh_from_db()
    assert registration.join_count == 1


def test_join_link_for_pending_does_not_reveal_meeting(client, webinar):
    client.post(register_url(webinar), form_post())
    registration = Registration.objects.get()
    response = client.get(registration_join_path(registration))
    assert response.status_code == 403
    assert "secret-room" not in response.content.decode()


def test_series_registration_page(client, webinar):
    other = WebinarFactory(series=webinar.series, starts_at=timezone.now() + dt.timedelta(days=8))
    url = f"/series/{webinar.series.slug}/register/"
    assert client.get(url).status_code == 200
    assert client.post(url, form_post()).status_code == 201
    assert set(Registration.objects.values_list("webinar_id", flat=True)) == {webinar.pk, other.pk}
    assert len(mail.outbox) == 1  # one confirmation for the whole booking


def test_closed_webinar_shows_no_form(client, db):
    past = WebinarFactory(starts_at=timezone.now() - dt.timedelta(days=2))
    response = client.get(register_url(past))
    assert "This webinar is over." in response.content.decode()
    assert 'name="email"' not in response.content.decode()
    assert client.post(register_url(past), form_post()).status_code == 200
    assert not Registration.objects.exists()


def test_russian_form_and_email(client, webinar):
    client.post(register_url(webinar) + "?lang=ru", form_post(language="ru"), HTTP_ACCEPT_LANGUAGE="ru")
    assert Registration.objects.get().language == "ru"
    assert "Пожалуйста" in mail.outbox[0].subject or "подтвердите" in mail.outbox[0].body.lower()


# --- API ----------------------------------------------------------------------------


def api_post(client, webinar_id, payload):
    return client.post(f"/api/v1/webinars/{webinar_id}/registrations", json.dumps(payload), content_type="application/json")


def api_payload(**overrides):
    payload = {
        "name": "Արմեն Սարգսյան",
        "email": "armen@example.am",
        "country": "AM",
        "organisation": "History Museum of Armenia",
        "institution_type": "state",
        "consent_privacy": True,
    }
    payload.update(overrides)
    return payload


def test_api_answers_a_repeat_exactly_like_a_new_registration(client, webinar):
    first = api_post(client, webinar.pk, api_payload())
    assert first.status_code == 202
    assert Registration.objects.get().status == "pending"
    again = api_post(client, webinar.pk, api_payload())
    assert again.status_code == 202 and again.content == first.content
    assert Registration.objects.count() == 1
    assert "armen@example.am" not in first.content.decode()
    Registration.objects.update(status="confirmed")  # confirmed or not: the same answer
    assert api_post(client, webinar.pk, api_payload()).content == first.content


def test_api_waitlist_and_errors(client, webinar):
    answers = {api_post(client, webinar.pk, api_payload(email=f"a{i}@example.org")).content for i in range(3)}
    assert len(answers) == 1  # pending or waitlisted: the answer does not tell
    assert list(Registration.objects.order_by("pk").values_list("status", flat=True)) == ["pending", "pending", "waitlisted"]
    assert api_post(client, 999999, api_payload()).status_code == 404
    past = WebinarFactory(starts_at=timezone.now() - dt.timedelta(days=1))
    assert api_post(client, past.pk, api_payload()).status_code == 409
    cancelled = WebinarFactory(status="cancelled")
    assert api_post(client, cancelled.pk, api_payload()).status_code == 409


def test_api_field_errors_are_400_with_messages(client, webinar):
    response = api_post(client, webinar.pk, api_payload(email="not-an-email", country="XX", consent_privacy=False))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"email", "country", "consent_privacy"} <= set(errors)
    missing = api_post(client, webinar.pk, {"email": "x@example.org"})
    assert missing.status_code == 400 and "name" in missing.json()["errors"]
    broken = client.post(f"/api/v1/webinars/{webinar.pk}/registrations", "{not json", content_type="application/json")
    assert broken.status_code == 400
    assert not Registration.objects.exists()


def test_confirm_email_false_series_confirms_directly_via_api(client, open_webinar):
    response = api_post(client, open_webinar.pk, api_payload())
    assert response.status_code == 202 and Registration.objects.get().status == "confirmed"
