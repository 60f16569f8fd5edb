"""Seats held per webinar, counted by the database (``SeatCount`` and its triggers).

The seat check runs while the webinar row is locked, so it must be quick: it reads one
counter instead of counting registrations. Triggers on the registrations table keep the
counter in the transaction of every change (services, admin, fixtures, bulk inserts: no code
path can forget it). They are (re)made, and the counts recomputed, after every ``migrate``
(``ensure_seat_counting``), because SQLite rebuilds a table, dropping its triggers, whenever
a migration alters it.
"""

from __future__ import annotations

import datetime as dt

from django.db import connections, transaction
from django.db.models import QuerySet

from webinars.programme.models import Webinar

from .models import Registration, SeatCount
from .selectors import seat_holding_q

# In the SQL below, ("confirmed", "pending") are Registration.Status.CONFIRMED and PENDING: a seat.

_SQLITE = [
    """CREATE TRIGGER IF NOT EXISTS registrations_seats_insert AFTER INSERT ON registrations_registration
    WHEN NEW.status IN ('confirmed', 'pending')
    BEGIN
        INSERT INTO registrations_seatcount (webinar_id, held) VALUES (NEW.webinar_id, 1)
        ON CONFLICT (webinar_id) DO UPDATE SET held = held + 1;
    END""",
    """CREATE TRIGGER IF NOT EXISTS registrations_seats_delete AFTER DELETE ON registrations_registration
    WHEN OLD.status IN ('confirmed', 'pending')
    BEGIN
        UPDATE registrations_seatcount SET held = held - 1 WHERE webinar_id = OLD.webinar_id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS registrations_seats_update AFTER UPDATE OF status, webinar_id ON registrations_registration
    WHEN (OLD.status IN ('confirmed', 'pending')) != (NEW.status IN ('confirmed', 'pending')) OR OLD.webinar_id != NEW.webinar_id
    BEGIN
        UPDATE registrations_seatcount SET held = held - 1 WHERE webinar_id = OLD.webinar_id AND OLD.status IN ('confirmed', 'pending');
        INSERT INTO registrations_seatcount (webinar_id, held) SELECT NEW.webinar_id, 1 WHERE NEW.status IN ('confirmed', 'pending')
        ON CONFLICT (webinar_id) DO UPDATE SET held = held + 1;
    END""",
]

_POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION registrations_seats_count() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN ('confirmed', 'pending') THEN
            UPDATE registrations_seatcount SET held = held - 1 WHERE webinar_id = OLD.webinar_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status IN ('confirmed', 'pending') THEN
            INSERT INTO registrations_seatcount (webinar_id, held) VALUES (NEW.webinar_id, 1)
            ON CONFLICT (webinar_id) DO UPDATE SET held = registrations_seatcount.held + 1;
        END IF;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS registrations_seats_insert_delete ON registrations_registration",
    """CREATE TRIGGER registrations_seats_insert_delete AFTER INSERT OR DELETE ON registrations_registration
    FOR EACH ROW EXECUTE FUNCTION registrations_seats_count()""",
    "DROP TRIGGER IF EXISTS registrations_seats_update ON registrations_registration",
    """CREATE TRIGGER registrations_seats_update AFTER UPDATE OF status, webinar_id ON registrations_registration
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.webinar_id IS DISTINCT FROM NEW.webinar_id)
    EXECUTE FUNCTION registrations_seats_count()""",
]

_RECOUNT = [
    "DELETE FROM registrations_seatcount",
    """INSERT INTO registrations_seatcount (webinar_id, held)
    SELECT webinar_id, COUNT(*) FROM registrations_registration WHERE status IN ('confirmed', 'pending') GROUP BY webinar_id""",
]


