"""Keyed hashes (HMAC-SHA256 with ``settings.PSEUDONYM_KEY``) that stand for a person.

Reach reports must know that two registrations are the same person without keeping the
address, and erasure must keep that knowledge: an erased registration's address becomes
``erased-<hash>@erased.invalid``, and reports count people by the hash. Without the key
(kept on the server, in ``var/`` or the environment; never shown to organisers) nobody can
test a guessed address against a hash.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings

ERASED_DOMAIN = "erased.invalid"
_ERASED = re.compile(r"^erased-([0-9a-f]{64})@erased\.invalid$")


def person_hash(email: str) -> str:
    """The keyed hash of an address (case and surrounding spaces do not matter)."""
    key = settings.PSEUDONYM_KEY.encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()


def erased_address(email: str) -> str:
    """What an erased row keeps in place of ``email``: no address, the same person for counting."""
    found = _ERASED.match(email)
    return email if found else f"erased-{person_hash(email)}@{ERASED_DOMAIN}"


def person_key(identity: str) -> str:
    """The report key of an address, an erased address (same key as before erasure) or any other identity."""
    found = _ERASED.match(identity)
    return found.group(1) if found else person_hash(identity)
