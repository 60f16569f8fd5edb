"""A transaction's BEGIN goes to PostgreSQL with its first statement (webinars/core/backends/postgresql).

These tests open and close transactions themselves (``transaction=True``): the deferral is
about what happens when ``transaction.atomic()`` starts and ends.
"""

from __future__ import annotations

import psycopg
import psycopg.sql
import pytest
from django.db import DatabaseError, ProgrammingError, connection, transaction

from webinars.core.backends.postgresql.base import Cursor
from webinars.programme.models import Organisation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's transactions"),
]


@pytest.fixture
def sent(monkeypatch):
    """The texts the cursor sends, and the commands psycopg sends on its own (BEGIN, COMMIT...)."""
    texts: list[str] = []
    commands: list[bytes] = []
    execute = psycopg.ClientCursor.execute
    exec_command = psycopg.Connection._exec_command

    def spy_execute(self, query, params=None, **kwargs):
        texts.append(query.decode() if isinstance(query, bytes) else str(query))
        return execute(self, query, params, **kwargs)

    def spy_command(self, command, *args, **kwargs):
        commands.append(command if isinstance(command, bytes) else str(command).encode())
        return exec_command(self, command, *args, **kwargs)

    monkeypatch.setattr(psycopg.ClientCursor, "execute", spy_execute)
    monkeypatch.setattr(psycopg.Connection, "_exec_command", spy_command)
    connection.ensure_connection()
    texts.clear()
    commands.clear()
    return texts, commands


def _server_transaction_id() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id_if_assigned()::text")
        value = cursor.fetchone()[0]
    return int(value) if value else None


def test_the_backend_uses_the_deferring_cursor():
    connection.ensure_connection()
    assert connection.connection.cursor_factory is Cursor
    assert connection.connection.autocommit is True  # the driver's: Django's own flag says what is wanted
    assert connection.get_autocommit() is True


def test_the_first_statement_of_a_transaction_carries_begin_in_one_trip(sent):
    texts, commands = sent
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::int", [7])
            assert cursor.fetchall() == [(7,)]  # the statement's rows, not BEGIN's result
            cursor.execute("SELECT 8")
            assert cursor.fetchone() == (8,)
        assert connection.connection.pgconn.transaction_status == psycopg.pq.TransactionStatus.INTRANS
    assert texts == ["BEGIN; SELECT %s::int", "SELECT 8"]
    assert commands == [b"COMMIT"]  # no BEGIN of its own


def test_the_transaction_begins_with_the_connections_isolation_level():
    connection.ensure_connection()
    connection.connection.isolation_level = psycopg.IsolationLevel.SERIALIZABLE
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            assert cursor.fetchone() == ("serializable",)
    finally:
        connection.connection.isolation_level = None
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SHOW transaction_isolation")
        assert cursor.fetchone() == ("read committed",)


def test_a_composed_query_opens_the_transaction_with_begin_alone(sent):
    texts, _commands = sent
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(psycopg.sql.SQL("SELECT {}").format(psycopg.sql.Literal(5)))
        assert cursor.fetchone() == (5,)
        assert connection.connection.pgconn.transaction_status == psycopg.pq.TransactionStatus.INTRANS
    assert texts[0] == "BEGIN" and len(texts) == 2  # BEGIN, then the composed query


def test_a_block_without_statements_sends_nothing(sent):
    texts, commands = sent
    with transaction.atomic():
        pass
    assert texts == [] and commands == []


def test_statements_in_autocommit_carry_no_begin_and_are_committed_at_once(scratch_table, sent):
    texts, _commands = sent
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO scratch (value) VALUES (1)")
    assert texts == ["INSERT INTO scratch (value) VALUES (1)"]
    assert connection.connection.pgconn.transaction_status == psycopg.pq.TransactionStatus.IDLE
    assert _scratch_values() == [1]


