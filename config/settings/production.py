"""Production settings: base settings plus HTTPS hardening.

The installation's keys come from the environment (``SECRET_KEY``, ``PSEUDONYM_KEY``) or from
``var/secret_key`` and ``var/pseudonym_key`` (made by ``make run`` or restored by
``manage.py restore``); without them, or with a key known from the source, this refuses to start.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from config.secrets import KNOWN_KEYS

from .base import *  # noqa: F403 -- settings modules extend the base namespace by design

DEBUG = False
for _name, _value in (("SECRET_KEY", SECRET_KEY), ("PSEUDONYM_KEY", PSEUDONYM_KEY)):  # noqa: F405
    if len(_value) < 50 or _value in KNOWN_KEYS:
        raise ImproperlyConfigured(
            f"{_name} is missing, too short or publicly known: set it in the environment or in var/{_name.lower()} "
            "(`make run` or `manage.py restore` makes one)."
        )


def _valid_fernet_keys(value: str) -> bool:
    from cryptography.fernet import Fernet

    try:
        return all(Fernet(key.strip().encode()) for key in value.split(",")) and bool(value.strip())
    except ValueError:
        return False


if not _valid_fernet_keys(PLATFORM_SECRETS_KEY):  # noqa: F405 -- from base
    raise ImproperlyConfigured(
        "PLATFORM_SECRETS_KEY is missing or not a Fernet key: set it in the environment or in var/platform_secrets_key "
        '(`make run` or `manage.py restore` makes one; README "Meeting platforms").'
    )
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)  # noqa: F405 -- from base
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Superusers sign in with a second factor (webinars.accounts).
TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = True
