"""JSON log lines (``LOG_FORMAT=json``): one object per line, with the request id.

Log collectors (journald → Loki, Vector, Filebeat…) read these without parsing rules. Extra
fields given with ``logger.info(..., extra={...})`` become keys of the object.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

from .requestid import current_request_id

# The token part of link paths (self-service, join, calendar, survey, certificate check and
# password links): logs of every kind (gunicorn's, the application's) show ``[token]`` instead.
_TOKEN_PATHS = re.compile(
    r"(?P<prefix>/(?:r/confirm|r|j|c|feedback|verify|organise/password/[^/?#\s]+))/(?P<token>[^/?#\s]+)",
)


def redact(text: str) -> str:
    """``text`` with every token of a link path replaced by ``[token]``."""
    if not text:
        return text

    def hide(match: re.Match) -> str:
        if match.group("prefix") == "/r" and match.group("token") == "confirm":
            return match.group(0)
        return f"{match.group('prefix')}/[token]"

    return _TOKEN_PATHS.sub(hide, text)


# Attributes every LogRecord has; anything else was passed in ``extra=`` and is logged as a key.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    """Stamp every record with the current request id (also in the text format)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "") or current_request_id()
        if request_id:
            entry["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
