"""Database helpers shared by the apps."""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator

from django.db import connection

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
