"""The seat counter: kept by database triggers, read by the seat check under the webinar's lock."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import RegistrationFactory, WebinarFactory
from webinars.registrations.models import Registration, SeatCount
from webinars.registrations.seats import ensure_seat_counting, seat_is_free

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
