"""Encryption of the platforms' secrets at rest: Fernet with ``settings.PLATFORM_SECRETS_KEY``.

The setting holds one key or several, comma-separated, newest first (``MultiFernet``): to rotate,
put a new key in front, run ``manage.py rotate_platform_secrets`` (re-encrypts every stored
secret with the first key), then drop the old key.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet() -> MultiFernet:
    keys = [k.strip() for k in str(getattr(settings, "PLATFORM_SECRETS_KEY", "") or "").split(",") if k.strip()]
    if not keys:
        raise ImproperlyConfigured("PLATFORM_SECRETS_KEY is not set: meeting platforms' secrets cannot be stored.")
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except ValueError as error:
        raise ImproperlyConfigured(f"PLATFORM_SECRETS_KEY is not a valid Fernet key: {error}") from error


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode() if plain else ""


def decrypt(token: str) -> str:
    """The stored secret; "" when none was stored or the key that encrypted it is gone."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def rotate(token: str) -> str:
    return _fernet().rotate(token.encode()).decode() if token else ""
