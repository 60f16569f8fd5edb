"""Personal links that carry their own proof: signed, versioned and dated; nothing is stored.

A registrant's self-service, confirmation, join and survey links are made when an e-mail or
a page is rendered: ``link_token`` signs (HMAC-SHA256 with ``SECRET_KEY``, a salt per
purpose) the uuid of what the link opens, that row's *link version* and the moment it was
made. The database holds the uuid and the version, never a token or anything that lets its
reader make one: forging a link takes ``SECRET_KEY``, which lives in ``var/`` or the
environment, not in the database. Raising a row's version revokes every link made before
(erasure does); a link also expires ``months`` after the later of its making and the
webinar's end (``link_expires_at``), and the registrant can ask for fresh links by e-mail.

Tokens e-mailed before links were signed were random strings stored as such; they are kept
only as their SHA-256 (``legacy_token_hash``) so those links work until they expire.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import time
import uuid
from dataclasses import dataclass
from typing import Generic, TypeVar

from dateutil.relativedelta import relativedelta
from django.core import signing
from django.utils import timezone

SALT_PREFIX = "webinars.link."

T = TypeVar("T")


@dataclass(frozen=True)
class Opened(Generic[T]):
    """What a link opened: the row (None for a link that is not genuine or was revoked), and
    whether the link has expired (the row is then given only to say so, never shown)."""

    obj: T | None = None
    expired: bool = False

    @property
    def live(self) -> T | None:
        return None if self.expired else self.obj


class _DatedSigner(signing.TimestampSigner):
    """A TimestampSigner whose moment can be chosen (tests make links "issued a year ago")."""

    def __init__(self, *, salt: str, at: float | None = None) -> None:
        super().__init__(salt=salt, algorithm="sha256")
        self._at = at

    def timestamp(self) -> str:
        return signing.b62_encode(int(self._at if self._at is not None else time.time()))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def link_token(*, purpose: str, key: uuid.UUID, version: int, issued_at: dt.datetime | None = None) -> str:
    """A fresh token for the ``purpose`` link of the row ``key`` at link version ``version``."""
    signer = _DatedSigner(salt=SALT_PREFIX + purpose, at=issued_at.timestamp() if issued_at else None)
    return signer.sign(f"{_b64(key.bytes)}.{version}")


@dataclass(frozen=True)
class LinkClaim:
    """What a genuine token says: the row, its link version then, and when it was made."""

    key: uuid.UUID
    version: int
    issued_at: dt.datetime


def link_read(token: str, *, purpose: str) -> LinkClaim | None:
    """The claim of a token made by ``link_token`` for ``purpose``, or None if it is not one.

    Only the signature is checked here; whether the row still has that version and whether
    the link has expired depend on the row (``link_expires_at``).
    """
    if not token or len(token) > 200:
        return None
    signer = _DatedSigner(salt=SALT_PREFIX + purpose)
    try:
        value = signer.unsign(token)
    except signing.BadSignature:
        return None
    encoded, _, version = value.partition(".")
    try:
        key = uuid.UUID(bytes=base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
        issued = signing.b62_decode(token.rsplit(":", 2)[1])
        return LinkClaim(key=key, version=int(version), issued_at=dt.datetime.fromtimestamp(issued, tz=dt.UTC))
    except (ValueError, binascii.Error, IndexError):
        return None  # signed by us, so never happens; a changed format must not raise


def legacy_claim(token: str, *, salt: str) -> LinkClaim | None:
    """A self-service or confirmation token of the first format (``signing.dumps`` of the
    booking's uuid, no version): still accepted, as version 0, until it expires."""
    if not token or len(token) > 200:
        return None
    try:
        value = signing.loads(token, salt=salt)
        issued = signing.b62_decode(token.rsplit(":", 2)[1])
        return LinkClaim(key=uuid.UUID(str(value)), version=0, issued_at=dt.datetime.fromtimestamp(issued, tz=dt.UTC))
    except (signing.BadSignature, ValueError, TypeError, IndexError):
        return None


def legacy_token_hash(token: str) -> str:
    """How a random token of the first format is kept: its SHA-256 (256 random bits need no salt)."""
    return hashlib.sha256(token.encode()).hexdigest()


def link_expires_at(*, issued_at: dt.datetime, ends_at: dt.datetime | None, months: int) -> dt.datetime:
    """A link works ``months`` after the later of its making and the end of the (last) webinar it is about.

    So a link e-mailed before a webinar lasts until ``months`` after it, and a fresh link
    asked for later lasts ``months`` from then.
    """
    base = max(issued_at, ends_at) if ends_at else issued_at
    return base + relativedelta(months=months)


def link_is_live(claim: LinkClaim, *, version: int, ends_at: dt.datetime | None, months: int, now: dt.datetime | None = None) -> bool:
    """The claim names the row's current version and has not expired."""
    if claim.version != version:
        return False
    return (now or timezone.now()) < link_expires_at(issued_at=claim.issued_at, ends_at=ends_at, months=months)
