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
from django.db.models import Exists, OuterRef, QuerySet, Subquery

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
    """Pending registrations whose hold ran out (the expiry job has not seen them yet)."""
    return Registration.objects.filter(webinar_id=webinar_id, status=Registration.Status.PENDING).exclude(expires_at__gt=now)


def with_seat_counts(webinars: QuerySet[Webinar], *, now: dt.datetime) -> QuerySet[Webinar]:
    """Read each webinar's seat count in the locking query itself, for the first
    ``seat_is_free`` check that follows: no extra query while the lock is held.

    Only where a write transaction holds the whole database from its first statement
    (SQLite's ``BEGIN IMMEDIATE``). On PostgreSQL a ``SELECT ... FOR UPDATE`` that waited for
    the lock re-reads the locked row but not its subqueries, whose snapshot predates the other
    transaction's commit: the count would be stale, so it is read after the lock instead.
    """
    if connections[webinars.db].vendor != "sqlite":
        return webinars
    return webinars.annotate(
        seats_held=Subquery(SeatCount.objects.filter(webinar_id=OuterRef("pk")).values("held")[:1]),
        seats_lapsed=Exists(_lapsed(OuterRef("pk"), now)),
    )


def seat_is_free(webinar: Webinar, *, now: dt.datetime) -> bool:
    """Whether ``webinar`` has a free seat now. The caller holds the webinar's lock.

    The counts read by ``with_seat_counts`` serve one check only (a seat taken after it would
    make them stale); later checks read the counter again.
    """
    read_with_lock = "seats_held" in webinar.__dict__
    held = webinar.__dict__.pop("seats_held", None)
    lapsed = webinar.__dict__.pop("seats_lapsed", None)
    if webinar.capacity is None:
        return True
    if not read_with_lock:
        held = SeatCount.objects.filter(webinar_id=webinar.pk).values_list("held", flat=True).first()
    if (held or 0) < webinar.capacity:
        return True
    # Full by the counter, which also counts pending registrations whose hold ran out before
    # the expiry job saw them: count exactly only then.
    if lapsed if read_with_lock else _lapsed(webinar.pk, now).exists():
        return Registration.objects.filter(seat_holding_q(now), webinar_id=webinar.pk).count() < webinar.capacity
    return False
