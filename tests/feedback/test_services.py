"""Queueing the feedback requests after a webinar: when, to whom, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from tests.factories import RegistrationFactory, WebinarFactory
from tests.links import survey_link_opens
from webinars.core.signals import periodic_tasks_run
from webinars.feedback import services
from webinars.feedback.models import FeedbackInvitation
from webinars.mail.models import OutgoingMessage
from webinars.mail.rendering import render
from webinars.programme.models import Webinar

from .conftest import S, attendance, ended_webinar

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


def invited_emails() -> set[str]:
    return set(FeedbackInvitation.objects.values_list("registration__email", flat=True))


@pytest.mark.parametrize(
    ("ago", "due"),
    [
        (dt.timedelta(minutes=-30), False),  # still running
        (dt.timedelta(minutes=59), False),
        (dt.timedelta(hours=1), True),
        (dt.timedelta(days=3), True),
        (dt.timedelta(days=13, hours=23), True),
        (dt.timedelta(days=14), False),
        (dt.timedelta(days=30), False),
    ],
)
def test_requests_go_out_from_one_hour_until_fourteen_days_after_the_end(ago, due):
    webinar = ended_webinar(ago=ago, now=NOW)
    RegistrationFactory(webinar=webinar, email="a@example.org")
    assert services.feedback_requests_queue_due(now=NOW) == (1 if due else 0)
    assert OutgoingMessage.objects.filter(kind="feedback_request").count() == (1 if due else 0)


def test_only_confirmed_and_not_erased_registrants_are_invited():
    webinar = ended_webinar(ago=dt.timedelta(hours=2), now=NOW)
    RegistrationFactory(webinar=webinar, email="confirmed@example.org")
    RegistrationFactory(webinar=webinar, email="pending@example.org", status=S.PENDING)
    RegistrationFactory(webinar=webinar, email="waiting@example.org", status=S.WAITLISTED)
    RegistrationFactory(webinar=webinar, email="cancelled@example.org", status=S.CANCELLED)
    RegistrationFactory(webinar=webinar, email="expired@example.org", status=S.EXPIRED)
    RegistrationFactory(webinar=webinar, email="erased@example.org", erased_at=NOW)
    assert services.feedback_requests_queue_due(now=NOW) == 1
    assert invited_emails() == {"confirmed@example.org"}


def test_without_attendance_data_every_confirmed_registrant_is_invited():
    webinar = ended_webinar(ago=dt.timedelta(hours=2), now=NOW)
    for n in range(3):
        RegistrationFactory(webinar=webinar, email=f"p{n}@example.org")
    assert services.feedback_requests_queue_due(now=NOW) == 3


def test_with_attendance_data_only_those_who_attended_are_invited():
    webinar = ended_webinar(ago=dt.timedelta(hours=2), now=NOW)
    came = RegistrationFactory(webinar=webinar, email="came@example.org")
    RegistrationFactory(webinar=webinar, email="absent@example.org")
    cancelled_but_came = RegistrationFactory(webinar=webinar, email="cancelled@example.org", status=S.CANCELLED)
    attendance(webinar, came, cancelled_but_came)
    assert services.feedback_requests_queue_due(now=NOW) == 1
    assert invited_emails() == {"came@example.org"}


def test_a_replaced_import_is_not_attendance_data():
    webinar = ended_webinar(ago=dt.timedelta(hours=2), now=NOW)
    came = RegistrationFactory(webinar=webinar, email="came@example.org")
    RegistrationFactory(webinar=webinar, email="absent@example.org")
    attendance(webinar, came, replaced=True)
    assert services.feedback_requests_queue_due(now=NOW) == 2


def test_the_current_import_counts_not_the_replaced_one():
    webinar = ended_webinar(ago=dt.timedelta(hours=2), now=NOW)
    first = RegistrationFactory(webinar=webinar, email="first@example.org")
    second = RegistrationFactory(webinar=webinar, email="second@example.org")
    attendance(webinar, first, replaced=True)
    attendance(webinar, second)
    services.feedback_requests_queue_due(now=NOW)
    assert invited_emails() == {"second@example.org"}


def test_attendance_of_another_webinar_does_not_count():
    webinar = ended_webinar(ago=dt.timedelta(hours=2), now=NOW)
    other = ended_webinar(ago=dt.timedelta(hours=2), now=NOW)
    RegistrationFactory(webinar=webinar, email="a@example.org")
    attendance(other, RegistrationFactory(webinar=other, email="b@example.org"))
    services.feedback_requests_queue_due(now=NOW)
    assert invited_emails() == {"b@example.org", "a@example.org"}


def test_queueing_is_idempotent():
    webinar = ended_webinar(ago=dt.timedelta(hours=2), now=NOW)
    registrations = [RegistrationFactory(webinar=webinar, email=f"p{n}@example.org") for n in range(2)]
    assert services.feedback_requests_queue_due(now=NOW) == 2
    assert services.feedback_requests_queue_due(now=NOW) == 0
    assert services.feedback_requests_queue_due(now=NOW + dt.timedelta(days=1)) == 0
    assert FeedbackInvitation.objects.count() == 2
    messages = OutgoingMessage.objects.filter(kind="feedback_request")
    assert sorted(messages.values_list("key", flat=True)) == sorted(f"feedback:{r.uuid}" for r in registrations)
    for message in messages:
        invitation = FeedbackInvitation.objects.get(registration=message.about)
        assert message.context == {}  # no token: the survey link is signed when the e-mail is rendered
        assert invitation.sent_at == NOW and invitation.answered_at is None


def test_a_message_queued_earlier_is_not_queued_twice():
    """Even if an invitation were lost, the idempotency key keeps the e-mail single."""
    webinar = ended_webinar(ago=dt.timedelta(hours=2), now=NOW)
    registration = RegistrationFactory(webinar=webinar, email="a@example.org")
    services.feedback_requests_queue_due(now=NOW)
    FeedbackInvitation.objects.all().delete()
    assert services.feedback_requests_queue_due(now=NOW) == 1  # a new invitation ...
    assert OutgoingMessage.objects.about(registration).filter(kind="feedback_request").count() == 1  # ... but no second e-mail


@pytest.mark.parametrize("status", [Webinar.Status.CANCELLED, Webinar.Status.DRAFT, Webinar.Status.POSTPONED])
def test_no_requests_for_webinars_that_are_not_published(status):
    webinar = ended_webinar(ago=dt.timedelta(hours=2), now=NOW, status=status)
    RegistrationFactory(webinar=webinar, email="a@example.org")
    assert services.feedback_requests_queue_due(now=NOW) == 0
    assert not FeedbackInvitation.objects.exists()


def test_no_requests_for_webinars_whose_time_was_never_announced():
    webinar = WebinarFactory(starts_at=None, start_date=(NOW - dt.timedelta(days=3)).date())
    assert webinar.ends_at < NOW - dt.timedelta(days=1)
    RegistrationFactory(webinar=webinar, email="a@example.org")
    assert services.feedback_requests_queue_due(now=NOW) == 0


def test_the_worker_runs_the_feedback_job():
    webinar = ended_webinar(ago=dt.timedelta(hours=2), now=NOW)
    RegistrationFactory(webinar=webinar, email="a@example.org")
    assert periodic_tasks_run(now=NOW)["feedback_requests"] == 1
    assert periodic_tasks_run(now=NOW)["feedback_requests"] == 0


# --- the e-mail ---------------------------------------------------------------------------


def _feedback_message(language: str) -> tuple[OutgoingMessage, FeedbackInvitation]:
    webinar = ended_webinar(ago=dt.timedelta(hours=2), now=NOW)
    registration = RegistrationFactory(webinar=webinar, email=f"{language}@example.org", language=language)
    services.feedback_requests_queue_due(now=NOW)
    return OutgoingMessage.objects.about(registration).get(), FeedbackInvitation.objects.get(registration=registration)


def test_the_email_links_to_the_survey():
    message, invitation = _feedback_message("en")
    email = render(message)
    html = email.alternatives[0][0]
    assert survey_link_opens(email.body) == invitation
    assert survey_link_opens(html) == invitation
    assert f'href="{settings.SITE_URL}/feedback/' in html
    assert email.subject == f"Your feedback on the webinar: {message.about.webinar.title.data['en']}"
    assert "Other participants never see your answers" in email.body
    assert "/r/" in email.body  # the usual footer with the self-service link


def test_the_email_is_in_the_registrants_language():
    message, invitation = _feedback_message("ru")
    email = render(message)
    title = message.about.webinar.title.data["ru"]
    assert email.subject == f"Ваш отзыв о вебинаре: {title}"
    assert "Ваша персональная ссылка на опрос:" in email.body
    assert survey_link_opens(email.body) == invitation and f"{settings.SITE_URL}/feedback/" in email.body
    assert "Your personal survey link" not in email.body


def test_the_email_is_delivered(django_capture_on_commit_callbacks):
    webinar = ended_webinar(ago=dt.timedelta(hours=2), now=NOW)
    RegistrationFactory(webinar=webinar, email="a@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_requests_queue_due(now=NOW)
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert survey_link_opens(mail.outbox[0].body) == FeedbackInvitation.objects.get()
    assert OutgoingMessage.objects.get(kind="feedback_request").status == OutgoingMessage.Status.SENT
