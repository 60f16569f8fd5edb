"""Which platform wrote a report: read from the header lines, never by parsing the whole file.

``detect_format`` decodes the first 64 KB only (the encoding as ``CsvSource`` would choose
it), splits the first rows with the detected delimiter and looks for each known report's
signature: the section titles and header cells its parser relies on. It answers the
format's name or ``None`` (a file no known parser recognises: the generic CSV with a
column mapping). The cost does not grow with the file; the full read happens once, in
``read_report``.
"""

from __future__ import annotations

import csv
import io

from .base import DELIMITERS, detect_delimiter, detect_encoding, header_key

HEAD_BYTES = 65536
HEAD_ROWS = 60

_ZOOM_WEBINAR_TITLES = {"attendee report", "webinar attendee report", "attendee details", "host details", "panelist details"}
_TEAMS_SECTIONS = {"1. summary", "2. participants", "3. in-meeting activities", "meeting summary"}
_ZOOM_NAMES = {"name (original name)", "user name (original name)"}


def _head_rows(data: bytes) -> list[list[str]]:
    head = data[:HEAD_BYTES]
    # The encoding of the head alone: a UTF-8 character cut at the end is not a Windows code page.
    encoding = detect_encoding(head[:-4] if len(data) > HEAD_BYTES else head)
    text = head.decode(encoding, errors="replace")
    if len(data) > HEAD_BYTES:
        text = text.rsplit("\n", 1)[0]  # the last line may be cut
    delimiter = detect_delimiter(text[:HEAD_BYTES])
    if delimiter not in DELIMITERS:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) >= HEAD_ROWS:
                break
    except csv.Error:
        pass  # an unbalanced quote in the head: decide on the rows read so far
    return rows


def detect_format(data: bytes) -> str | None:
    """The report format of ``data`` ("zoom_webinar", "zoom_meeting", "teams", "bigbluebutton") or None."""
    if not data.strip():
        return None
    for row in _head_rows(data):
        keys = [header_key(cell) for cell in row]
        cells = [k for k in keys if k]
        if not cells:
            continue
        first = keys[0]
        alone = len(cells) == 1 and bool(first)
        if (alone and first in _ZOOM_WEBINAR_TITLES) or first in {"attendee report", "report generated"}:
            return "zoom_webinar"
        if alone and (first in _TEAMS_SECTIONS or first.endswith(". summary")):
            return "teams"
        present = set(cells)
        if "webinar id" in present and "topic" in present:
            return "zoom_webinar"
        if {"user action", "timestamp"} <= present or ({"first join", "last leave"} <= present):
            return "teams"
        if ("full name" in present or "name" in present) and "join time" in present and "role" in present:
            return "teams"  # "3. In-Meeting Activities" without its section title
        if "moderator" in present and ("activity score" in present or "duration" in present) and "name" in present:
            return "bigbluebutton"
        if _ZOOM_NAMES & present and "join time" in present:
            return "zoom_meeting"
        if "meeting id" in present and "topic" in present:
            return "zoom_meeting"
    return None
