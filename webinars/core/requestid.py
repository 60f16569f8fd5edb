"""The request id: one id per web request, carried into the log lines and the tasks it queues.

nginx generates it (``$request_id``) and passes it as ``X-Request-ID``; without a proxy the
application makes one. A task queued during the request gets the id as an argument and runs
under it, so ``grep <id>`` over every machine's logs finds the request and its e-mail.
"""

from __future__ import annotations

import contextlib
import contextvars
import re
import uuid
from collections.abc import Iterator

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def current_request_id() -> str:
    """The id of the request (or task) being handled, or "" outside of one."""
    return _current.get()


def request_id_from_header(value: str | None) -> str:
    """The proxy's id when it looks like one (never a client's free text in our logs), else a new one."""
    if value and _VALID.match(value):
        return value
    return uuid.uuid4().hex


@contextlib.contextmanager
def request_id_context(value: str) -> Iterator[str]:
    """Run the block under ``value`` (a task runs under the id of the request that queued it)."""
    token = _current.set(value or "")
    try:
        yield value
    finally:
        _current.reset(token)
