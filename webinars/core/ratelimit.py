"""A fixed-window rate limit that every server process counts together: in Redis when
``REDIS_URL`` is set (the shared cache's atomic INCR), else in the database (``RateCounter``,
one upsert per hit)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import ipaddress
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from .db import hot_write_lock
from .models import RateCounter


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str:
    """The client's IP. Only when the direct peer (REMOTE_ADDR) is a trusted proxy
    (``settings.TRUSTED_PROXIES``), the rightmost X-Forwarded-For entry that is not itself a
    trusted proxy: entries to its left were written by the client and prove nothing."""
    address = request.META.get("REMOTE_ADDR", "")
    if not _trusted(address):
        return address
    for hop in reversed([h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]):
        if not _trusted(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return address  # a forged or broken entry: fall back to the proxy itself
    return address


def _window_key(scope: str, identity: str, window_seconds: int) -> tuple[str, float]:
    now = time.time()
    digest = hashlib.blake2b(identity.encode(), digest_size=12).hexdigest()
    return f"rl:{scope}:{int(now // window_seconds)}:{digest}", now + window_seconds + 5


def over_limit(scope: str, identity: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit for ``identity`` in ``scope``; True once it exceeds ``limit`` in the window."""
    if limit <= 0:
        return False
    key, expires = _window_key(scope, identity, window_seconds)
    if not settings.REDIS_URL:
        return _count_in_database(key, expires=expires) > limit
    cache = caches["shared"]
    cache.add(key, 0, window_seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, window_seconds + 5)
        count = 1
    return count > limit


@dataclass(frozen=True)
class PendingHit:
    """A hit of ``over_limit`` counted by a statement the caller sends with its own (in its
    transaction, e.g. with ``core.db.fetch_together``); ``is_over(rows)`` reads its answer."""

    sql: str
    params: list
    limit: int

    def is_over(self, rows: list[tuple]) -> bool:
        return int(rows[0][0]) > self.limit


def pending_hit(scope: str, identity: str, *, limit: int, window_seconds: int) -> PendingHit | None:
    """``over_limit``'s counting statement when counts are kept in the database (no Redis), to be
    sent together with other statements; None otherwise (no limit: not over; Redis: call
    ``over_limit``). Counted in the caller's transaction: a rolled-back attempt counts nothing."""
    if limit <= 0 or settings.REDIS_URL:
        return None
    key, expires = _window_key(scope, identity, window_seconds)
    return PendingHit(_upsert_sql(connection.vendor), _upsert_params(key, expires), limit)


@lru_cache(maxsize=2)
def _upsert_sql(vendor: str) -> str:
    q = connection.ops.quote_name
    table, key, count, expires = q(RateCounter._meta.db_table), q("key"), q("count"), q("expires_at")
    # Only quoted names are formatted in; the values are parameters.
    upsert = f"INSERT INTO {table} ({key}, {count}, {expires}) VALUES (%s, 1, %s) "  # noqa: S608
    return upsert + f"ON CONFLICT ({key}) DO UPDATE SET {count} = {table}.{count} + 1 RETURNING {count}"


def _upsert_params(key: str, expires: float) -> list:
    return [key, connection.ops.adapt_datetimefield_value(dt.datetime.fromtimestamp(expires, tz=dt.UTC))]


def _count_in_database(key: str, *, expires: float) -> int:
    """Count one hit of ``key`` and return the window's total, in one statement (SQLite 3.35+
    and PostgreSQL both have ``ON CONFLICT ... RETURNING``)."""
    # On SQLite a write outside a transaction queues with the other hot writers (registrations)
    # in the kernel, not in SQLite's sleeping busy loop. Inside a transaction the database
    # lock is already taken (IMMEDIATE): waiting for the file lock then could deadlock.
    queue = contextlib.nullcontext() if connection.in_atomic_block else hot_write_lock()
    with queue, connection.cursor() as cursor:
        cursor.execute(_upsert_sql(connection.vendor), _upsert_params(key, expires))
        return int(cursor.fetchone()[0])


def rate_counters_purge(*, now: dt.datetime | None = None) -> int:
    """Delete the counters of windows that are over (the periodic job calls this)."""
    deleted, _ = RateCounter.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted


def registration_over_limit(request: HttpRequest) -> bool:
    return over_limit(
        "register",
        client_address(request),
        limit=settings.REGISTRATION_RATE_LIMIT,
        window_seconds=settings.REGISTRATION_RATE_WINDOW_SECONDS,
    )
