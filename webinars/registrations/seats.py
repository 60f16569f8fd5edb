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
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models import Field

from webinars.core.db import fetch_together
from webinars.programme.models import Series, Webinar

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
    # Only rows that hold a seat run the function: most of a burst joins the waiting list.
    "DROP TRIGGER IF EXISTS registrations_seats_insert_delete ON registrations_registration",
    "DROP TRIGGER IF EXISTS registrations_seats_insert ON registrations_registration",
    """CREATE TRIGGER registrations_seats_insert AFTER INSERT ON registrations_registration
    FOR EACH ROW WHEN (NEW.status IN ('confirmed', 'pending')) EXECUTE FUNCTION registrations_seats_count()""",
    "DROP TRIGGER IF EXISTS registrations_seats_delete ON registrations_registration",
    """CREATE TRIGGER registrations_seats_delete AFTER DELETE ON registrations_registration
    FOR EACH ROW WHEN (OLD.status IN ('confirmed', 'pending')) EXECUTE FUNCTION registrations_seats_count()""",
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


# What the seat decision must read fresh, under the lock (the rest of the webinar and its
# series is read before the transaction, possibly from the cache): a change of these by an
# organiser waits for the lock (the series' are read as the locking statement began).
_LOCKED_COLUMNS = ("status", "capacity", "registration_open", "starts_at", "ends_at")
_LOCKED_SERIES_COLUMNS = ("is_published", "registration_open", "confirm_email", "pending_expiry_hours")


def _locked_fields() -> list[tuple[str, Field]]:
    return [("", Webinar._meta.get_field(name)) for name in _LOCKED_COLUMNS] + [
        ("series", Series._meta.get_field(name)) for name in _LOCKED_SERIES_COLUMNS
    ]


@dataclass(frozen=True)
class SeatState:
    """A webinar's seats as read under its lock: the counter, and whether a pending hold ran out
    (the expiry job has not seen it yet, so the counter still counts it)."""

    held: int
    lapsed: bool


@dataclass
class Locked:
    """What ``lock_webinars_for_seats`` read with the lock."""

    webinars: list[Webinar]  # those still there, in id order, with fresh seat-deciding columns
    seats: dict[int, SeatState]  # by webinar id
    address_known: bool  # the address has a registration (any status) for one of them
    extra: list[list[tuple]]  # the rows of each extra statement


def lock_webinars_for_seats(
    webinars: list[Webinar], *, now: dt.datetime, shared: bool = False, email: str = "", extra: Sequence[tuple[str, list]] = ()
) -> Locked:
    """Lock the rows of ``webinars`` (already read, with their series) in id order, refresh the
    columns a seat decision depends on and read their seats, whether ``email`` is known, and
    what the ``extra`` statements return.

    Registrations of one webinar wait for each other here, so the time this lock is held is
    what limits a burst: on PostgreSQL it is all one round trip (``core.db.fetch_together``;
    each statement after the lock reads a fresh snapshot, whereas a subquery of a ``FOR
    UPDATE`` that waited would not). On SQLite the transaction's ``BEGIN IMMEDIATE`` already
    holds the database; the reads are the same.

    ``shared``: a share lock (PostgreSQL), for a decision that takes no limited seat (see
    ``needs_exclusive_lock``); the caller raises ``SeatsChanged`` if the seats say otherwise.
    """
    if not webinars:
        return Locked([], {}, False, [])
    connection = connections[Webinar.objects.db]
    ids = [w.pk for w in sorted(webinars, key=lambda w: w.pk)]
    fields = _locked_fields()
    columns_as_read = [field.get_col(field.model._meta.db_table) for _owner, field in fields]
    converters = [
        connection.ops.get_db_converters(col) + field.get_db_converters(connection)
        for (_owner, field), col in zip(fields, columns_as_read, strict=True)
    ]
    vendor, count = connection.vendor, len(ids)
    pending_until_now = [Registration.Status.PENDING.value, connection.ops.adapt_datetimefield_value(now)]
    rows, held_rows, lapsed_rows, known_rows, *extra_rows = fetch_together(
        [
            (_sql(vendor, "lock_shared" if shared else "lock", count), ids),
            (_sql(vendor, "held_many", count), ids),
            (_sql(vendor, "lapsed_many", count), [*ids, *pending_until_now]),
            (_sql(vendor, "address_known", count), [email, *ids]),
            *extra,
        ],
        using=Webinar.objects.db,
    )
    by_id = {w.pk: w for w in webinars}
    locked: list[Webinar] = []
    for row_id, *values in rows:
        webinar = by_id[row_id]
        for (owner, field), col, value, field_converters in zip(fields, columns_as_read, values, converters, strict=True):
            for converter in field_converters:
                value = converter(value, col, connection)
            setattr(webinar.series if owner else webinar, field.attname, value)
        locked.append(webinar)
    held = dict(held_rows)
    lapsed = {row[0] for row in lapsed_rows}
    seats = {w.pk: SeatState(held=int(held.get(w.pk, 0)), lapsed=w.pk in lapsed) for w in locked}
    return Locked(locked, seats, bool(known_rows), extra_rows)


