"""Fixed-window rate limits: counted together by every process, in Redis or in the database."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from webinars.core import ratelimit
from webinars.core.models import RateCounter
from webinars.core.signals import periodic_task


@pytest.fixture
def frozen_time(monkeypatch):
    """Hold one window (a real clock could cross a window's edge half-way through a test)."""
    moment = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: moment[0])
    return moment


@pytest.fixture(params=["database", "cache"])
def store(request, settings):
    """Both stores: the database table (no REDIS_URL) and the shared cache (with REDIS_URL)."""
    if request.param == "database":
        settings.REDIS_URL = ""
    elif not settings.REDIS_URL:
        settings.REDIS_URL = "redis://unused"  # the shared cache is the test's (database or Redis) cache
    return request.param


@pytest.mark.django_db
def test_over_limit_counts_each_hit_and_refuses_past_the_limit(frozen_time, store):
    answers = [ratelimit.over_limit("test", "10.0.0.1", limit=3, window_seconds=60) for _ in range(5)]
    assert answers == [False, False, False, True, True]
    # Another identity and another scope count on their own.
    assert not ratelimit.over_limit("test", "10.0.0.2", limit=3, window_seconds=60)
    assert not ratelimit.over_limit("other", "10.0.0.1", limit=3, window_seconds=60)


@pytest.mark.django_db
def test_a_new_window_starts_from_zero(frozen_time, store):
    for _ in range(3):
        ratelimit.over_limit("test", "10.0.0.1", limit=2, window_seconds=60)
    assert ratelimit.over_limit("test", "10.0.0.1", limit=2, window_seconds=60)
    frozen_time[0] += 60
    assert not ratelimit.over_limit("test", "10.0.0.1", limit=2, window_seconds=60)


@pytest.mark.django_db
def test_database_counter_is_one_statement_and_stores_no_address(frozen_time, settings):
    settings.REDIS_URL = ""
    ratelimit.over_limit("test", "203.0.113.9", limit=5, window_seconds=60)
    with CaptureQueriesContext(connection) as queries:
        ratelimit.over_limit("test", "203.0.113.9", limit=5, window_seconds=60)
    assert len(queries) == 1
    counter = RateCounter.objects.get()
    assert counter.count == 2
    assert "203.0.113.9" not in counter.key  # hashed: the table holds no client address


@pytest.mark.django_db
def test_limit_zero_counts_nothing(settings):
    settings.REDIS_URL = ""
    assert not ratelimit.over_limit("test", "10.0.0.1", limit=0, window_seconds=60)
    assert not RateCounter.objects.exists()


@pytest.mark.django_db
def test_periodic_job_deletes_counters_of_past_windows(settings):
    settings.REDIS_URL = ""
    now = timezone.now()
    RateCounter.objects.create(key="rl:old", count=4, expires_at=now - dt.timedelta(seconds=1))
    RateCounter.objects.create(key="rl:current", count=1, expires_at=now + dt.timedelta(minutes=5))
    results = dict((receiver.__name__, result) for receiver, result in periodic_task.send(sender=None, now=now))
    assert results["rate_counters_job"] == {"rate_counters_deleted": 1}
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["rl:current"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_are_all_counted(settings):
    """Threads stand in for server processes: no hit is lost between read and write."""
    settings.REDIS_URL = ""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:", ":memory:")):
        pytest.skip("an in-memory SQLite database is one connection")
    errors: list[BaseException] = []

    def hit() -> None:
        from django.db import connection as thread_connection

        try:
            for _ in range(10):
                ratelimit.over_limit("burst", "10.0.0.1", limit=1000, window_seconds=3600)
        except BaseException as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert RateCounter.objects.get().count == 40


@pytest.mark.django_db
def test_a_pending_hit_counts_with_the_callers_statements_in_the_same_window(frozen_time, settings):
    from webinars.core.db import fetch_together

    settings.REDIS_URL = ""
    ratelimit.over_limit("mail", "a@example.org", limit=2, window_seconds=60)
    hit = ratelimit.pending_hit("mail", "a@example.org", limit=2, window_seconds=60)
    assert hit is not None
    with CaptureQueriesContext(connection) as queries:
        rows = fetch_together([("SELECT 1", []), (hit.sql, hit.params)])
    assert len(queries) == (1 if connection.vendor == "postgresql" else 2)  # one round trip on PostgreSQL
    assert rows[0] == [(1,)]
    assert not hit.is_over(rows[1])  # the second hit of two allowed
    assert ratelimit.over_limit("mail", "a@example.org", limit=2, window_seconds=60)  # the same counter: a third is over
    assert RateCounter.objects.get().count == 3


def test_no_pending_hit_without_a_limit_or_with_redis(settings):
    settings.REDIS_URL = ""
    assert ratelimit.pending_hit("mail", "a@example.org", limit=0, window_seconds=60) is None
    settings.REDIS_URL = "redis://unused"
    assert ratelimit.pending_hit("mail", "a@example.org", limit=5, window_seconds=60) is None
