"""The seat counter: kept by database triggers, read by the seat check under the webinar's lock."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import RegistrationFactory, WebinarFactory
from tests.registrations.conftest import registration_data
from webinars.registrations import services
from webinars.registrations.models import Registration, SeatCount
from webinars.registrations.seats import (
    Outlook,
    SeatState,
    ensure_seat_counting,
    lock_webinars_for_seats,
    needs_exclusive_lock,
    registering_outlook,
    seat_is_free,
)

pytestmark = pytest.mark.django_db
S = Registration.Status


def held(webinar) -> int:
    return SeatCount.objects.filter(webinar_id=webinar.pk).values_list("held", flat=True).first() or 0


def test_every_write_keeps_the_count_even_bulk_and_direct_updates():
    webinar, other = WebinarFactory(capacity=3), WebinarFactory(capacity=3)
    confirmed = RegistrationFactory(webinar=webinar, status=S.CONFIRMED)
    RegistrationFactory(webinar=webinar, status=S.PENDING, expires_at=timezone.now() + dt.timedelta(hours=1))
    waiting = RegistrationFactory(webinar=webinar, status=S.WAITLISTED)
    assert held(webinar) == 2
    Registration.objects.filter(pk=waiting.pk).update(status=S.CONFIRMED)  # no save(), no signal: still counted
    assert held(webinar) == 3
    Registration.objects.filter(pk=confirmed.pk).update(webinar=other)
    assert (held(webinar), held(other)) == (2, 1)
    Registration.objects.filter(pk=confirmed.pk).update(status=S.CANCELLED)
    assert held(other) == 0
    Registration.objects.filter(webinar=webinar).delete()
    assert held(webinar) == 0


def test_the_check_reads_the_counter_and_counts_exactly_only_for_lapsed_holds():
    webinar = WebinarFactory(capacity=2)
    now = timezone.now()
    RegistrationFactory(webinar=webinar, status=S.CONFIRMED)
    assert seat_is_free(webinar, now=now)
    lapsed = RegistrationFactory(webinar=webinar, status=S.PENDING, expires_at=now - dt.timedelta(minutes=1))
    assert held(webinar) == 2  # the expiry job has not run: the counter still counts it
    assert seat_is_free(webinar, now=now)  # but the seat is free: counted exactly
    Registration.objects.filter(pk=lapsed.pk).update(expires_at=now + dt.timedelta(hours=1))
    assert not seat_is_free(webinar, now=now)
    assert seat_is_free(WebinarFactory(capacity=None), now=now)


def test_recount_after_migrate_repairs_a_wrong_count():
    webinar = WebinarFactory(capacity=5)
    RegistrationFactory.create_batch(2, webinar=webinar, status=S.CONFIRMED)
    SeatCount.objects.filter(webinar_id=webinar.pk).update(held=40)
    ensure_seat_counting()
    assert held(webinar) == 2
    RegistrationFactory(webinar=webinar, status=S.CONFIRMED)  # the triggers are still there after being made again
    assert held(webinar) == 3


def test_the_seat_check_reads_one_counter_and_counts_only_when_full_with_lapsed_holds(django_assert_num_queries):
    webinar = WebinarFactory(capacity=2)
    now = timezone.now()
    RegistrationFactory(webinar=webinar, status=S.CONFIRMED)
    with django_assert_num_queries(1):  # a free seat: the counter alone
        assert seat_is_free(webinar, now=now)
    RegistrationFactory(webinar=webinar, status=S.CONFIRMED)
    with django_assert_num_queries(2):  # full, no lapsed hold: counter + one EXISTS
        assert not seat_is_free(webinar, now=now)
    lapsed = RegistrationFactory(webinar=webinar, status=S.PENDING, expires_at=now - dt.timedelta(minutes=1))
    assert held(webinar) == 3  # the counter still counts the lapsed hold (the expiry job has not run)
    lapsed.delete()
    webinar.capacity = 3
    RegistrationFactory(webinar=webinar, status=S.PENDING, expires_at=now - dt.timedelta(minutes=1))
    with django_assert_num_queries(3):  # full by the counter with a lapsed hold: counted exactly, a seat is free
        assert seat_is_free(webinar, now=now)


def test_the_outlook_tells_a_new_address_and_whether_a_limited_seat_is_free():
    webinar, unlimited = WebinarFactory(capacity=1), WebinarFactory(capacity=None)
    outlook = registering_outlook([webinar.pk], "new@example.org")
    assert (outlook.address_known, outlook.seat_to_take) == (False, True)
    RegistrationFactory(webinar=webinar, email="known@example.org", status=S.CONFIRMED)
    outlook = registering_outlook([webinar.pk], "known@example.org")
    assert (outlook.address_known, outlook.seat_to_take) == (True, False)  # the one seat is taken
    assert registering_outlook([unlimited.pk], "known@example.org").seat_to_take is False  # nothing limited to take
    assert registering_outlook([unlimited.pk, webinar.pk], "known@example.org").address_known is True
    RegistrationFactory(webinar=webinar, status=S.CANCELLED)
    assert registering_outlook([webinar.pk], "x@example.org").seat_to_take is False


def test_only_taking_a_limited_seat_needs_the_exclusive_lock():
    webinar = WebinarFactory(capacity=2)
    assert needs_exclusive_lock(webinar, SeatState(held=1, lapsed=False))
    assert not needs_exclusive_lock(webinar, SeatState(held=2, lapsed=False))  # full: the waiting list
    assert needs_exclusive_lock(webinar, SeatState(held=2, lapsed=True))  # a hold ran out: counted exactly
    webinar.capacity = None
    assert not needs_exclusive_lock(webinar, SeatState(held=500, lapsed=False))


def test_the_lock_reads_the_seats_in_one_round_trip_on_postgresql(django_assert_num_queries):
    webinar = WebinarFactory(capacity=2)
    now = timezone.now()
    RegistrationFactory(webinar=webinar, status=S.CONFIRMED)
    RegistrationFactory(webinar=webinar, status=S.PENDING, expires_at=now - dt.timedelta(minutes=1))
    other = WebinarFactory(capacity=None)
    webinar.capacity = other.capacity = 99  # stale values in memory: the lock reads them again
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 3):
        locked, seats = lock_webinars_for_seats([other, webinar], now=now)
    assert [w.pk for w in locked] == sorted([webinar.pk, other.pk])
    assert (webinar.capacity, other.capacity) == (2, None)
    assert seats[webinar.pk] == SeatState(held=2, lapsed=True)
    assert seats[other.pk] == SeatState(held=0, lapsed=False)


def _lock_statements(queries) -> list[str]:
    return [q["sql"] for q in queries if "FOR UPDATE" in q["sql"] or "FOR SHARE" in q["sql"]]


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite has no row locks (one writer at a time)")
def test_a_full_webinar_is_joined_under_a_share_lock_and_a_free_seat_under_the_exclusive_one():
    webinar = WebinarFactory(capacity=1)
    with CaptureQueriesContext(connection) as first:
        services.registration_create(webinar_id=webinar.pk, data=registration_data(email="a@example.org"))
    assert [" FOR UPDATE OF" in sql for sql in _lock_statements(first.captured_queries)] == [True]
    with CaptureQueriesContext(connection) as second:
        result = services.registration_create(webinar_id=webinar.pk, data=registration_data(email="b@example.org"))
    assert result.status == S.WAITLISTED
    assert [" FOR SHARE OF" in sql for sql in _lock_statements(second.captured_queries)] == [True]


def test_a_seat_freed_after_the_outlook_is_taken_under_the_exclusive_lock(monkeypatch):
    webinar = WebinarFactory(capacity=1)
    webinar.series.confirm_email = False
    webinar.series.save()
    taken = RegistrationFactory(webinar=webinar, status=S.CONFIRMED)
    full_when_read = registering_outlook([webinar.pk], "late@example.org")
    assert full_when_read == Outlook(address_known=False, seat_to_take=False)
    monkeypatch.setattr(services, "registering_outlook", lambda ids, email: full_when_read)
    Registration.objects.filter(pk=taken.pk).update(status=S.CANCELLED)  # the seat is freed after the outlook said full
    with CaptureQueriesContext(connection) as queries:
        result = services.registration_create(webinar_id=webinar.pk, data=registration_data(email="late@example.org"))
    assert result.status == S.CONFIRMED
    if connection.vendor == "postgresql":  # tried under the share lock, found a seat, decided again
        assert [" FOR SHARE OF" in sql for sql in _lock_statements(queries.captured_queries)] == [True, False]
