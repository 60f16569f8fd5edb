"""Django's PostgreSQL backend, with a connection health check that costs no round trip.

``CONN_HEALTH_CHECKS`` makes Django check a kept connection at the start of each request
(so that the first request after a database restart does not fail). Its check is a
``SELECT 1``: a round trip to the server on every request, for most requests one in four
or five of all the trips they make. A connection that sits idle between requests receives
nothing unless the server closed it (a restart, ``pg_terminate_backend``, an idle time-out:
it writes the reason, then closes) or, rarely, sends a notice. So: ask the kernel, without
waiting, whether the socket has anything to read. Nothing: usable. Something: Django's own
check decides (and reads what arrived).

Also: psycopg keeps the conversion of a query's ``%s`` placeholders per query text (its
``_queries`` module, an LRU cache of 128 texts), but only for texts of at most 4,096 bytes
with at most 50 parameters. The rows a registration writes go to the server together
(``core.db.fetch_together``): one text of ~5 KB with 56 parameters, the same on every
request, converted anew each time (0.1–0.2 ms of a registration's ~2 ms in Python). The
limits are raised for that; a psycopg without them fails ``tests/core/test_db_helpers.py``.

And: a transaction's ``BEGIN`` goes to the server with its first statement. psycopg, out of
autocommit, sends ``BEGIN`` alone before a transaction's first statement: a round trip of
its own, in every ``transaction.atomic()`` block (a registration makes four trips under the
seat lock's transaction: ``BEGIN``, the lock with its reads, the writes, ``COMMIT``). Here
the driver's connection stays in autocommit and Django's "not autocommit" is kept beside
it; the cursor (client-side binding, as Django's default) puts ``BEGIN`` before the first
statement's text while no transaction is open, as one simple query (psycopg's own rule:
begin when a statement runs outside a transaction while one is wanted). Statements that
cannot carry it (``COPY``, ``executemany``, a server-side cursor's ``DECLARE``) send it
alone first, as psycopg would. ``COMMIT`` and ``ROLLBACK`` are psycopg's own (they look at
the server's transaction status, not at the autocommit flag).
"""

from __future__ import annotations

import select
from typing import Any

from django.db.backends.postgresql import base
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg import ProgrammingError
from psycopg import _queries as psycopg_queries
from psycopg.postgres import types as postgres_types
from psycopg.pq import Format, TransactionStatus

CACHED_QUERY_MAX_BYTES = 16_384
CACHED_QUERY_MAX_PARAMETERS = 200
psycopg_queries.MAX_CACHED_STATEMENT_LENGTH = max(psycopg_queries.MAX_CACHED_STATEMENT_LENGTH, CACHED_QUERY_MAX_BYTES)
psycopg_queries.MAX_CACHED_STATEMENT_PARAMS = max(psycopg_queries.MAX_CACHED_STATEMENT_PARAMS, CACHED_QUERY_MAX_PARAMETERS)

_QUIET = (TransactionStatus.IDLE, TransactionStatus.INTRANS)
_TIMESTAMPTZ_OID = postgres_types["timestamptz"].oid
# On the driver's connection: whether Django wants a transaction (it is not in autocommit).
_WANTED = "_webinars_transaction_wanted"


def _begin_statement(raw: Any) -> bytes:
    """The ``BEGIN`` psycopg sends for this connection's isolation level, read-only and
    deferrable settings (psycopg's own, kept until one of them changes)."""
    return raw._get_tx_start_command()


def _begin_due(raw: Any) -> bool:
    """A transaction is wanted and none is open on the server."""
    return getattr(raw, _WANTED, False) and raw.pgconn.transaction_status == TransactionStatus.IDLE


class Cursor(base.Cursor):
    """Django's client-side binding cursor that opens a wanted transaction with the statement."""

    def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None) -> Cursor:
        raw = self.connection
        if not _begin_due(raw):
            return super().execute(query, params, prepare=prepare, binary=binary)
        if not isinstance(query, (str, bytes)):  # a composed query (psycopg.sql), rare: BEGIN alone, as psycopg would
            self.begin_if_due()
            return super().execute(query, params, prepare=prepare, binary=binary)
        begin = _begin_statement(raw)
        query = begin.decode() + "; " + query if isinstance(query, str) else begin + b"; " + query
        super().execute(query, params, prepare=False, binary=binary)
        self.nextset()  # the statement's own result, as if it had been sent alone
        return self

    def begin_if_due(self) -> None:
        """Send a wanted ``BEGIN`` now, alone (before what cannot carry it)."""
        if _begin_due(self.connection):
            super().execute(_begin_statement(self.connection))

    def executemany(self, query: Any, params_seq: Any, *, returning: bool = False) -> None:
        self.begin_if_due()
        super().executemany(query, params_seq, returning=returning)

    def copy(self, statement: Any, params: Any = None, *, writer: Any = None) -> Any:
        self.begin_if_due()
        return super().copy(statement, params, writer=writer)

    def stream(self, query: Any, params: Any = None, *, binary: bool | None = None, size: int = 1) -> Any:
        self.begin_if_due()
        return super().stream(query, params, binary=binary, size=size)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        if params.get("cursor_factory") is base.Cursor and not params.get("pool"):
            params["cursor_factory"] = Cursor
        return params

    def _defers_begin(self) -> bool:
        return self.connection is not None and self.connection.cursor_factory is Cursor

    def _set_autocommit(self, autocommit: bool) -> None:
        raw = self.connection
        if not self._defers_begin():
            return super()._set_autocommit(autocommit)
        with self.wrap_database_errors:
            status = raw.pgconn.transaction_status
            if autocommit and status not in (TransactionStatus.IDLE, TransactionStatus.UNKNOWN):
                # As psycopg refuses it: statements would silently run in the open transaction.
                raise ProgrammingError(f"can't change 'autocommit' now: connection in transaction status {TransactionStatus(status).name}")
            if not raw.autocommit:
                raw.autocommit = True
            setattr(raw, _WANTED, not autocommit)

    def create_cursor(self, name: str | None = None) -> Any:
        if not name or not self._defers_begin():
            return super().create_cursor(name)
        raw = self.connection
        # A server-side cursor's DECLARE opens the transaction itself; held past it only in autocommit.
        in_transaction = getattr(raw, _WANTED, False)
        if in_transaction:
            with raw.cursor() as opener:
                opener.begin_if_due()
        cursor = base.ServerSideCursor(raw, name=name, scrollable=False, withhold=not in_transaction)
        tzloader = raw.adapters.get_loader(_TIMESTAMPTZ_OID, Format.TEXT)
        if self.timezone != tzloader.timezone:
            register_tzloader(self.timezone, cursor)
        return cursor

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status not in _QUIET:
            # In a failed transaction (or mid-query) Django's answer is what it always was:
            # a statement there fails, so the connection is "not usable" (its test cases rely on it).
            return super().is_usable()
        try:
            poller = select.poll()
            poller.register(connection.pgconn.socket, select.POLLIN | select.POLLPRI)
            waiting = poller.poll(0)
        except (OSError, ValueError, base.Database.Error):
            return False
        if not waiting:
            return True
        return super().is_usable()
