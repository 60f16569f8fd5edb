""" "Send me fresh links": the request from an expired or unknown link's page, answered in the background.

The page must not tell anyone whether an address is registered, not even by how long it
takes to answer. So the request does the same work for every address: it counts the
request against the client's and the address's limits (the shared cache), puts the address
in the shared cache under a random key (an hour at most, removed when read) and enqueues
``fresh_links_send`` with that key. The task, in the worker, looks the address up and
queues the e-mail if there is anything to send. The task queue's row holds only the random
key, never the address.
"""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest
from django_tasks import task

from webinars.core.ratelimit import client_address, over_limit

from . import services

logger = logging.getLogger(__name__)

STASH_SECONDS = 3600
PREFIX = "fresh-links:"


def client_over_limit(request: HttpRequest) -> bool:
    """Count one request from this client; True once it is over ``LINK_REQUESTS_PER_CLIENT_PER_HOUR``."""
    return over_limit("links-client", client_address(request), limit=settings.LINK_REQUESTS_PER_CLIENT_PER_HOUR, window_seconds=3600)


def fresh_links_request(*, email: str) -> str | None:
    """Ask for fresh links for ``email``: returns the random key the address waits under, or None
    when the address is over its limit (nothing is sent). The caller answers the same either way.
    """
    email = email.strip().lower()
    if over_limit("links-to", email, limit=settings.LINK_REQUESTS_PER_ADDRESS_PER_HOUR, window_seconds=3600):
        return None
    key = secrets.token_urlsafe(24)
    caches["shared"].set(PREFIX + key, email, STASH_SECONDS)
    transaction.on_commit(lambda: _enqueue(key))
    return key


def _enqueue(key: str) -> None:
    try:
        fresh_links_send.enqueue(key)
    except Exception:  # noqa: BLE001 -- the registrant can ask again; the page must not fail
        logger.exception("Could not enqueue a fresh-links request")
        caches["shared"].delete(PREFIX + key)


@task()
def fresh_links_send(key: str) -> int:
    """Send the fresh links asked for under ``key`` (once: the address is removed as it is read)."""
    cache = caches["shared"]
    email = cache.get(PREFIX + key)
    cache.delete(PREFIX + key)
    if not email:
        return 0
    return services.booking_links_send(email=email)
