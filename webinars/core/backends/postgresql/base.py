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
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import _queries as psycopg_queries
from psycopg.pq import TransactionStatus

CACHED_QUERY_MAX_BYTES = 16_384
CACHED_QUERY_MAX_PARAMETERS = 200
psycopg_queries.MAX_CACHED_STATEMENT_LENGTH = max(psycopg_queries.MAX_CACHED_STATEMENT_LENGTH, CACHED_QUERY_MAX_BYTES)
psycopg_queries.MAX_CACHED_STATEMENT_PARAMS = max(psycopg_queries.MAX_CACHED_STATEMENT_PARAMS, CACHED_QUERY_MAX_PARAMETERS)

_QUIET = (TransactionStatus.IDLE, TransactionStatus.INTRANS)


class DatabaseWrapper(base.DatabaseWrapper):
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
