"""Copies of sent e-mail in the mail folder (``var/mail/``, Django's file back end, used when no
SMTP server is configured): erasure deletes every file that holds a message to an erased address."""

from __future__ import annotations

import email
import email.policy
import logging
from collections.abc import Iterable
from email.utils import getaddresses
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)
SEPARATOR = b"-" * 79  # Django's file back end writes this line after each message


def mail_folder() -> Path | None:
    if settings.EMAIL_BACKEND != "django.core.mail.backends.filebased.EmailBackend":
        return None
    return Path(settings.EMAIL_FILE_PATH)


def recipients_of(path: Path) -> set[str]:
    """Lower-case addresses in the To, Cc and Bcc of every message in one file."""
    found: set[str] = set()
    for chunk in path.read_bytes().split(SEPARATOR):
        if chunk.strip():
            message = email.message_from_bytes(chunk.strip(), policy=email.policy.compat32)
            fields = [str(v) for name in ("To", "Cc", "Bcc") for v in message.get_all(name, [])]
            found |= {address.lower() for _name, address in getaddresses(fields)}
    return found


def forget_addresses(addresses: Iterable[str]) -> int:
    """Delete the mail folder's files with a message to one of ``addresses``; returns how many."""
    folder = mail_folder()
    wanted = {a.strip().lower() for a in addresses if a}
    if folder is None or not folder.is_dir() or not wanted:
        return 0
    deleted = 0
    for path in folder.iterdir():
        try:
            if path.is_file() and recipients_of(path) & wanted:
                path.unlink()
                deleted += 1
        except OSError:
            logger.exception("Could not read or delete %s", path)
    return deleted
