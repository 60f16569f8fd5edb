"""A fixed-window rate limit in the shared cache (``caches["shared"]``: Redis, or a database
table in the embedded setup), so every server process counts together."""

from __future__ import annotations

import hashlib
import ipaddress
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest


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


def over_limit(scope: str, identity: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit for ``identity`` in ``scope``; True once it exceeds ``limit`` in the window."""
    if limit <= 0:
        return False
    cache = caches["shared"]
    window = int(time.time() // window_seconds)
    digest = hashlib.blake2b(identity.encode(), digest_size=12).hexdigest()
    key = f"rl:{scope}:{window}:{digest}"
    cache.add(key, 0, window_seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, window_seconds + 5)
        count = 1
    return count > limit


def registration_over_limit(request: HttpRequest) -> bool:
    return over_limit(
        "register",
        client_address(request),
        limit=settings.REGISTRATION_RATE_LIMIT,
        window_seconds=settings.REGISTRATION_RATE_WINDOW_SECONDS,
    )
