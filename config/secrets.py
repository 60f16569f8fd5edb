"""Per-installation secrets kept in ``var/`` (never committed, never shared between installations).

``make run`` (any ``manage.py`` command with the base settings) creates them on the first run;
production settings only read them (or the environment) and refuse to start without them,
because several servers of one installation must share the same keys (see README
"Secrets"). The files are created atomically (written aside, then linked into place), so two
processes starting at once end with the same key.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

# Keys known from the source code (earlier defaults) are refused everywhere.
KNOWN_KEYS = frozenset({"dev-insecure-key-change-me-in-production-0123456789"})


def installation_secret(var_dir: Path, name: str, *, create: bool, fernet: bool = False) -> str | None:
    """The secret stored in ``var_dir/name``; made (64 random bytes, URL-safe) when missing and ``create``.

    ``fernet``: a key in the form Fernet needs (32 random bytes, URL-safe base64).
    """
    path = Path(var_dir) / name
    try:
        return _read(path)
    except FileNotFoundError:
        if not create:
            return None
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        value = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() if fernet else secrets.token_urlsafe(64)
        handle.write(value + "\n")
    try:
        os.link(aside, path)  # fails when another process won the race: read theirs
    except FileExistsError:
        pass
    finally:
        aside.unlink()
    return _read(path)


def _read(path: Path) -> str:
    value = path.read_text().strip()
    if not value:
        raise FileNotFoundError(path)
    return value
