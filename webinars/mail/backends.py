"""The SMTP backend the worker sends with: Django's, with the envelope addresses worked out faster.

Django parses every envelope address with the standard library's full RFC 5322 parser
(``sanitize_address``), twice per message: a tenth of a reminder's sending time. The sender is
the same for every message (kept), and a plain ``local@domain`` recipient, what nearly every
registrant has, comes out of that parser unchanged (a test checks), so it is used as it is.
Anything else still goes through ``sanitize_address``.
"""

from __future__ import annotations

import functools
import re
import smtplib

from django.conf import settings
from django.core.mail.backends import smtp
from django.core.mail.message import EmailMessage, sanitize_address

# A dot-atom local part and an ASCII host name: what sanitize_address returns unchanged.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[a-z0-9-]+(?:\.[a-z0-9-]+)+\Z")


@functools.lru_cache(maxsize=64)
def _sanitized(address: str, encoding: str) -> str:
    return sanitize_address(address, encoding)


def envelope_address(address: str, encoding: str) -> str:
    """``sanitize_address(address, encoding)``, without parsing a plain address again."""
    if _PLAIN_ADDRESS.match(address):
        return address
    return _sanitized(address, encoding)


class SMTPBackend(smtp.EmailBackend):
    def _send(self, email_message: EmailMessage) -> bool:
        """As Django's ``_send`` (its checks and errors), with ``envelope_address``."""
        if not email_message.recipients():
            return False
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        from_email = envelope_address(email_message.from_email, encoding)
        recipients = [envelope_address(address, encoding) for address in email_message.recipients()]
        message = email_message.message()
        try:
            self.connection.sendmail(from_email, recipients, message.as_bytes(linesep="\r\n"))
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