def ensure_seat_counting(using: str = "default") -> None:
    """Make the triggers (idempotent) and recount every webinar, in one transaction."""
    connection = connections[using]
    statements = {"sqlite": _SQLITE, "postgresql": _POSTGRESQL}.get(connection.vendor)
    if statements is None:
        raise NotImplementedError(f"seat counting triggers for {connection.vendor}")
    tables = set(connection.introspection.table_names())
    if not {"registrations_seatcount", "registrations_registration"} <= tables:
        return  # migrated to a state before the counter (the migration tests go back in time)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in [*statements, *_RECOUNT]:
            cursor.execute(statement)


def _lapsed(webinar_id, now: dt.datetime) -> QuerySet[Registration]:
    """Pending registrations whose hold ran out (the expiry job has not seen them yet). A pending
    registration always has an expiry (a check constraint), so this is a range of an index."""
    return Registration.objects.filter(webinar_id=webinar_id, status=Registration.Status.PENDING, expires_at__lte=now)


# What the seat decision must read fresh, under the lock (the rest of the webinar and its
# series is read before the transaction): a change of these by an organiser waits for the lock.
_LOCKED_COLUMNS = ("status", "capacity", "registration_open", "starts_at", "ends_at")


def lock_webinars_for_seats(webinars: list[Webinar]) -> list[Webinar]:
    """Lock the rows of ``webinars`` (already read, with their series) in id order and refresh
    the columns a seat decision depends on; returns those still there, in id order.

    One short statement instead of an ORM query with joins: registrations of one webinar wait
    for each other here, so the time this lock is held is what limits a burst. On SQLite the
    transaction's ``BEGIN IMMEDIATE`` already holds the database; the read is the same.
    """
    if not webinars:
        return []
    connection = connections[Webinar.objects.db]
    q = connection.ops.quote_name
    columns = ", ".join(q(Webinar._meta.get_field(name).column) for name in _LOCKED_COLUMNS)
    placeholders = ", ".join(["%s"] * len(webinars))
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    # Only quoted names are formatted in; the ids are parameters.
    sql = f"SELECT {q('id')}, {columns} FROM {q(Webinar._meta.db_table)} WHERE {q('id')} IN ({placeholders}) ORDER BY {q('id')}{lock}"  # noqa: S608
    fields = [Webinar._meta.get_field(name) for name in _LOCKED_COLUMNS]
    columns_as_read = [field.get_col(Webinar._meta.db_table) for field in fields]
    converters = [
        connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        for field, col in zip(fields, columns_as_read, strict=True)
    ]
    by_id = {w.pk: w for w in webinars}
    locked: list[Webinar] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [w.pk for w in sorted(webinars, key=lambda w: w.pk)])
        for row_id, *values in cursor.fetchall():
            webinar = by_id[row_id]
            for field, col, value, field_converters in zip(fields, columns_as_read, values, converters, strict=True):
                for converter in field_converters:
                    value = converter(value, col, connection)
                setattr(webinar, field.attname, value)
            locked.append(webinar)
    return locked


_HELD_SQL: dict[str, str] = {}


def _held(webinar_id: int) -> int:
    connection = connections[SeatCount.objects.db]
    sql = _HELD_SQL.get(connection.vendor)
    if sql is None:
        q = connection.ops.quote_name
        sql = _HELD_SQL[connection.vendor] = f"SELECT {q('held')} FROM {q(SeatCount._meta.db_table)} WHERE {q('webinar_id')} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [webinar_id])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def seat_is_free(webinar: Webinar, *, now: dt.datetime) -> bool:
    """Whether ``webinar`` has a free seat now. The caller holds the webinar's lock.

    Reads the counter after the lock (one indexed row; on PostgreSQL a ``FOR UPDATE`` that
    waited re-reads the locked row but not a subquery in it, so the count cannot ride along).
    """
    if webinar.capacity is None:
        return True
    if _held(webinar.pk) < webinar.capacity:
        return True
    # Full by the counter, which also counts pending registrations whose hold ran out before
    # the expiry job saw them: count exactly only then.
    if _lapsed(webinar.pk, now).exists():
        return Registration.objects.filter(seat_holding_q(now), webinar_id=webinar.pk).count() < webinar.capacity
    return False
