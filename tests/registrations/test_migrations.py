"""Data migrations of registrations: e-mail rows to the mail app, the free-text history to the activity log."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest

migration = importlib.import_module("webinars.registrations.migrations.0003_outgoing_messages_to_mail")

NOW = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
KINDS = {"registration_type_id": 11, "booking_type_id": 12}


def old_row(**overrides) -> dict:
    row = {
        "id": 501,
        "key": "confirmed:abc",
        "kind": "confirmed",
        "to_email": "dinara@example.org",
        "context": {"hours": 24},
        "status": "failed",
        "attempts": 8,
        "next_attempt_at": None,
        "claimed_at": NOW,
        "last_error": "SMTPServerDisconnected: gone",
        "sent_at": None,
        "created_at": NOW,
        "registration_id": 7,
        "booking_id": 3,
    }
    row.update(overrides)
    return row


def test_a_registrations_message_keeps_its_id_state_and_becomes_about_the_registration():
    row = migration.mail_row(old_row(), registrations={7: (40, 3)}, bookings={3: None}, **KINDS)
    assert row["id"] == 501  # the Message-ID of a resend is derived from it
    assert (row["status"], row["attempts"], row["last_error"], row["context"]) == (
        "failed",
        8,
        "SMTPServerDisconnected: gone",
        {"hours": 24},
    )
    assert (row["about_type_id"], row["about_id"], row["series_id"], row["group"]) == (11, 7, 40, "booking:3")


def test_a_bookings_message_takes_the_series_of_the_booking():
    row = migration.mail_row(old_row(kind="confirm_request", registration_id=None), registrations={}, bookings={3: 41}, **KINDS)
    assert (row["about_type_id"], row["about_id"], row["series_id"], row["group"]) == (12, 3, 41, "booking:3")


def test_a_message_without_its_booking_takes_the_registrations():
    row = migration.mail_row(old_row(booking_id=None), registrations={7: (40, 9)}, bookings={9: 40}, **KINDS)
    assert (row["about_id"], row["series_id"], row["group"]) == (7, 40, "booking:9")


def test_a_message_about_nothing_stays_about_nothing():
    row = migration.mail_row(old_row(registration_id=None, booking_id=None), registrations={}, bookings={}, **KINDS)
    assert (row["about_type_id"], row["about_id"], row["series_id"], row["group"]) == (None, None, None, "")


@pytest.mark.django_db(transaction=True)
def test_existing_rows_move_to_the_mail_app_with_their_ids():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from tests.factories import WebinarFactory

    before = [("registrations", "0002_reach_report_indexes")]
    after = [("registrations", "0004_remove_outgoingmessage")]
    webinar = WebinarFactory()
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        apps = executor.loader.project_state(
            [*before, ("contenttypes", "0002_remove_content_type_name"), ("auth", "0012_alter_user_first_name_max_length")]
        ).apps
        Booking = apps.get_model("registrations", "Booking")
        Registration = apps.get_model("registrations", "Registration")
        Old = apps.get_model("registrations", "OutgoingMessage")
        booking = Booking.objects.create(email="dinara@example.org")
        registration = Registration.objects.create(
            booking=booking, webinar_id=webinar.pk, email="dinara@example.org", name="Dinara", consent_privacy_at=NOW, status="confirmed"
        )
        address = {"to_email": "dinara@example.org"}
        Old.objects.create(id=900, key="confirmed:x", kind="confirmed", registration=registration, booking=booking, **address)
        Old.objects.create(id=901, key="confirm-request:x", kind="confirm_request", booking=booking, status="sent", **address)

        ContentType = apps.get_model("contenttypes", "ContentType")
        Permission = apps.get_model("auth", "Permission")
        old_type = ContentType.objects.get_or_create(app_label="registrations", model="outgoingmessage")[0]
        viewer = apps.get_model("auth", "User").objects.create(username="viewer")
        viewer.user_permissions.add(Permission.objects.create(content_type=old_type, codename="view_outgoingmessage", name="Can view"))

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        from django.contrib.auth.models import User

        from webinars.mail.models import OutgoingMessage
        from webinars.registrations.models import Booking as LiveBooking
        from webinars.registrations.models import Registration as LiveRegistration

        moved = {m.pk: m for m in OutgoingMessage.objects.all()}
        assert sorted(moved) == [900, 901]
        # By type and id: the live Registration model has columns added by later migrations.
        assert (moved[900].about_type.model_class(), moved[900].about_id) == (LiveRegistration, registration.pk)
        assert (moved[901].about_type.model_class(), moved[901].about_id) == (LiveBooking, booking.pk) and moved[901].status == "sent"
        assert {m.series_id for m in moved.values()} == {webinar.series_id}
        assert {m.group for m in moved.values()} == {f"booking:{booking.pk}"}
        assert User.objects.get(username="viewer").has_perm("mail.view_outgoingmessage")  # organisers keep their access
        assert OutgoingMessage.objects.create(key="new", kind="confirmed", to_email="a@example.org").pk > 901  # sequence moved on

        # And back: the messages about registrations and bookings return to the old table.
        MigrationExecutor(connection).migrate(before)
        restored = {row["id"]: row for row in Old.objects.values("id", "registration_id", "booking_id", "status")}
        assert restored == {
            900: {"id": 900, "registration_id": registration.pk, "booking_id": booking.pk, "status": "queued"},
            901: {"id": 901, "registration_id": None, "booking_id": booking.pk, "status": "sent"},
        }
    finally:
        _migrate_to_latest()


def _migrate_to_latest() -> None:
    """The rest of the suite needs the current schema of every app."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_registration_history_moves_to_the_activity_log_with_codes_and_without_notes():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from tests.factories import UserFactory, WebinarFactory

    before = [("registrations", "0004_remove_outgoingmessage"), ("audit", "0001_initial")]
    after = [("registrations", "0006_remove_registrationevent")]
    webinar = WebinarFactory()
    organiser = UserFactory()
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        apps = executor.loader.project_state(before).apps
        Booking = apps.get_model("registrations", "Booking")
        Registration = apps.get_model("registrations", "Registration")
        Event = apps.get_model("registrations", "RegistrationEvent")
        booking = Booking.objects.create(email="nino@example.org")
        registration = Registration.objects.create(
            booking=booking, webinar_id=webinar.pk, email="nino@example.org", name="Nino", consent_privacy_at=NOW, status="cancelled"
        )
        Event.objects.create(registration=registration, action="registered", to_status="confirmed")
        Event.objects.create(
            registration=registration,
            action="cancelled by organiser",
            from_status="confirmed",
            to_status="cancelled",
            actor_id=organiser.pk,
        )
        Event.objects.create(registration=registration, action="attendance linked by organiser", note="Nino Beridze (55 min)")
        Event.objects.create(registration=registration, action="something old")

        MigrationExecutor(connection).migrate(after)
        from webinars.audit.models import LogEntry

        rows = list(LogEntry.objects.order_by("pk").values_list("action", "actor_id", "object_id", "series_id", "webinar_id", "data"))
        assert [row[0] for row in rows] == [
            "registration.created",
            "registration.cancelled_by_organiser",
            "attendance.attendee_linked",
            "registration.something_old",
        ]
        assert rows[1][1:5] == (organiser.pk, registration.pk, webinar.series_id, webinar.pk)
        assert rows[1][5] == {"from_status": "confirmed", "to_status": "cancelled"}
        assert "Nino" not in str(rows)  # the free-text note (a name from a report) is not carried over
    finally:
        _migrate_to_latest()
