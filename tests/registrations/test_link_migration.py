"""Join and survey tokens e-mailed before links were signed keep working after the migration,
though only their SHA-256 is kept; queued survey e-mails lose the token in their context."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import WebinarFactory
from tests.security import scan

BEFORE = [("registrations", "0008_seat_counts"), ("feedback", "0001_initial"), ("mail", "0002_claims_and_request_ids")]
AFTER = [("registrations", "0009_signed_links"), ("feedback", "0002_signed_links")]
JOIN = "old-join-token-Q9xq7LmN3pRtVwYz1234567890abcdefABCDEF"
SURVEY = "old-survey-token-Z8yQ2kLmN3pRtVwYz0987654321abcdefGHIJ"


@pytest.mark.django_db(transaction=True)
def test_old_join_and_survey_links_still_open_after_the_migration(client):
    webinar = WebinarFactory(meeting_url="https://meet.example.org/room", starts_at=timezone.now() + dt.timedelta(hours=1))
    past = WebinarFactory(series=webinar.series, starts_at=timezone.now() - dt.timedelta(days=3))
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        apps = executor.loader.project_state(BEFORE).apps
        Booking = apps.get_model("registrations", "Booking")
        Registration = apps.get_model("registrations", "Registration")
        Invitation = apps.get_model("feedback", "FeedbackInvitation")
        Message = apps.get_model("mail", "OutgoingMessage")
        now = timezone.now()
        booking = Booking.objects.create(email="dinara@example.org")
        person = {"booking": booking, "email": "dinara@example.org", "name": "Dinara", "consent_privacy_at": now, "status": "confirmed"}
        upcoming = Registration.objects.create(webinar_id=webinar.pk, join_token=JOIN, **person)
        attended = Registration.objects.create(webinar_id=past.pk, join_token="another-old-token", **person)
        erased = Registration.objects.create(webinar_id=past.pk, join_token=f"erased-{'0' * 32}", **{**person, "email": "x@erased.invalid"})
        Registration.objects.filter(pk=erased.pk).update(erased_at=now)
        Invitation.objects.create(registration=attended, webinar_id=past.pk, token=SURVEY, sent_at=now)
        Message.objects.create(key="feedback:x", kind="feedback_request", to_email="dinara@example.org", context={"token": SURVEY})

        MigrationExecutor(connection).migrate(AFTER)
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

        # Neither token is stored any more, anywhere: only their hashes.
        assert scan.in_database([JOIN, SURVEY]) == []
        from webinars.mail.models import OutgoingMessage
        from webinars.registrations.models import Registration as Live

        assert OutgoingMessage.objects.get(key="feedback:x").context == {}
        assert Live.objects.get(pk=erased.pk).legacy_join_token_hash is None

        # The old join link still opens the meeting, the old survey link the survey.
        response = client.get(f"/j/{JOIN}/")
        assert response.status_code == 302 and response["Location"] == "https://meet.example.org/room"
        assert Live.objects.get(pk=upcoming.pk).join_count == 1
        assert client.get(f"/feedback/{SURVEY}/").status_code == 200
        # A token that was never issued opens nothing.
        assert client.get(f"/j/{JOIN[:-1]}x/").status_code == 404
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_going_back_gives_every_registration_a_new_join_token():
    WebinarFactory()
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([("registrations", "0009_signed_links"), ("feedback", "0002_signed_links")])
        from tests.factories import RegistrationFactory

        RegistrationFactory.create_batch(3)
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        apps = executor.loader.project_state(BEFORE).apps
        tokens = list(apps.get_model("registrations", "Registration").objects.values_list("join_token", flat=True))
        assert len(tokens) == 3 and len(set(tokens)) == 3 and all(len(t) >= 40 for t in tokens)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
