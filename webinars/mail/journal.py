"""A worker's journal of messages the SMTP server accepted but the database does not yet say "sent".

Delivery sends a batch over one connection and marks the batch sent in one statement. A
worker killed in between would leave accepted messages looking unsent, and they would be sent
twice after the claim goes stale. So right after each "250 OK" the message id is appended to
this process's journal (one ``write`` to a file: it survives the process being killed, as the
kernel keeps it), and the journal is emptied once the batch is marked sent. Claims carry the journal's name.

Each live worker holds an exclusive ``flock`` on its own journal. A journal whose lock can be
taken belongs to a dead worker: the next delivery or retry run on the same machine marks its
ids sent and hands the dead worker's other claims back to the queue (``orphans_replay``). Workers on several
machines each keep their journal on their own disk; the stale-claim delay (15 minutes) leaves
a restarted worker ample time to replay its predecessor's.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
from collections.abc import Callable
from pathlib import Path

from django.conf import settings


def _directory() -> Path:
    path = Path(getattr(settings, "MAIL_JOURNAL_DIR", "") or Path(settings.VAR_DIR) / "mail-journal")
    path.mkdir(parents=True, exist_ok=True)
    return path


class Journal:
    """This process's journal (opened once per process, locked while the process lives)."""

    _instance: Journal | None = None

    def __init__(self) -> None:
        self.name = f"{socket.gethostname()}-{os.getpid()}"
        self.path = _directory() / f"{self.name}.journal"
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        self.pid = os.getpid()
        # A dead worker that had our pid (a restarted container) left this journal and claims
        # under our name: replayed once, like any orphan's, before we claim anything.
        self.inherited: list[int] | None = _read_ids(self.path)

    @classmethod
    def current(cls) -> Journal:
        if cls._instance is None or cls._instance.pid != os.getpid() or not cls._instance.path.exists():
            cls._instance = cls()
        return cls._instance

    def record(self, message_id: int) -> None:
        os.write(self.fd, b"%d\n" % message_id)

    def clear(self) -> None:
        os.ftruncate(self.fd, 0)


def _read_ids(path: Path) -> list[int]:
    ids = []
    for line in path.read_bytes().splitlines():
        with contextlib.suppress(ValueError):
            ids.append(int(line))
    return ids


def orphans_replay(on_orphan: Callable[[str, list[int]], None]) -> int:
    """Call ``on_orphan(worker name, ids it sent)`` for each dead worker's journal, then delete it.

    ``on_orphan`` marks those ids sent and hands back the dead worker's other claims. Returns
    how many journals were replayed.
    """
    journal = Journal.current()
    replayed = 0
    if journal.inherited is not None:
        on_orphan(journal.name, journal.inherited)
        replayed, journal.inherited = int(bool(journal.inherited)), None
        journal.clear()
    for path in _directory().glob("*.journal"):
        if path == journal.path:
            continue
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a live worker's
            on_orphan(path.stem, _read_ids(path))
            replayed += 1
            path.unlink(missing_ok=True)
        finally:
            os.close(fd)
    return replayed
