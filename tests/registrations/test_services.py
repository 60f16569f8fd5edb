"""Unit tests of the registration services: states, capacity, waitlist, erasure, reminders."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import WebinarFactory
from tests.registrations.conftest import registration_data
from webinars.audit.selectors import log_entries_for
from webinars.mail import services as mail
from webinars.mail.models import OutgoingMessage
from webinars.registrations import services
from webinars.registrations.models import Registration

pytestmark = pytest.mark.django_db
S = Registration.Status


@pytest.fixture
def register(django_capture_on_commit_callbacks):
    """Register as a request does: once the registration commits, its on_commit callbacks (e-mail delivery) run."""

    def call(webinar, **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return services.registration_create(webinar_id=webinar.pk, data=registration_data(**overrides))

    return call


def test_pending_until_email_confirmed_then_confirmed(webinar, register):
    result = register(webinar)
    assert result.created and result.status == S.PENDING
    registration = result.registrations[0]
    assert registration.expires_at > timezone.now()
    assert OutgoingMessage.objects.about(result.booking).filter(kind="confirm_request").count() == 1
    services.booking_confirm_email(booking=result.booking)
    registration.refresh_from_db()
    assert registration.status == S.CONFIRMED and registration.confirmed_at and registration.email_verified_at
    assert OutgoingMessage.objects.about(registration).filter(kind="confirmed").count() == 1
    actions = [(e.action, e.data["to_status"]) for e in log_entries_for(registration)]
    assert actions == [("registration.created", "pending"), ("registration.email_confirmed", "confirmed")]


def test_series_without_double_opt_in_confirms_at_once(open_webinar, register):
    result = register(open_webinar)
    assert result.status == S.CONFIRMED
    assert not OutgoingMessage.objects.filter(kind="confirm_request").exists()


def test_capacity_counts_pending_and_confirmed_then_waitlists_in_order(webinar, register):
    assert register(webinar, email="a@example.org").status == S.PENDING
    assert register(webinar, email="b@example.org").status == S.PENDING
    third = register(webinar, email="c@example.org")
    fourth = register(webinar, email="d@example.org")
    assert third.status == S.WAITLISTED and fourth.status == S.WAITLISTED
    # Unverified addresses: one message each that says "on the waiting list" and "confirm first".
    assert OutgoingMessage.objects.filter(kind="waitlisted").count() == 0
    assert OutgoingMessage.objects.filter(kind="confirm_request").count() == 4


def test_a_verified_waitlisted_registrant_gets_the_waitlisted_message(open_webinar, register):
    open_webinar.capacity = 1
    open_webinar.save()
    register(open_webinar, email="a@example.org")
    second = register(open_webinar, email="b@example.org")
    assert second.status == S.WAITLISTED
    assert OutgoingMessage.objects.about(second.registrations[0]).filter(kind="waitlisted").count() == 1
    assert not OutgoingMessage.objects.filter(kind="confirm_request").exists()


def test_same_email_twice_answers_like_the_first_and_resends_link(webinar, register):
    first = register(webinar, email="Same@Example.org")
    second = register(webinar, email="same@example.org ")
    assert not second.created
    assert second.status == first.status
    assert Registration.objects.filter(webinar=webinar).count() == 1
    assert OutgoingMessage.objects.filter(kind="manage_link").count() == 1


def test_cancel_promotes_first_waitlisted(webinar, register):
    a = register(webinar, email="a@example.org")
    register(webinar, email="b@example.org")
    c = register(webinar, email="c@example.org")
    register(webinar, email="d@example.org")
    services.booking_confirm_email(booking=c.booking)  # c verifies while waiting
    services.registration_cancel(registration=a.registrations[0])
    c_reg = c.registrations[0]
    c_reg.refresh_from_db()
    assert c_reg.status == S.CONFIRMED  # verified address: straight to confirmed
    assert Registration.objects.get(email="d@example.org").status == S.WAITLISTED
    assert OutgoingMessage.objects.about(c_reg).filter(kind="promoted").count() == 1


def test_promoted_unverified_person_gets_a_pending_hold(webinar, register):
    a = register(webinar, email="a@example.org")
    register(webinar, email="b@example.org")
    register(webinar, email="c@example.org")
    services.registration_cancel(registration=a.registrations[0])
    c = Registration.objects.get(email="c@example.org")
    assert c.status == S.PENDING and c.expires_at is not None


def test_expiry_frees_seats_for_the_waiting_list(webinar, register):
    now = timezone.now()
    register(webinar, email="a@example.org")
    register(webinar, email="b@example.org")
    register(webinar, email="c@example.org")
    later = now + dt.timedelta(hours=49)
    assert services.registrations_expire(now=later) == 2
    assert set(Registration.objects.filter(status=S.EXPIRED).values_list("email", flat=True)) == {"a@example.org", "b@example.org"}
    assert Registration.objects.get(email="c@example.org").status == S.PENDING


def test_unlimited_capacity_never_waitlists(open_webinar, register):
    for i in range(30):
        assert register(open_webinar, email=f"p{i}@example.org").status == S.CONFIRMED


def test_closed_past_cancelled_and_draft_webinars_refuse(db, register):
    past = WebinarFactory(starts_at=timezone.now() - dt.timedelta(days=1))
    cancelled = WebinarFactory(status="cancelled")
    draft = WebinarFactory(status="draft")
    closed = WebinarFactory(registration_open=False)
    for webinar in (past, cancelled, draft, closed):
        with pytest.raises(services.RegistrationClosed):
            register(webinar)
    assert not Registration.objects.exists()


def test_series_booking_registers_for_every_upcoming_webinar(webinar):
    series = webinar.series
    second = WebinarFactory(series=series, starts_at=timezone.now() + dt.timedelta(days=10))
    WebinarFactory(series=series, starts_at=timezone.now() - dt.timedelta(days=10))  # past: not booked
    result = services.booking_create_for_series(series=series, data=registration_data())
    assert {r.webinar_id for r in result.registrations} == {webinar.pk, second.pk}
    assert OutgoingMessage.objects.filter(kind="confirm_request").count() == 1  # one confirmation for the booking
    services.booking_confirm_email(booking=result.booking)
    assert set(Registration.objects.values_list("status", flat=True)) == {S.CONFIRMED}


def test_erase_keeps_aggregate_fields_and_drops_identity(open_webinar, register):
    result = register(open_webinar)
    services.booking_erase(booking=result.booking)
    registration = Registration.objects.get()
    assert registration.erased_at is not None
    assert registration.name == "" and registration.organisation == "" and registration.city == ""
    assert "dinara" not in registration.email
    assert registration.country.code == "KZ" and registration.gender == "female" and registration.institution_type == "state"
    assert registration.status == S.CANCELLED  # upcoming registration cancelled
    assert not OutgoingMessage.objects.filter(to_email__icontains="dinara").exists()


def test_join_records_click_and_returns_meeting_only_when_confirmed(webinar, register):
    result = register(webinar)
    registration = result.registrations[0]
    assert services.registration_join(registration=registration) is None  # pending
    services.booking_confirm_email(booking=result.booking)
    registration.refresh_from_db()
    assert services.registration_join(registration=registration) == webinar.meeting_url
    assert services.registration_join(registration=registration) == webinar.meeting_url
    registration.refresh_from_db()
    assert registration.join_count == 2 and registration.join_clicked_at is not None


def test_reminders_due_once_per_offset_and_not_before_confirmation(open_webinar, register):
    starts = timezone.now() + dt.timedelta(hours=30)
    open_webinar.starts_at = starts
    open_webinar.save()
    early = register(open_webinar, email="early@example.org").registrations[0]
    Registration.objects.filter(pk=early.pk).update(confirmed_at=starts - dt.timedelta(days=3))
    assert services.reminders_queue_due(now=starts - dt.timedelta(hours=25)) == 0
    at_23h = starts - dt.timedelta(hours=23)
    assert services.reminders_queue_due(now=at_23h) == 1
    assert services.reminders_queue_due(now=at_23h) == 0  # idempotent
    late = register(open_webinar, email="late@example.org").registrations[0]
    Registration.objects.filter(pk=late.pk).update(confirmed_at=starts - dt.timedelta(hours=5))
    at_50m = starts - dt.timedelta(minutes=50)
    assert services.reminders_queue_due(now=at_50m) == 2  # 1 h reminder for both; no 24 h one for the late registrant
    keys = set(OutgoingMessage.objects.filter(kind="reminder").values_list("key", flat=True))
    assert len(keys) == 3


def test_failed_delivery_is_retried_with_backoff(open_webinar, settings, register):
    settings.EMAIL_BACKEND = "webinars.mail.backends.SMTPBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    register(open_webinar)
    message = OutgoingMessage.objects.get(kind="confirmed")
    assert message.status == OutgoingMessage.Status.QUEUED
    assert message.attempts == 1 and message.next_attempt_at > timezone.now() and message.last_error
    assert Registration.objects.get().status == S.CONFIRMED  # the registration is unaffected
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mail.messages_retry_due() == 0  # not due yet
    OutgoingMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    assert mail.messages_retry_due() == 1
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.SENT


def test_delivering_twice_sends_once(open_webinar, mailoutbox, register):
    register(open_webinar)
    message = OutgoingMessage.objects.get(kind="confirmed")
    assert message.status == OutgoingMessage.Status.SENT
    before = len(mailoutbox)
    assert mail.messages_deliver([message.pk]) == {"sent": 0, "skipped": 1, "failed": 0}
    assert len(mailoutbox) == before
