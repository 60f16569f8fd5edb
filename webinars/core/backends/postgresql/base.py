"""Django's PostgreSQL backend, with a connection health check that costs no round trip.

``CONN_HEALTH_CHECKS`` makes Django check a kept connection at the start of each request
(so that the first request after a database restart does not fail). Its check is a
``SELECT 1``: a round trip to the server on every request, for most requests one in four
or five of all the trips they make. A connection that sits idle between requests receives
nothing unless the server closed it (a restart, ``pg_terminate_backend``, an idle time-out:
it writes the reason, then closes) or, rarely, sends a notice. So: ask the kernel, without
waiting, whether the socket has anything to read. Nothing: usable. Something: Django's own
check decides (and reads what arrived).
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus

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
