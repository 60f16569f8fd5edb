"""Reads shared by every app."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError

from .models import ContentVersion

# Per-process memo of the content version: one tiny query a second at most per process.
_MEMO_SECONDS = 1.0
_memo: dict[str, float | int] = {"version": 0, "read_at": 0.0}
CACHE_KEY = "content-version"


def _from_database() -> int:
    try:
        return ContentVersion.objects.filter(pk=1).values_list("version", flat=True).first() or 1
    except DatabaseError:
        return 0


def content_version() -> int:
    """The number in every cached page's key; it goes up with every content edit.

    With a shared cache (``CONTENT_VERSION_IN_CACHE``) it is read from there on every call,
    so all application servers see an edit at once; the database is read only when the
    cache lost it. Otherwise each process keeps it for a second.
    """
    if getattr(settings, "CONTENT_VERSION_IN_CACHE", False):
        version = cache.get(CACHE_KEY)
        if version is None:
            version = _from_database()
            if version:
                cache.add(CACHE_KEY, version, None)
        return int(version)
    now = time.monotonic()
    if now - float(_memo["read_at"]) < _MEMO_SECONDS and _memo["version"]:
        return int(_memo["version"])
    version = _from_database()
    _memo.update(version=version, read_at=now)
    return int(version)


def forget_content_version(*, committed: bool = True) -> None:
    """Drop what this process knows; once the bump is ``committed``, store it in the shared cache.

    ``set`` replaces the old number, and a reader that read the database before the commit
    cannot put its old number back (it only ``add``s). Before the commit nothing is shared:
    another server would cache pages of the old content under the new number.
    """
    _memo.update(version=0, read_at=0.0)
    if committed and getattr(settings, "CONTENT_VERSION_IN_CACHE", False):
        version = _from_database()
        if version:
            cache.set(CACHE_KEY, version, None)
