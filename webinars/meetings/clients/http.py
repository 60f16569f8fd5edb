"""Plain HTTP for the platform clients (the standard library: no HTTP package is a dependency).

Every failure becomes a ``PlatformError`` that says whether trying again may help
(``temporary``: network errors, 429, 5xx) and after how long the platform asked us to wait
(``Retry-After``, seconds or an HTTP date).
"""

from __future__ import annotations

import email.utils
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

TIMEOUT_SECONDS = 15


class PlatformError(Exception):
    """A platform call that failed; ``message`` is in plain words for the organiser."""

    def __init__(self, message: str, *, status: int | None = None, temporary: bool = True, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.temporary = temporary
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds from now (RFC 9110: delay-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - timezone.now()).total_seconds())


def request(method: str, url: str, *, headers: dict[str, str] | None = None, body: bytes | None = None) -> Response:
    """One HTTP request; any answer (also 4xx/5xx) is returned, only an unreachable server raises."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310 -- http(s) addresses checked by the forms
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310 -- as above
            return Response(answer.status, answer.read(), {k.lower(): v for k, v in answer.headers.items()})
    except urllib.error.HTTPError as answer:
        return Response(answer.code, answer.read() or b"", {k.lower(): v for k, v in (answer.headers or {}).items()})
    except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise PlatformError(f"The server could not be reached ({reason}).", temporary=True) from error
