"""The registrant's pages around the webinar: after the end, cancelling, registering again,
the join link's reasons, and the messages right after registering."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from tests.factories import FeedbackInvitationFactory, RegistrationFactory, WebinarFactory, WebinarLinkFactory
from tests.links import join_link_opens, survey_link_opens
from tests.registrations.conftest import form_post
from webinars.mail.models import OutgoingMessage
from webinars.registrations import services
from webinars.registrations.models import Registration
from webinars.registrations.selectors import booking_manage_token, registration_join_path

pytestmark = pytest.mark.django_db
S = Registration.Status


@pytest.fixture
def client(committing_client):
    return committing_client


def manage_url(registration: Registration) -> str:
    return f"/r/{booking_manage_token(registration.booking)}/"


def item(client, registration: Registration) -> BeautifulSoup:
    html = client.get(manage_url(registration)).content.decode()
    found = BeautifulSoup(html, "html.parser").find("li", attrs={"data-registration": str(registration.uuid)})
    assert found is not None
    return found


def test_after_the_end_the_page_offers_what_exists_afterwards_not_cancel_join_or_calendar(client):
    webinar = WebinarFactory(
        starts_at=timezone.now() - dt.timedelta(days=2), recording_url="https://video.example.org/rec", duration_minutes=90
    )
    WebinarLinkFactory(webinar=webinar, title={"en": "Slides"}, url="https://example.org/slides.pdf")
    registration = RegistrationFactory(webinar=webinar)
    invitation = FeedbackInvitationFactory(registration=registration)
    line = item(client, registration)
    text = line.get_text(" ")
    assert line.find("form") is None  # no cancel
    assert not line.find_all("a", href=lambda h: h and ("/j/" in h or h.endswith(".ics")))
    assert line.find("a", href="https://video.example.org/rec") is not None
    assert line.find("a", href="https://example.org/slides.pdf") is not None and "Slides" in text
    assert survey_link_opens(str(line)) == invitation


def test_before_the_end_a_confirmed_registration_has_calendar_join_and_cancel(client):
    registration = RegistrationFactory(webinar=WebinarFactory())
    line = item(client, registration)
    assert line.find("a", href=lambda h: h and h.endswith(".ics")) is not None
    assert join_link_opens(str(line)) == registration
    assert line.find("form") is not None


@pytest.mark.parametrize("status", [S.WAITLISTED, S.CANCELLED])
def test_waitlisted_and_cancelled_registrations_offer_no_calendar(client, status):
    registration = RegistrationFactory(webinar=WebinarFactory(), status=status)
    line = item(client, registration)
    assert line.find("a", href=lambda h: h and h.endswith(".ics")) is None


def test_the_service_refuses_a_cancellation_after_the_end(client):
    registration = RegistrationFactory(webinar=WebinarFactory(starts_at=timezone.now() - dt.timedelta(days=1)))
    with pytest.raises(services.WebinarOver):
        services.registration_cancel(registration=registration)
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED
    # A form posted from an old page is refused with the reason, never a 500.
    url = f"{manage_url(registration)}cancel/{registration.uuid}/"
    response = client.post(url, {"confirm_cancel": "yes"}, follow=True)
    assert response.status_code == 200 and "can no longer be cancelled" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED


def test_cancelling_asks_first_and_a_cancelled_registrant_can_register_again(client):
    webinar = WebinarFactory(capacity=None)
    webinar.series.confirm_email = False
    webinar.series.save()
    client.post(f"/series/{webinar.series.slug}/{webinar.slug}/register/", form_post())
    registration = Registration.objects.get()
    url = f"{manage_url(registration)}cancel/{registration.uuid}/"
    asked = client.post(url)
    assert "Cancel your registration?" in asked.content.decode()
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED
    client.post(url, {"confirm_cancel": "yes"})
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED

    again = item(client, registration).find("a", string="Register again")
    assert again is not None and again["href"] == f"/series/{webinar.series.slug}/{webinar.slug}/register/"
    response = client.post(again["href"], form_post())
    assert response.status_code == 201
    assert Registration.objects.get().status == S.CONFIRMED


def test_join_page_explains_a_missing_meeting_address(client):
    registration = RegistrationFactory(webinar=WebinarFactory(meeting_url=""))
    html = client.get(registration_join_path(registration)).content.decode()
    assert "have not published the meeting address yet" in html


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"status": "cancelled"}, "This webinar has been cancelled"),
        ({"status": "postponed"}, "This webinar has been postponed"),
        ({"starts_at": timezone.now() - dt.timedelta(days=1)}, "This webinar is over"),
    ],
)
def test_join_page_says_why_it_does_not_open_the_meeting(client, change, expected):
    registration = RegistrationFactory(webinar=WebinarFactory(**change))
    response = client.get(registration_join_path(registration))
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_join_page_for_a_pending_registration_asks_to_confirm_the_address(client):
    registration = RegistrationFactory(webinar=WebinarFactory(), status=S.PENDING)
    response = client.get(registration_join_path(registration))
    assert response.status_code == 403
    assert "please confirm your e-mail address" in response.content.decode()


def test_waitlisted_and_unconfirmed_get_one_message_that_explains_both(client):
    webinar = WebinarFactory(capacity=0)
    response = client.post(f"/series/{webinar.series.slug}/{webinar.slug}/register/", form_post())
    html = response.content.decode()
    assert "First, confirm your e-mail address" in html and "waiting list" in html
    assert "We will write to you when a seat frees up" not in html
    [message] = OutgoingMessage.objects.all()
    assert message.kind == "confirm_request"


def test_pending_registration_states_its_deadline_in_the_registrants_zone(client):
    webinar = WebinarFactory(capacity=10)
    response = client.post(f"/series/{webinar.series.slug}/{webinar.slug}/register/?tz=Asia/Yerevan", form_post(time_zone="Asia/Yerevan"))
    registration = Registration.objects.get()
    local = registration.expires_at.astimezone(dt.timezone(dt.timedelta(hours=4)))
    html = response.content.decode()
    assert f"{local:%H:%M} (Yerevan, UTC+4)" in html
    assert local.strftime("%A") in html


def test_registering_again_shows_one_clear_message(client):
    webinar = WebinarFactory(capacity=10)
    url = f"/series/{webinar.series.slug}/{webinar.slug}/register/"
    client.post(url, form_post())
    html = client.post(url, form_post()).content.decode()
    assert html.count("You had already registered") == 1
    assert "Please confirm your e-mail address by" not in html  # not the new-registration message as well
    assert "Status:" in html
