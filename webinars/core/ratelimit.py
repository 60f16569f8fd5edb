"""A fixed-window rate limit in the shared cache (no third-party service)."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP; behind a trusted proxy (TRUST_X_FORWARDED_FOR) the first forwarded one."""
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def over_limit(scope: str, identity: str, *, limit: int, window_seconds: int) -> bool:
    """Count one hit for ``identity`` in ``scope``; True once it exceeds ``limit`` in the window."""
    if limit <= 0:
        return False
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
