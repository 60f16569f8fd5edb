"""Statements sent together: one round trip on PostgreSQL, the same rows as one by one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import SeriesFactory
from webinars.audit.models import LogEntry
from webinars.audit.services import log_action
from webinars.core.db import (
    adopt_inserted,
    fetch_together,
    insert_row,
    insert_statement,
    inserts_batched,
    inserts_pending,
    reserve_keys_statement,
)
from webinars.mail.models import OutgoingMessage
from webinars.mail.services import NewMessage, message_queue
from webinars.registrations.models import Booking

pytestmark = pytest.mark.django_db


def test_an_insert_sent_with_other_statements_is_the_orms_own_and_adopts_its_key():
    series = SeriesFactory()
    booking = Booking(email="a@example.org", series=series, language="ru", time_zone="Asia/Yerevan")
    with CaptureQueriesContext(connection) as queries:
        first, inserted, last = fetch_together([("SELECT 1", []), insert_statement(booking), ("SELECT 2", [])])
    assert len(queries) == (1 if connection.vendor == "postgresql" else 3)
    assert (first, last) == ([(1,)], [(2,)])
    adopt_inserted(booking, inserted)
    assert not booking._state.adding
    stored = Booking.objects.get(pk=booking.pk)
    assert (stored.uuid, stored.email, stored.series_id, stored.language, stored.time_zone) == (
        booking.uuid,
        "a@example.org",
        series.pk,
        "ru",
        "Asia/Yerevan",
    )
    assert stored.created_at is not None and stored.created_at == booking.created_at  # auto_now_add, as save() sets it


def test_a_kept_insert_statement_is_what_the_compiler_writes_for_every_row():
    from unittest import mock

    from django.db.models.functions import Now
    from django.utils import timezone

    from tests.factories import WebinarFactory
    from webinars.core import db
    from webinars.registrations.models import Registration

    webinar = WebinarFactory()
    booking = Booking.objects.create(email="k@example.org", series=webinar.series, language="ru", time_zone="Asia/Yerevan")

    def rows():
        yield Booking(email="x@example.org", series=webinar.series, language="ru", time_zone="Asia/Almaty"), False
        yield Registration(pk=10_001, webinar=webinar, booking=booking, email="y@example.org", name="Анаит", answers={"q": "да"}), False
        yield Registration(webinar=webinar, booking=booking, email="z@example.org", name="Nino", country="GE"), False
        yield OutgoingMessage(key="k-9", kind="manage_link", to_email="z@example.org", group="g", context={"a": [1]}), True

    def same(params):  # psycopg's JSON adapter has no equality of its own
        return [getattr(p, "obj", p) for p in params]

    db._insert_sql.clear()
    moment = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=moment):  # auto_now_add: the same time in both
        first = [insert_statement(obj, ignore_conflicts=ignore) for obj, ignore in rows()]  # compiled, then kept
        assert len(db._insert_sql) == 4
        for (obj, ignore), compiled in zip(rows(), first, strict=True):
            kept_sql, kept_params = insert_statement(obj, ignore_conflicts=ignore)
            sql, params = db._compiled_insert(obj, using="default", ignore_conflicts=ignore)
            assert kept_sql == sql == compiled[0]
            assert same(kept_params) == same(params)
    # A value that is an expression is compiled, not kept.
    log = LogEntry(action="series.test", created_at=Now(), data={})
    sql, params = insert_statement(log)
    assert sql.count("%s") == len(params) == 7  # the eighth value, the time, is the database's own expression
    assert (LogEntry, False, False, "default") not in db._insert_sql


def test_a_failing_statement_of_a_batch_raises():
    with pytest.raises(Exception):  # noqa: B017, PT011 -- the driver's own error class differs by database
        fetch_together([("SELECT 1", []), ("SELECT * FROM no_such_table", [])])


def test_rows_batched_go_to_the_server_together_at_the_end_of_the_block():
    series = SeriesFactory()
    reserve = reserve_keys_statement(Booking, 2)
    keys = [row[0] for row in fetch_together([reserve])[0]] if reserve else []
    booking = Booking(email="b@example.org", series=series, language="en", time_zone="UTC")
    if keys:
        assert len(keys) == 2 and keys[0] != keys[1]
        booking.pk = keys[0]  # a row whose key is known before it is written
    with CaptureQueriesContext(connection) as queries, inserts_batched():
        if keys:
            insert_row(booking)
        else:
            booking.save()  # SQLite: no sequence to reserve from; the key comes from the insert
        entry = log_action("booking.test", obj=booking, series=series)
        message = message_queue(kind="manage_link", message=NewMessage(key="k-1", to_email="b@example.org", about=booking, group="g"))
        again = message_queue(kind="manage_link", message=NewMessage(key="k-1", to_email="b@example.org", about=booking, group="g"))
        assert inserts_pending() and entry.pk is None and message.pk is None  # nothing sent yet
        before_flush = len(queries)
        assert not [q for q in queries if "audit_logentry" in q["sql"] or "mail_outgoingmessage" in q["sql"]]
    assert not inserts_pending()
    # All four rows in one round trip on PostgreSQL; one by one on SQLite (the booking first).
    assert len(queries) - before_flush == (1 if connection.vendor == "postgresql" else 3)
    assert Booking.objects.get(pk=booking.pk).email == "b@example.org"
    assert LogEntry.objects.get(pk=entry.pk).object_id == booking.pk
    assert OutgoingMessage.objects.get(pk=message.pk).about_id == booking.pk
    assert again.pk is None  # the key was taken by the first: skipped, as outside a batch
    assert OutgoingMessage.objects.filter(key="k-1").count() == 1
    # Outside a batch: at once, and a taken key answers None.
    assert message_queue(kind="manage_link", message=NewMessage(key="k-1", to_email="b@example.org", about=booking, group="g")) is None
    assert log_action("booking.test", obj=booking).pk is not None


def test_a_block_that_fails_sends_none_of_its_rows():
    series = SeriesFactory()
    with pytest.raises(RuntimeError), inserts_batched():
        log_action("series.test", obj=series)
        raise RuntimeError("the registration failed")
    assert not inserts_pending()
    assert not LogEntry.objects.filter(action="series.test").exists()


def test_each_rows_follow_up_runs_after_the_flush_with_the_row_or_none_when_skipped():
    series = SeriesFactory()
    seen: list = []
    booking = Booking.objects.create(email="c@example.org", series=series, language="en", time_zone="UTC")
    first = OutgoingMessage(key="k-2", kind="manage_link", to_email="c@example.org", group="g", about_id=booking.pk)
    second = OutgoingMessage(key="k-2", kind="manage_link", to_email="c@example.org", group="g", about_id=booking.pk)
    with inserts_batched():
        insert_row(first, ignore_conflicts=True, then=seen.append)
        insert_row(second, ignore_conflicts=True, then=seen.append)
        assert seen == []
    assert seen == [first, None] and first.pk is not None and not first._state.adding


@pytest.fixture
def second_connection():
    """A connection of its own to the test database (not the test's transaction)."""
    from django.db import connections

    other = connections.create_connection("default")
    other.ensure_connection()
    yield other
    other.close()


def _readable_soon(wrapper, seconds: float = 5.0) -> None:
    import select
    import time

    poller = select.poll()
    poller.register(wrapper.connection.pgconn.socket, select.POLLIN)
    deadline = time.monotonic() + seconds
    while not poller.poll(50) and time.monotonic() < deadline:
        pass


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend's health check")
class TestHealthCheckWithoutRoundTrip:
    def test_an_idle_kept_connection_is_usable_without_a_statement(self, second_connection):
        from unittest import mock

        from django.db.backends.postgresql.base import DatabaseWrapper as DjangoWrapper

        with mock.patch.object(DjangoWrapper, "is_usable", side_effect=AssertionError("a round trip was made")):
            assert second_connection.is_usable()

    def test_a_connection_the_server_closed_is_found_unusable_and_replaced(self, second_connection):
        pid = second_connection.connection.info.backend_pid
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        _readable_soon(second_connection)
        assert not second_connection.is_usable()
        # What Django does at the start of a request: the check fails, the connection is
        # closed, and the request's first query opens a new one.
        second_connection.health_check_done = False
        second_connection.close_if_health_check_failed()
        assert second_connection.connection is None
        with second_connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] != pid

    def test_a_notification_on_an_idle_connection_is_read_by_django_check_which_keeps_it(self, second_connection):
        import psycopg

        with second_connection.cursor() as cursor:
            cursor.execute("LISTEN mw_health_check")
        sender = psycopg.connect(second_connection.connection.info.dsn, autocommit=True)
        try:
            sender.execute("NOTIFY mw_health_check")
        finally:
            sender.close()
        _readable_soon(second_connection)
        assert second_connection.is_usable()  # readable, so Django's SELECT 1 decided: still usable
        with second_connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)

    def test_in_a_failed_transaction_the_connection_is_not_usable_as_django_says(self, second_connection):
        second_connection.set_autocommit(False)
        with pytest.raises(Exception), second_connection.cursor() as cursor:  # noqa: B017, PT011 -- the driver's own error
            cursor.execute("SELECT * FROM no_such_table")
        assert not second_connection.is_usable()
        second_connection.rollback()
        assert second_connection.is_usable()
        second_connection.set_autocommit(True)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="psycopg's conversion of placeholders")
def test_a_long_batch_sent_again_is_not_converted_again_by_psycopg():
    """A registration's rows go to the server as one text of ~5 KB with 56 parameters, the
    same on every request: psycopg keeps its conversion (webinars/core/backends/postgresql)."""
    from psycopg import _queries

    padding = "/* " + "x" * 4200 + " */"  # longer than psycopg's own limit of 4,096 bytes
    statements = [
        (f"SELECT {', '.join(['%s::int'] * 30)} {padding}", list(range(30))),
        (f"SELECT {', '.join(['%s::int'] * 30)}", list(range(30))),
    ]
    fetch_together([("SELECT 1", [])])  # the test's transaction is open: BEGIN is not in the texts below
    assert fetch_together(statements)[1] == [tuple(range(30))]
    before = _queries._query2pg_client.cache_info()
    assert fetch_together(statements)[0] == [tuple(range(30))]
    after = _queries._query2pg_client.cache_info()
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)
