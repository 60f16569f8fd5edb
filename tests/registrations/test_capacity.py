"""Changing a webinar's capacity: the waiting list moves up at once, in order, told by e-mail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import RegistrationFactory, UserFactory, WebinarFactory
from tests.forms import form_data
from webinars.audit.display import describe
from webinars.audit.models import LogEntry
from webinars.core.errors import DomainError
from webinars.mail.models import OutgoingMessage
from webinars.registrations import services
from webinars.registrations.models import Registration

pytestmark = pytest.mark.django_db
S = Registration.Status


@pytest.fixture
def full_webinar(db):
    """Two seats taken; three people waiting (the second one never verified the address)."""
    webinar = WebinarFactory(capacity=2)
    for i in range(2):
        RegistrationFactory(webinar=webinar, email=f"seat-{i}@example.org", email_verified_at=timezone.now())
    start = timezone.now() - dt.timedelta(hours=3)
    waiting = []
    for i, verified in enumerate([True, False, True]):
        registration = RegistrationFactory(
            webinar=webinar, email=f"wait-{i}@example.org", status=S.WAITLISTED, email_verified_at=timezone.now() if verified else None
        )
        Registration.objects.filter(pk=registration.pk).update(created_at=start + dt.timedelta(minutes=i))
        waiting.append(registration)
    return webinar, waiting


def test_raising_the_capacity_promotes_the_waiting_list_in_order_at_once(full_webinar):
    webinar, waiting = full_webinar
    actor = UserFactory()
    promoted = services.webinar_capacity_change(webinar=webinar, capacity=4, actor=actor)
    assert [r.pk for r in promoted] == [waiting[0].pk, waiting[1].pk]
    statuses = {r.email: r.status for r in Registration.objects.filter(webinar=webinar)}
    assert statuses["wait-0@example.org"] == S.CONFIRMED
    assert statuses["wait-1@example.org"] == S.PENDING  # never verified: holds the seat until confirmed
    assert statuses["wait-2@example.org"] == S.WAITLISTED
    for registration in waiting[:2]:
        assert OutgoingMessage.objects.about(registration).filter(kind="promoted").count() == 1
    webinar.refresh_from_db()
    assert webinar.capacity == 4
    entry = LogEntry.objects.get(action="webinar.capacity_changed")
    assert entry.data == {"from": 2, "to": 4} and entry.actor == actor


def test_unlimited_capacity_promotes_everybody_waiting(full_webinar):
    webinar, waiting = full_webinar
    promoted = services.webinar_capacity_change(webinar=webinar, capacity=None)
    assert len(promoted) == 3
    assert not Registration.objects.filter(webinar=webinar, status=S.WAITLISTED).exists()


def test_lowering_the_capacity_takes_no_seat_away(full_webinar):
    webinar, _waiting = full_webinar
    assert services.webinar_capacity_change(webinar=webinar, capacity=1) == []
    assert Registration.objects.filter(webinar=webinar, status=S.CONFIRMED).count() == 2
    assert LogEntry.objects.get(action="webinar.capacity_changed").data == {"from": 2, "to": 1}


def test_the_same_capacity_changes_and_logs_nothing(full_webinar):
    webinar, _waiting = full_webinar
    assert services.webinar_capacity_change(webinar=webinar, capacity=2) == []
    assert not LogEntry.objects.filter(action="webinar.capacity_changed").exists()


def test_a_negative_capacity_is_refused_on_its_field(full_webinar):
    webinar, _waiting = full_webinar
    with pytest.raises(DomainError) as refused:
        services.webinar_capacity_change(webinar=webinar, capacity=-1)
    assert refused.value.field == "capacity"


def test_capacity_edited_in_the_admin_goes_through_the_service(admin_client, full_webinar):
    webinar, waiting = full_webinar
    url = f"/admin/programme/webinar/{webinar.pk}/change/"
    data = form_data(admin_client.get(url).content.decode(), "webinar_form")
    data["capacity"] = "3"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    waiting[0].refresh_from_db()
    assert waiting[0].status == S.CONFIRMED
    assert OutgoingMessage.objects.about(waiting[0]).filter(kind="promoted").count() == 1
    assert LogEntry.objects.get(action="webinar.capacity_changed").data == {"from": 2, "to": 3}


def test_the_activity_log_reads_an_unlimited_capacity_as_a_dash(full_webinar):
    webinar, _waiting = full_webinar
    services.webinar_capacity_change(webinar=webinar, capacity=None)
    assert describe(LogEntry.objects.get(action="webinar.capacity_changed")) == "Capacity changed from 2 to –"
