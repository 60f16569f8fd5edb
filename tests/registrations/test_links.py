"""Personal links (self-service, confirmation, join, survey): signed when rendered, never stored;
they expire, can be revoked, and a registrant can ask for fresh ones by e-mail without the page
telling anyone whether an address is registered."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail, signing
from django.test import override_settings
from django.utils import timezone

from tests.factories import FeedbackInvitationFactory, RegistrationFactory, WebinarFactory
from tests.links import join_link_opens, manage_link_opens, survey_link_opens, tokens_in
from tests.registrations.conftest import form_post
from tests.security import scan
from webinars.core import links
from webinars.feedback import services as feedback_services
from webinars.feedback.models import FeedbackInvitation
from webinars.feedback.selectors import survey_token
from webinars.mail.models import OutgoingMessage
from webinars.registrations import services
from webinars.registrations.models import Booking, Registration
from webinars.registrations.selectors import booking_by_manage_token, booking_manage_token, registration_join_token

pytestmark = pytest.mark.django_db
YEAR_AGO = dt.timedelta(days=400)


def test_no_link_of_a_registration_is_stored_anywhere(committing_client, webinar):
    """Register with double opt-in, confirm by the e-mailed link, get the confirmation: every
    token the e-mails carry works, and no text column of any table holds one (nor its signature)."""
    assert committing_client.post(f"/series/{webinar.series.slug}/{webinar.slug}/register/", form_post()).status_code == 201
    confirm_tokens = tokens_in(mail.outbox[0].body, "/r/confirm/")
    assert len(confirm_tokens) == 1
    response = committing_client.post(f"/r/confirm/{confirm_tokens[0]}/")
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    confirmed = mail.outbox[-1]
    assert join_link_opens(confirmed.body) == registration
    assert manage_link_opens(confirmed.body) == registration.booking
    html = confirmed.alternatives[0][0]
    assert join_link_opens(html) == registration

    every = [*confirm_tokens, *(t for m in mail.outbox for t in tokens_in(m.body, "/r/") + tokens_in(m.body, "/j/"))]
    pieces = {piece for token in every for piece in (token, *token.split(":")) if len(piece) > 8}
    assert len(every) >= 4 and scan.in_database(sorted(pieces)) == []
    assert all(m.context == {} for m in OutgoingMessage.objects.all())


def test_no_survey_link_is_stored_anywhere(django_capture_on_commit_callbacks):
    webinar = WebinarFactory(starts_at=timezone.now() - dt.timedelta(hours=5))
    registration = RegistrationFactory(webinar=webinar)
    with django_capture_on_commit_callbacks(execute=True):
        assert feedback_services.feedback_requests_queue_due() == 1
    invitation = survey_link_opens(mail.outbox[0].body)
    assert invitation == FeedbackInvitation.objects.get(registration=registration)
    token = tokens_in(mail.outbox[0].body, "/feedback/")[0]
    assert scan.in_database([token, token.split(":")[-1]]) == []


def test_a_link_expires_months_after_the_webinar_and_a_fresh_one_works(client):
    webinar = WebinarFactory(starts_at=timezone.now() - YEAR_AGO)  # 12 months is the default
    registration = RegistrationFactory(webinar=webinar)
    sent_before = webinar.starts_at - dt.timedelta(days=2)
    old = booking_manage_token(registration.booking, issued_at=sent_before)
    response = client.get(f"/r/{old}/")
    assert response.status_code == 410
    page = response.content.decode()
    assert "This link has expired" in page and 'action="/r/"' in page and 'name="email"' in page
    assert registration.name not in page and registration.email not in page
    for path in (f"/r/{old}/data.json",):
        assert client.get(path).status_code == 410
    assert client.post(f"/r/{old}/erase/", {"confirm_erase": "yes"}).status_code == 410
    assert Registration.objects.get().erased_at is None
    # The same kind of link made today (as a re-request makes it) works for another 12 months.
    assert client.get(f"/r/{booking_manage_token(registration.booking)}/").status_code == 200
    # Join links follow the same rule.
    assert client.get(f"/j/{registration_join_token(registration, issued_at=sent_before)}/").status_code == 410


def test_the_series_sets_how_long_links_work(client):
    webinar = WebinarFactory(starts_at=timezone.now() - YEAR_AGO)
    webinar.series.link_months = 24
    webinar.series.save()
    registration = RegistrationFactory(webinar=webinar)
    old = booking_manage_token(registration.booking, issued_at=webinar.starts_at - dt.timedelta(days=2))
    assert client.get(f"/r/{old}/").status_code == 200
    assert links.link_expires_at(issued_at=webinar.starts_at, ends_at=webinar.ends_at, months=24) > timezone.now()


def test_a_survey_link_expires_like_the_others(client):
    webinar = WebinarFactory(starts_at=timezone.now() - YEAR_AGO)
    invitation = FeedbackInvitationFactory(registration=RegistrationFactory(webinar=webinar))
    old = survey_token(invitation.registration, issued_at=webinar.ends_at)
    assert client.get(f"/feedback/{old}/").status_code == 410
    assert client.get(f"/feedback/{survey_token(invitation.registration)}/").status_code == 200


def test_links_of_the_first_format_still_work_until_they_expire(client):
    """Self-service and confirmation links e-mailed before this change were ``signing.dumps`` of the uuid."""
    registration = RegistrationFactory(webinar=WebinarFactory())
    old = signing.dumps(str(registration.booking.uuid), salt="registrations.manage", compress=True)
    assert client.get(f"/r/{old}/").status_code == 200
    confirm = signing.dumps(str(registration.booking.uuid), salt="registrations.confirm", compress=True)
    assert client.get(f"/r/confirm/{confirm}/").status_code == 200
    # A manage token is not a confirm token, nor the reverse.
    assert client.get(f"/r/confirm/{old}/").status_code == 404
    assert client.get(f"/r/{confirm}/").status_code == 404


def test_erasure_revokes_the_join_and_survey_links(client):
    webinar = WebinarFactory(starts_at=timezone.now() - dt.timedelta(days=1))
    registration = RegistrationFactory(webinar=webinar)
    invitation = FeedbackInvitationFactory(registration=registration)
    join, survey = registration_join_token(registration), survey_token(registration)
    assert client.get(f"/feedback/{survey}/").status_code == 200
    services.booking_erase(booking=registration.booking)
    assert client.get(f"/j/{join}/").status_code == 404
    assert client.get(f"/feedback/{survey}/").status_code == 404
    assert FeedbackInvitation.objects.filter(pk=invitation.pk).exists()


def test_a_forged_or_changed_token_opens_nothing(client):
    registration = RegistrationFactory(webinar=WebinarFactory())
    token = booking_manage_token(registration.booking)
    value, stamp, signature = token.split(":")
    other = RegistrationFactory(webinar=registration.webinar, email="other@example.org")
    forged = f"{booking_manage_token(other.booking).split(':')[0]}:{stamp}:{signature}"
    changed = signature[:-1] + ("B" if signature.endswith("A") else "A")
    for bad in (forged, f"{value}:{stamp}:{changed}", f"{value}:{signing.b62_encode(int(timezone.now().timestamp()) + 9)}:{signature}"):
        assert client.get(f"/r/{bad}/").status_code == 404
    # A token for another purpose (join) does not open the self-service page.
    assert client.get(f"/r/{registration_join_token(registration)}/").status_code == 404


def _normalised(response) -> str:
    """The page without what differs on every request anyway (CSRF token, CSP nonce)."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def test_fresh_links_answer_the_same_for_a_registered_and_an_unknown_address(committing_client):
    registration = RegistrationFactory(webinar=WebinarFactory(), email="dinara@example.org")
    second = RegistrationFactory(webinar=WebinarFactory(series=registration.webinar.series), email="dinara@example.org")
    mail.outbox.clear()
    known = committing_client.post("/r/", {"email": "Dinara@Example.org"})
    unknown = committing_client.post("/r/", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert _normalised(known) == _normalised(unknown)
    assert "no-store" in known["Cache-Control"]
    assert "If this address has registrations with us" in known.content.decode()

    # Only the registered address gets an e-mail: one, with a working link to each booking.
    assert [m.to for m in mail.outbox] == [["dinara@example.org"]]
    body = mail.outbox[0].body
    opened = {Booking.objects.get(pk=b.pk) for b in (registration.booking, second.booking)}
    found = {booking_by_manage_token(t) for t in tokens_in(body, "/r/")}
    assert found == opened
    assert OutgoingMessage.objects.get().kind == "fresh_links"


def test_an_erased_address_gets_nothing():
    registration = RegistrationFactory(webinar=WebinarFactory(), email="dinara@example.org")
    services.booking_erase(booking=registration.booking)
    assert services.booking_links_send(email="dinara@example.org") == 0


def test_the_request_form_refuses_a_malformed_address(client):
    response = client.post("/r/", {"email": "not an address"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert client.get("/r/").status_code == 200


@override_settings(LINK_REQUESTS_PER_ADDRESS_PER_HOUR=2, LINK_REQUESTS_PER_CLIENT_PER_HOUR=100)
def test_an_address_gets_at_most_n_fresh_link_mails_an_hour_whatever_the_client(committing_client):
    RegistrationFactory(webinar=WebinarFactory(), email="dinara@example.org")
    mail.outbox.clear()
    answers = [committing_client.post("/r/", {"email": "dinara@example.org"}, REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(4)]
    assert answers == [200, 200, 200, 200]  # the answer never changes...
    assert len(mail.outbox) == 2  # ...but only two e-mails went out


@override_settings(LINK_REQUESTS_PER_CLIENT_PER_HOUR=3, LINK_REQUESTS_PER_ADDRESS_PER_HOUR=100)
def test_a_client_is_limited_whatever_the_addresses(committing_client):
    answers = [committing_client.post("/r/", {"email": f"p{n}@example.org"}).status_code for n in range(4)]
    assert answers == [200, 200, 200, 429]
    other = committing_client.post("/r/", {"email": "p9@example.org"}, REMOTE_ADDR="203.0.113.7")
    assert other.status_code == 200


def test_the_address_is_kept_only_until_the_background_task_reads_it(django_capture_on_commit_callbacks):
    """The task queue's row holds a random key; the address waits in the shared cache and is removed when read."""
    from django.core.cache import caches

    from webinars.registrations import link_requests

    RegistrationFactory(webinar=WebinarFactory(), email="dinara@example.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        key = link_requests.fresh_links_request(email="dinara@example.org")
    assert key and "dinara" not in key
    assert caches["shared"].get(link_requests.PREFIX + key) == "dinara@example.org"
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert caches["shared"].get(link_requests.PREFIX + key) is None
    assert len(mail.outbox) == 1
    assert link_requests.fresh_links_send.call(key) == 0  # once only


def test_the_join_link_of_the_self_service_page_opens_the_meeting(client):
    registration = RegistrationFactory(webinar=WebinarFactory(meeting_url="https://meet.example.org/r1"))
    page = client.get(f"/r/{booking_manage_token(registration.booking)}/").content.decode()
    join = tokens_in(page, "/j/")
    assert len(join) == 1
    response = client.get(f"/j/{join[0]}/")
    assert response.status_code == 302 and response["Location"] == "https://meet.example.org/r1"
