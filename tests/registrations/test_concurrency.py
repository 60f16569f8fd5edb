"""Many threads racing for the last seats, on whichever database the suite runs on.

Each thread has its own database connection, so the race is real on SQLite (a file,
WAL, IMMEDIATE transactions) and on PostgreSQL (row lock on the webinar).
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from tests.factories import WebinarFactory
from tests.registrations.conftest import registration_data
from webinars.registrations import services
from webinars.registrations.models import Registration

# Real commits: each thread has its own connection and sees only what the others committed.
pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 12
ATTEMPTS = 60
CAPACITY = 20


def _race(webinar_id: int, emails: list[str]) -> list[str]:
    barrier = threading.Barrier(THREADS)

    def attempt(email: str) -> str:
        close_old_connections()
        try:
            if emails.index(email) < THREADS:
                barrier.wait(timeout=10)
            return services.registration_create(webinar_id=webinar_id, data=registration_data(email=email)).status
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(attempt, emails))


def _cancel_in_thread(result) -> None:
    close_old_connections()
    try:
        services.registration_cancel(registration=result.registrations[0])
    finally:
        connection.close()


def _register_in_thread(webinar_id: int, email: str) -> str:
    close_old_connections()
    try:
        return services.registration_create(webinar_id=webinar_id, data=registration_data(email=email)).status
    finally:
        connection.close()


def test_never_oversells_and_keeps_waitlist_order(db):
    webinar = WebinarFactory(capacity=CAPACITY, starts_at=timezone.now() + timezone.timedelta(days=2))
    webinar.series.confirm_email = False
    webinar.series.save()
    emails = [f"person{i}@example.org" for i in range(ATTEMPTS)]
    statuses = _race(webinar.pk, emails)
    assert statuses.count("confirmed") == CAPACITY
    assert statuses.count("waitlisted") == ATTEMPTS - CAPACITY
    stored = Registration.objects.filter(webinar=webinar)
    assert stored.count() == ATTEMPTS  # nobody lost, nobody twice
    assert stored.filter(status="confirmed").count() == CAPACITY
    # First come, first served: everyone seated was decided (and stored) before anyone waiting.
    seated = stored.filter(status="confirmed")
    waiting_rows = stored.filter(status="waitlisted")
    assert max(seated.values_list("id", flat=True)) < min(waiting_rows.values_list("id", flat=True))
    assert max(seated.values_list("created_at", flat=True)) <= min(waiting_rows.values_list("created_at", flat=True))
    if not connection.features.has_select_for_update:
        # One writer at a time (SQLite): the waiting list is also in the order rows were stored.
        # On PostgreSQL registrants of a full webinar join it side by side (a share lock).
        waiting = list(waiting_rows.order_by("created_at", "id").values_list("id", flat=True))
        assert waiting == sorted(waiting)


def test_same_email_racing_makes_one_row(db):
    webinar = WebinarFactory(capacity=5, starts_at=timezone.now() + timezone.timedelta(days=2))
    statuses = _race(webinar.pk, ["same@example.org"] * THREADS)
    assert Registration.objects.filter(webinar=webinar).count() == 1
    assert set(statuses) == {"pending"}


def test_cancellations_racing_with_registrations_keep_capacity(db):
    webinar = WebinarFactory(capacity=5, starts_at=timezone.now() + timezone.timedelta(days=2))
    webinar.series.confirm_email = False
    webinar.series.save()
    first = [services.registration_create(webinar_id=webinar.pk, data=registration_data(email=f"f{i}@example.org")) for i in range(5)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        jobs = [pool.submit(_cancel_in_thread, r) for r in first[:3]]
        jobs += [pool.submit(_register_in_thread, webinar.pk, f"n{i}@example.org") for i in range(10)]
        for job in jobs:
            job.result()
    assert Registration.objects.filter(webinar=webinar, status="confirmed").count() == 5
    # 15 registered, 3 cancelled, 5 seated: the other 7 wait.
    assert Registration.objects.filter(webinar=webinar, status="waitlisted").count() == 15 - 3 - 5


def test_a_full_webinar_waitlists_side_by_side_and_a_freed_seat_is_still_taken(db):
    """Past the last seat, registrations race under a share lock; cancellations racing with them
    (exclusive lock) promote from a waiting list that includes every committed registrant."""
    webinar = WebinarFactory(capacity=3, starts_at=timezone.now() + timezone.timedelta(days=2))
    webinar.series.confirm_email = False
    webinar.series.save()
    seated = [services.registration_create(webinar_id=webinar.pk, data=registration_data(email=f"s{i}@example.org")) for i in range(3)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        jobs = [pool.submit(_register_in_thread, webinar.pk, f"w{i}@example.org") for i in range(12)]
        jobs += [pool.submit(_cancel_in_thread, r) for r in seated[:2]]
        for job in jobs:
            job.result()
    stored = Registration.objects.filter(webinar=webinar)
    assert stored.filter(status="confirmed").count() == 3  # the two freed seats went to waiting registrants
    assert stored.filter(status="waitlisted").count() == 15 - 2 - 3
    assert stored.count() == 15
