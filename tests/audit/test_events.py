"""Domain events: services announce state changes; other apps follow them, not model saves."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from django.dispatch import Signal
from django.utils import timezone

from tests.factories import WebinarFactory
from tests.registrations.conftest import registration_data
from webinars.programme import signals as programme_signals
from webinars.programme.models import Webinar
from webinars.programme.services import webinar_announce_move, webinar_set_status
from webinars.registrations import services
from webinars.registrations import signals as registration_signals
from webinars.reports.models import ReachWebinar

pytestmark = pytest.mark.django_db


@contextmanager
def caught(signal: Signal):
    received: list[dict] = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    signal.connect(receiver, weak=False, dispatch_uid=f"test-{id(received)}")
    try:
        yield received
    finally:
        signal.disconnect(dispatch_uid=f"test-{id(received)}")


def _register(webinar, **data):
    return services.registration_create(webinar_id=webinar.pk, data=registration_data(**data)).registrations[0]


def test_registration_events_carry_status_change_and_actor():
    webinar = WebinarFactory(capacity=None, starts_at=timezone.now() + dt.timedelta(days=3))
    webinar.series.confirm_email = False
    webinar.series.save()
    with (
        caught(registration_signals.registration_status_changed) as changed,
        caught(registration_signals.registration_confirmed) as confirmed,
    ):
        registration = _register(webinar)
    assert [(e["from_status"], e["to_status"], e["action"]) for e in changed] == [("", "confirmed", "registration.created")]
    assert [e["registration"].pk for e in confirmed] == [registration.pk]
    with caught(registration_signals.registration_cancelled) as cancelled:
        services.registration_cancel(registration=registration, actor=None, by_organiser=True)
        services.registration_cancel(registration=registration)  # already cancelled: nothing happens
    assert len(cancelled) == 1 and cancelled[0]["by_organiser"] is True


def test_details_event_names_only_the_changed_fields():
    webinar = WebinarFactory(starts_at=timezone.now() + dt.timedelta(days=3))
    registration = _register(webinar)
    with caught(registration_signals.registration_details_changed) as changed:
        assert services.registration_update_details(registration=registration, data={"city": "Almaty", "position": "Director"}) == [
            "position"
        ]
        assert services.registration_update_details(registration=registration, data={"position": "Director"}) == []
    assert [e["fields"] for e in changed] == [["position"]]


def test_erasure_event_gives_the_address_it_had():
    webinar = WebinarFactory(starts_at=timezone.now() + dt.timedelta(days=3))
    registration = _register(webinar, email="nino@example.org")
    with caught(registration_signals.registration_erased) as erased:
        services.booking_erase(booking=registration.booking)
    assert [e["email"] for e in erased] == ["nino@example.org"]
    assert erased[0]["registration"].email.endswith("@erased.invalid")


def test_webinar_events():
    webinar = WebinarFactory(status=Webinar.Status.DRAFT)
    with caught(programme_signals.webinar_published) as published, caught(programme_signals.webinar_cancelled) as cancelled:
        webinar_set_status(webinar=webinar, status=Webinar.Status.PUBLISHED)
        webinar_set_status(webinar=webinar, status=Webinar.Status.CANCELLED)
    assert [e["from_status"] for e in published] == ["draft"]
    assert [e["from_status"] for e in cancelled] == ["published"]
    before = webinar.starts_at
    with caught(programme_signals.webinar_moved) as moved:
        webinar_announce_move(webinar=webinar, from_starts_at=before, from_duration_minutes=webinar.duration_minutes)  # unchanged
        webinar.starts_at = before + dt.timedelta(hours=2)
        webinar.save()
        webinar_announce_move(webinar=webinar, from_starts_at=before, from_duration_minutes=webinar.duration_minutes)
    assert [e["from_starts_at"] for e in moved] == [before]


def test_a_plain_model_save_runs_no_cross_app_receiver(django_assert_num_queries):
    """Saving a registration row is one UPDATE: certificates and reports follow events, not saves."""
    webinar = WebinarFactory(starts_at=timezone.now() + dt.timedelta(days=3))
    registration = _register(webinar)
    registration.city = "Gyumri"
    with django_assert_num_queries(1):
        registration.save(update_fields=["city"])


def test_reports_follow_the_events():
    webinar = WebinarFactory(starts_at=timezone.now() + dt.timedelta(days=3))
    registration = _register(webinar)
    ReachWebinar.objects.create(webinar=webinar, version=1, computed_version=1)
    services.registration_cancel(registration=registration)
    assert ReachWebinar.objects.get(webinar=webinar).version == 2
