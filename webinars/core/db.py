"""Database helpers shared by the apps."""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, connections, models
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery

_held = threading.local()
_batches = threading.local()


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


def insertable_fields(model: type[models.Model], *, with_key: bool = False) -> list[models.Field]:
    """The fields an ``INSERT`` of a new ``model`` row writes (as ``save()`` does: not the
    auto-increment key unless the row has one already, not generated columns)."""
    meta = model._meta
    return [field for field in meta.local_concrete_fields if (with_key or field is not meta.auto_field) and not field.generated]


def insert_statement(obj: models.Model, *, using: str = "default", ignore_conflicts: bool = False) -> tuple[str, list]:
    """The ORM's ``INSERT`` of the new ``obj`` (the fields and values ``save()`` would send,
    its key too when it has one (``reserve_keys``), ``RETURNING`` its key), to go to the server
    with other statements (``fetch_together``); ``adopt_inserted`` then gives ``obj`` its key.
    ``ignore_conflicts``: ``ON CONFLICT DO NOTHING`` (no row back when a unique value was taken).
    For models whose saving sends no signal that anything listens to.

    The SQL text of a model's insert never changes: it is compiled once and kept; later rows
    only have their values prepared, as the compiler prepares them (``pre_save``, then
    ``get_db_prep_save``). A value that is an expression goes through the compiler again.
    """
    shape = (type(obj), obj.pk is not None, ignore_conflicts, using)
    kept = _insert_sql.get(shape)
    if kept is not None:
        sql, fields = kept
        connection_ = connections[using]
        params = []
        for field in fields:
            value = field.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):
                break
            params.append(field.get_db_prep_save(value, connection=connection_))
        else:
            return sql, params
    sql, params = _compiled_insert(obj, using=using, ignore_conflicts=ignore_conflicts)
    fields = insertable_fields(type(obj), with_key=obj.pk is not None)
    plain = not any(hasattr(field, "get_placeholder") or hasattr(getattr(obj, field.attname), "resolve_expression") for field in fields)
    if plain and len(params) == len(fields):
        _insert_sql[shape] = (sql, fields)
    return sql, params


# (model, has its key, ignore conflicts, database alias) -> (INSERT SQL, the fields of its values)
_insert_sql: dict[tuple, tuple[str, list[models.Field]]] = {}


def _compiled_insert(obj: models.Model, *, using: str, ignore_conflicts: bool) -> tuple[str, list]:
    query = InsertQuery(type(obj), on_conflict=OnConflict.IGNORE if ignore_conflicts else None)
    query.insert_values(insertable_fields(type(obj), with_key=obj.pk is not None), [obj])
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


def reserve_keys_statement(model: type[models.Model], count: int, *, using: str = "default") -> tuple[str, list] | None:
    """A statement that takes ``count`` new keys from ``model``'s key sequence (PostgreSQL), to
    send with other statements: rows that get their key before they are inserted can be
    inserted together with rows that point at them (``InsertBatch``). None elsewhere (SQLite
    has no sequence: insert first, then use the key)."""
    if connections[using].vendor != "postgresql" or count < 1:
        return None
    meta = model._meta
    table = connections[using].ops.quote_name(meta.db_table)  # parsed as an identifier; the column is taken literally
    return "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, meta.pk.column, count]


RowT = TypeVar("RowT", bound=models.Model)


@dataclass
class _Pending:
    obj: models.Model
    ignore_conflicts: bool
    then: Callable[[Any], None] | None


class InsertBatch:
    """New rows to insert in one round trip at the end of a block (``inserts_batched``).

    A registration writes its row, its activity line and its e-mail row; one by one that is
    three round trips inside the seat lock, together one. Rows are inserted in the order they
    were added; each one's ``then`` runs after the flush with the saved row, or None when
    ``ignore_conflicts`` skipped it.
    """

    def __init__(self, using: str = "default") -> None:
        self.using = using
        self.pending: list[_Pending] = []

    def add(self, obj: RowT, *, ignore_conflicts: bool = False, then: Callable[[RowT | None], None] | None = None) -> None:
        self.pending.append(_Pending(obj, ignore_conflicts, then))

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        if not pending:
            return
        statements = [insert_statement(p.obj, using=self.using, ignore_conflicts=p.ignore_conflicts) for p in pending]
        for item, rows in zip(pending, fetch_together(statements, using=self.using), strict=True):
            if rows:
                adopt_inserted(item.obj, rows, using=self.using)
            if item.then is not None:
                item.then(item.obj if rows else None)


@contextlib.contextmanager
def inserts_batched(using: str = "default") -> Iterator[InsertBatch]:
    """Inside the block, ``insert_row`` adds to one batch, flushed when the block ends without an
    error (an error rolls the transaction back anyway: nothing is sent)."""
    outer = getattr(_batches, "current", None)
    batch = InsertBatch(using)
    _batches.current = batch
    try:
        yield batch
        batch.flush()
    finally:
        _batches.current = outer


def inserts_pending() -> bool:
    """Whether an ``inserts_batched`` block is open in this thread (rows added wait for its end)."""
    return getattr(_batches, "current", None) is not None


def insert_row(obj: RowT, *, ignore_conflicts: bool = False, then: Callable[[RowT | None], None] | None = None) -> None:
    """Insert the new ``obj`` now, or with the batch of the enclosing ``inserts_batched`` block.

    ``then(obj)`` (or ``then(None)`` when ``ignore_conflicts`` skipped it) runs once it is
    inserted. Outside a batch, ``obj.save()`` (with its signals) unless conflicts are ignored.
    """
    batch: InsertBatch | None = getattr(_batches, "current", None)
    if batch is not None:
        batch.add(obj, ignore_conflicts=ignore_conflicts, then=then)
        return
    if ignore_conflicts:
        alone = InsertBatch(obj._state.db or "default")
        alone.add(obj, ignore_conflicts=True, then=then)
        alone.flush()
        return
    obj.save(force_insert=True)
    if then is not None:
        then(obj)