@functools.cache
def _sql(vendor: str, name: str, count: int = 0) -> str:
    """The hot path's small reads, written once per database vendor and number of webinars (the
    ORM would compile each query again on every request, inside the lock). Only quoted names
    are formatted in; the values are parameters."""
    connection = connections[Registration.objects.db]
    q = connection.ops.quote_name
    registrations, seats = q(Registration._meta.db_table), q(SeatCount._meta.db_table)
    webinar_table, series_table = q(Webinar._meta.db_table), q(Series._meta.db_table)
    placeholders = ", ".join(["%s"] * count)
    if name in ("lock", "lock_shared"):
        columns = ", ".join(f"{series_table if owner else webinar_table}.{q(field.column)}" for owner, field in _locked_fields())
        strength = "SHARE" if name == "lock_shared" else "UPDATE"
        lock = f" FOR {strength} OF {webinar_table}" if connection.features.has_select_for_update_of else ""
        return (
            f"SELECT {webinar_table}.{q('id')}, {columns} FROM {webinar_table} "  # noqa: S608
            f"INNER JOIN {series_table} ON {series_table}.{q('id')} = {webinar_table}.{q('series_id')} "
            f"WHERE {webinar_table}.{q('id')} IN ({placeholders}) ORDER BY {webinar_table}.{q('id')}{lock}"
        )
    if name == "held_many":
        return f"SELECT {q('webinar_id')}, {q('held')} FROM {seats} WHERE {q('webinar_id')} IN ({placeholders})"  # noqa: S608
    if name == "lapsed_many":
        # Ranges of the partial index of pending expiries (``registration_pending_expiry``).
        return (
            f"SELECT DISTINCT {q('webinar_id')} FROM {registrations} WHERE {q('webinar_id')} IN ({placeholders}) "  # noqa: S608
            f"AND {q('status')} = %s AND {q('expires_at')} <= %s"
        )
    if name == "address_known":
        # Through the index of addresses (``registration_email_webinar``: lower(email), webinar),
        # a few entries whatever the statistics say. ``webinar_id + 0`` keeps the indexes that
        # start with the webinar out of the planner's choice: when a webinar opens, the
        # statistics know none of its registrations, all those indexes look equally cheap, and
        # the one it picked walked every registration of the webinar (a burst of 5,000 made
        # that the slowest statement under the seat lock). Addresses are stored in lower case.
        return (
            f"SELECT 1 FROM {registrations} WHERE LOWER({q('email')}) = %s "  # noqa: S608
            f"AND {q('webinar_id')} + 0 IN ({placeholders}) LIMIT 1"
        )
    raise ValueError(name)


def _fetch_one(name: str, params: list, count: int = 0) -> tuple | None:
    connection = connections[Registration.objects.db]
    with connection.cursor() as cursor:
        cursor.execute(_sql(connection.vendor, name, count), params)
        return cursor.fetchone()


def _held(webinar_id: int) -> int:
    row = _fetch_one("held_many", [webinar_id], 1)
    return int(row[1]) if row else 0


def _any_lapsed(webinar_id: int, now: dt.datetime) -> bool:
    connection = connections[Registration.objects.db]
    pending_until_now = [Registration.Status.PENDING.value, connection.ops.adapt_datetimefield_value(now)]
    return _fetch_one("lapsed_many", [webinar_id, *pending_until_now], 1) is not None


# Which lock to ask for first: each process remembers, per webinar, whether its last decision
# left a limited seat to take. A wrong guess costs time, never correctness: a registrant
# under a share lock who finds a seat to take decides again under the exclusive lock.
_FULL_HINTS: dict[int, bool] = {}
_MAX_HINTS = 10_000


def probably_no_seat_to_take(webinar_ids: Iterable[int]) -> bool:
    """Whether this process last saw every one of these webinars full (or unlimited)."""
    return all(_FULL_HINTS.get(webinar_id, False) for webinar_id in webinar_ids)


def remember_seats(webinar: Webinar, state: SeatState, *, taken: int) -> None:
    """Note what a decision under the lock left: ``taken`` seats more than ``state`` held."""
    if len(_FULL_HINTS) >= _MAX_HINTS:
        _FULL_HINTS.clear()
    _FULL_HINTS[webinar.pk] = not needs_exclusive_lock(webinar, SeatState(held=state.held + taken, lapsed=state.lapsed))


def forget_seat_hints() -> None:
    _FULL_HINTS.clear()


class SeatsChanged(Exception):
    """Under a share lock, the seats turned out to need the exclusive lock (a seat was freed)."""


def needs_exclusive_lock(webinar: Webinar, state: SeatState) -> bool:
    """Whether deciding ``webinar``'s seat must exclude other registrations of it: only when a
    limited seat is to be taken. A full webinar's registrant goes on the waiting list, and an
    unlimited one's takes a seat, under a share lock that registrations hold together; what
    frees seats or changes the capacity (cancelling, expiry, the organiser) takes the
    exclusive lock, so it waits for them, and they for it."""
    if webinar.capacity is None:
        return False
    return state.held < webinar.capacity or state.lapsed


def seat_is_free(webinar: Webinar, *, now: dt.datetime, state: SeatState | None = None) -> bool:
    """Whether ``webinar`` has a free seat now. The caller holds the webinar's lock.

    ``state``: the seats as ``lock_webinars_for_seats`` read them with the lock; otherwise the
    counter is read now (one indexed row).
    """
    if webinar.capacity is None:
        return True
    held = state.held if state is not None else _held(webinar.pk)
    if held < webinar.capacity:
        return True
    # Full by the counter, which also counts pending registrations whose hold ran out before
    # the expiry job saw them: count exactly only then.
    lapsed = state.lapsed if state is not None else _any_lapsed(webinar.pk, now)
    if lapsed:
        return Registration.objects.filter(seat_holding_q(now), webinar_id=webinar.pk).count() < webinar.capacity
    return False
