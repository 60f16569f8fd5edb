"""Database helpers shared by the apps."""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator

from django.db import connection, connections, models
from django.db.models.sql import InsertQuery

_held = threading.local()


@contextlib.contextmanager
def hot_write_lock(name: str = "writes") -> Iterator[None]:
    """Queue concurrent writers of a hot path in the kernel instead of in SQLite's busy loop.

    SQLite allows one writer; a blocked writer retries with sleeps of up to 100 ms, so a
    burst of registrations spends most of its time asleep. On SQLite this takes an
    exclusive ``flock`` on a file beside the database first: the kernel wakes the next
    process the moment the lock is free. Other databases lock rows and need nothing here.
    Re-entrant within a thread (a second ``flock`` on a new descriptor would wait for itself).
    """
    if connection.vendor != "sqlite":
        yield
        return
    database = str(connection.settings_dict["NAME"])
    if database == ":memory:" or database.startswith("file:"):
        yield
        return
    path = f"{database}.{name}.lock"
    held: set[str] = _held.__dict__.setdefault("paths", set())
    if path in held:
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        held.add(path)
        yield
    finally:
        held.discard(path)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def fetch_together(statements: list[tuple[str, list]], *, using: str = "default") -> list[list[tuple]]:
    """Run ``statements`` (SQL with ``%s`` parameters, each returning rows) in order and return
    each one's rows.

    On PostgreSQL they go to the server as one simple query: one round trip instead of one
    each, which on a hot path is most of the database's time (each trip costs both sides
    system calls). Each statement still reads a fresh snapshot, so one that follows a lock
    that waited sees what the lock holder committed. Elsewhere they run one by one.
    """
    connection_ = connections[using]
    with connection_.cursor() as cursor:
        if connection_.vendor != "postgresql" or len(statements) == 1:
            results = []
            for sql, params in statements:
                cursor.execute(sql, params)
                results.append(cursor.fetchall())
            return results
        # Django's psycopg cursors bind parameters on the client, which allows several statements.
        cursor.execute("; ".join(sql for sql, _params in statements), [p for _sql, params in statements for p in params])
        results = [cursor.fetchall()]
        for _statement in statements[1:]:
            if not cursor.nextset():
                raise RuntimeError("a statement sent together returned no result")
            results.append(cursor.fetchall())
        return results


def insertable_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields an ``INSERT`` of a new ``model`` row writes (as ``save()`` does: not the
    auto-increment key, not generated columns)."""
    meta = model._meta
    return [field for field in meta.local_concrete_fields if field is not meta.auto_field and not field.generated]


def insert_statement(obj: models.Model, *, using: str = "default") -> tuple[str, list]:
    """The ORM's ``INSERT`` of the new ``obj`` (the fields and values ``save()`` would send,
    ``RETURNING`` its key), to go to the server with other statements (``fetch_together``);
    ``adopt_inserted`` then gives ``obj`` its key. For models whose saving sends no signal
    that anything listens to."""
    query = InsertQuery(type(obj))
    query.insert_values(insertable_fields(type(obj)), [obj])
    compiler = query.get_compiler(using=using)
    if not compiler.connection.features.can_return_columns_from_insert:
        raise NotImplementedError("INSERT ... RETURNING (SQLite 3.35+, PostgreSQL)")
    compiler.returning_fields = [obj._meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, list(params)


def adopt_inserted(obj: models.Model, rows: list[tuple], *, using: str = "default") -> None:
    """Give ``obj`` the key that its ``insert_statement`` returned: it is now a saved row."""
    obj.pk = rows[0][0]
    obj._state.adding, obj._state.db = False, using
