"""The seat counter: kept by database triggers, read by the seat check under the webinar's lock."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import RegistrationFactory, WebinarFactory
from tests.registrations.conftest import registration_data
from webinars.audit.models import LogEntry
from webinars.mail.models import OutgoingMessage
from webinars.registrations import services
from webinars.registrations.models import Registration, SeatCount
from webinars.registrations.seats import (
    SeatState,
    _sql,
    ensure_seat_counting,
    forget_seat_hints,
    lock_webinars_for_seats,
    needs_exclusive_lock,
    probably_no_seat_to_take,
    remember_seats,
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


def test_each_process_remembers_which_webinars_it_saw_full():
    webinar, unlimited = WebinarFactory(capacity=2), WebinarFactory(capacity=None)
    forget_seat_hints()
    assert not probably_no_seat_to_take([webinar.pk])  # nothing known: ask for the exclusive lock
    remember_seats(webinar, SeatState(held=0, lapsed=False), taken=1)
    assert not probably_no_seat_to_take([webinar.pk])  # one seat left
    remember_seats(webinar, SeatState(held=1, lapsed=False), taken=1)
    assert probably_no_seat_to_take([webinar.pk])  # the last seat went
    remember_seats(unlimited, SeatState(held=7, lapsed=False), taken=1)
    assert probably_no_seat_to_take([webinar.pk, unlimited.pk])
    remember_seats(webinar, SeatState(held=2, lapsed=True), taken=0)  # a hold ran out: a seat may be free
    assert not probably_no_seat_to_take([webinar.pk, unlimited.pk])


def test_only_taking_a_limited_seat_needs_the_exclusive_lock():
    webinar = WebinarFactory(capacity=2)
    assert needs_exclusive_lock(webinar, SeatState(held=1, lapsed=False))
    assert not needs_exclusive_lock(webinar, SeatState(held=2, lapsed=False))  # full: the waiting list
    assert needs_exclusive_lock(webinar, SeatState(held=2, lapsed=True))  # a hold ran out: counted exactly
    webinar.capacity = None
    assert not needs_exclusive_lock(webinar, SeatState(held=500, lapsed=False))


def test_the_lock_reads_seats_address_and_extra_statements_in_one_round_trip_on_postgresql(django_assert_num_queries):
    webinar = WebinarFactory(capacity=2)
    now = timezone.now()
    RegistrationFactory(webinar=webinar, status=S.CONFIRMED, email="known@example.org")
    RegistrationFactory(webinar=webinar, status=S.PENDING, expires_at=now - dt.timedelta(minutes=1))
    other = WebinarFactory(capacity=None)
    webinar.capacity = other.capacity = 99  # stale values in memory: the lock reads them again
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 5):
        locked = lock_webinars_for_seats([other, webinar], now=now, email="known@example.org", extra=[("SELECT %s + 1", [41])])
    assert [w.pk for w in locked.webinars] == sorted([webinar.pk, other.pk])
    assert (webinar.capacity, other.capacity) == (2, None)
    assert locked.seats[webinar.pk] == SeatState(held=2, lapsed=True)
    assert locked.seats[other.pk] == SeatState(held=0, lapsed=False)
    assert locked.address_known
    assert locked.extra == [[(42,)]]
    assert not lock_webinars_for_seats([other], now=now, email="known@example.org").address_known


def _lock_statements(queries) -> list[str]:
    return [q["sql"] for q in queries if "FOR UPDATE" in q["sql"] or "FOR SHARE" in q["sql"]]


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite has no row locks (one writer at a time)")
def test_a_full_webinar_is_joined_under_a_share_lock_and_a_free_seat_under_the_exclusive_one(settings):
    settings.REDIS_URL = ""  # the e-mail allowance is counted in the database: in the lock's round trip
    webinar = WebinarFactory(capacity=1)
    forget_seat_hints()
    with CaptureQueriesContext(connection) as first:
        services.registration_create(webinar_id=webinar.pk, data=registration_data(email="a@example.org"))
    [lock] = _lock_statements(first.captured_queries)
    assert " FOR UPDATE OF" in lock and "core_ratecounter" in lock
    assert not [q for q in first.captured_queries if "core_ratecounter" in q["sql"] and q["sql"] != lock]
    with CaptureQueriesContext(connection) as second:
        result = services.registration_create(webinar_id=webinar.pk, data=registration_data(email="b@example.org"))
    assert result.status == S.WAITLISTED
    assert [" FOR SHARE OF" in sql for sql in _lock_statements(second.captured_queries)] == [True]


def test_a_seat_freed_after_the_process_saw_the_webinar_full_is_taken_under_the_exclusive_lock():
    webinar = WebinarFactory(capacity=1)
    webinar.series.confirm_email = False
    webinar.series.save()
    taken = services.registration_create(webinar_id=webinar.pk, data=registration_data(email="first@example.org"))
    assert probably_no_seat_to_take([webinar.pk])
    Registration.objects.filter(pk=taken.registrations[0].pk).update(status=S.CANCELLED)  # freed behind this process's back
    with CaptureQueriesContext(connection) as queries:
        result = services.registration_create(webinar_id=webinar.pk, data=registration_data(email="late@example.org"))
    assert result.status == S.CONFIRMED
    if connection.vendor == "postgresql":  # tried under the share lock, found a seat, decided again
        assert [" FOR SHARE OF" in sql for sql in _lock_statements(queries.captured_queries)] == [True, False]
    assert probably_no_seat_to_take([webinar.pk])  # it took the last seat


def test_what_registering_reads_is_cached_until_the_programme_or_a_question_changes(django_assert_num_queries):
    from tests.factories import RegistrationQuestionFactory
    from webinars.registrations.selectors import webinar_for_registering

    webinar = WebinarFactory(capacity=5)
    RegistrationQuestionFactory(series=webinar.series)
    first = webinar_for_registering(webinar.pk)
    assert first is not None and len(first.series.registration_questions.all()) == 1
    with django_assert_num_queries(0):  # a burst reads no programme row before the seat lock
        again = webinar_for_registering(webinar.pk)
        assert len(again.series.registration_questions.all()) == 1
    RegistrationQuestionFactory(series=webinar.series)  # an organiser adds a question: the form shows it at once
    assert len(webinar_for_registering(webinar.pk).series.registration_questions.all()) == 2
    webinar.series.is_published = False
    webinar.series.save()
    assert webinar_for_registering(webinar.pk) is None  # no longer public


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="keys reserved from PostgreSQL's sequence")
def test_a_registration_is_two_round_trips_inside_its_transaction_on_postgresql(settings):
    settings.REDIS_URL = ""  # the e-mail allowance is counted in the database: in the lock's round trip
    webinar = WebinarFactory(capacity=5)
    webinar.series.confirm_email = False
    webinar.series.save()
    with CaptureQueriesContext(connection) as queries:
        result = services.registration_create(webinar_id=webinar.pk, data=registration_data(email="two@example.org"))
    # (In a test the transaction is a savepoint: BEGIN and COMMIT in production.)
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    # The lock with the booking, the allowance and the reserved key; then the registration,
    # its activity line and its e-mail row together; then only what other apps do on a new
    # confirmed registrant (the meetings app looks for a Zoom meeting to add them to).
    at = next(n for n, sql in enumerate(statements) if "FOR UPDATE OF" in sql)
    assert all(sql.startswith('SELECT "programme_webinar"') for sql in statements[:at])  # the webinar (cached in production)
    lock, writes, *others = statements[at:]
    assert all(sql.startswith('SELECT "meetings_meeting"') for sql in others), others
    assert "FOR UPDATE OF" in lock and "nextval" in lock and 'INSERT INTO "registrations_booking"' in lock
    assert writes.index('INSERT INTO "registrations_registration"') < writes.index('INSERT INTO "audit_logentry"')
    assert writes.index('INSERT INTO "audit_logentry"') < writes.index('INSERT INTO "mail_outgoingmessage"')
    registration = result.registrations[0]
    stored = Registration.objects.get(pk=registration.pk)
    assert (stored.status, stored.email, stored.booking_id) == (S.CONFIRMED, "two@example.org", result.booking.pk)
    assert stored.search_key == registration.search_key != ""
    assert LogEntry.objects.get(action="registration.created", object_id=registration.pk).data["to_status"] == S.CONFIRMED
    assert OutgoingMessage.objects.get(kind="confirmed", about_id=registration.pk).to_email == "two@example.org"


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the plan of PostgreSQL's planner")
def test_the_address_probe_can_only_use_the_index_of_addresses_whatever_the_statistics_say():
    """When a webinar opens, the statistics know none of its registrations: every index that
    starts with the webinar looked as cheap, and the one picked walked all its registrations."""
    webinar = WebinarFactory(capacity=None)
    RegistrationFactory.create_batch(3, webinar=webinar)
    sql = _sql(connection.vendor, "address_known", 1)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a three-row table would be read whole
        cursor.execute("EXPLAIN " + sql, ["someone@example.org", webinar.pk])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "registration_email_webinar" in plan, plan
    assert "Index Cond: (lower((email)::text)" in plan, plan


def test_the_address_probe_finds_an_address_in_any_case_stored():
    webinar = WebinarFactory(capacity=None)
    RegistrationFactory(webinar=webinar, email="Mixed.Case@Example.org")  # stored before addresses were lowered
    now = timezone.now()
    assert lock_webinars_for_seats([webinar], now=now, email="mixed.case@example.org").address_known
    assert not lock_webinars_for_seats([webinar], now=now, email="other@example.org").address_known