def test_a_rolled_back_block_undoes_its_first_statement():
    """The first write is inside the transaction that BEGIN opened with it."""
    with pytest.raises(RuntimeError), transaction.atomic():
        Organisation.objects.create(slug="undone", name="Undone")
        raise RuntimeError
    assert not Organisation.objects.filter(slug="undone").exists()


def test_all_statements_of_a_block_share_one_server_transaction():
    with transaction.atomic():
        assert _server_transaction_id() is None  # read-only so far
        Organisation.objects.create(slug="first", name="First")
        first = _server_transaction_id()
        Organisation.objects.create(slug="second", name="Second")
        assert first is not None and _server_transaction_id() == first
    assert _server_transaction_id() is None  # committed: autocommit again


def test_a_failing_first_statement_rolls_back_and_the_connection_goes_on(sent):
    _texts, commands = sent
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 / 0")
    assert commands == [b"ROLLBACK"]
    assert connection.connection.pgconn.transaction_status == psycopg.pq.TransactionStatus.IDLE
    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)


def test_a_savepoint_rollback_keeps_the_outer_transaction():
    with transaction.atomic():
        Organisation.objects.create(slug="kept", name="Kept")
        with pytest.raises(RuntimeError), transaction.atomic():
            Organisation.objects.create(slug="dropped", name="Dropped")
            raise RuntimeError
    assert list(Organisation.objects.filter(slug__in=["kept", "dropped"]).values_list("slug", flat=True)) == ["kept"]


def test_a_block_that_starts_with_a_savepoint_opens_the_transaction_with_it(sent):
    texts, _commands = sent
    with transaction.atomic(), transaction.atomic():
        Organisation.objects.create(slug="nested", name="Nested")
    assert texts[0].startswith("BEGIN; SAVEPOINT")
    assert Organisation.objects.filter(slug="nested").exists()


@pytest.fixture
def scratch_table():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE scratch (value int)")
    yield "scratch"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE scratch")


def _scratch_values() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM scratch ORDER BY value")
        return [row[0] for row in cursor.fetchall()]


def test_executemany_opens_the_transaction_first(scratch_table):
    with pytest.raises(RuntimeError), transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany("INSERT INTO scratch (value) VALUES (%s)", [(1,), (2,)])
        raise RuntimeError
    assert _scratch_values() == []


def test_copy_opens_the_transaction_first(scratch_table):
    with pytest.raises(RuntimeError), transaction.atomic(), connection.cursor() as cursor:
        with cursor.copy("COPY scratch (value) FROM STDIN") as copy:
            copy.write_row((3,))
        raise RuntimeError
    assert _scratch_values() == []
    with transaction.atomic(), connection.cursor() as cursor, cursor.copy("COPY scratch (value) FROM STDIN") as copy:
        copy.write_row((4,))
    assert _scratch_values() == [4]


def test_a_server_side_cursor_inside_a_block_declares_in_its_transaction():
    Organisation.objects.bulk_create([Organisation(slug=f"it-{n}", name=f"It {n}") for n in range(5)])
    with transaction.atomic():
        slugs = [s.slug for s in Organisation.objects.filter(slug__startswith="it-").order_by("slug").iterator(chunk_size=2)]
        assert _server_transaction_id() is None
    assert slugs == [f"it-{n}" for n in range(5)]
    # Outside a block it is held past its own statement, as Django's.
    assert [s.slug for s in Organisation.objects.filter(slug__startswith="it-").order_by("slug").iterator(chunk_size=2)] == slugs


def test_autocommit_cannot_be_turned_on_inside_an_open_transaction():
    transaction.set_autocommit(False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        with pytest.raises(ProgrammingError, match="INTRANS"):
            connection._set_autocommit(True)
    finally:
        transaction.rollback()
        transaction.set_autocommit(True)


def test_manual_transactions_begin_again_after_each_commit(scratch_table):
    transaction.set_autocommit(False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO scratch (value) VALUES (1)")
            transaction.commit()
            cursor.execute("INSERT INTO scratch (value) VALUES (2)")
            transaction.rollback()
    finally:
        transaction.set_autocommit(True)
    assert _scratch_values() == [1]
