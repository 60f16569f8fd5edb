"""Which platform wrote a report: recognised from its first lines, in any language of ``vocabulary``.

``detect_format`` reads at most the first ``SNIFF_ROWS`` rows (section titles and header
cells in English) and answers a format name of ``PARSERS``. A file it does not recognise
raises ``NotRecognised`` naming the headers it found and suggesting the generic mapping
(``describe_headers``), so the organiser can import it anyway.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from .base import CsvSource, Header, NotRecognised, ParseError, is_blank, rest_blank
from .vocabulary import english_header

SNIFF_ROWS = 60
SNIFF_BYTES = 256 * 1024
_NUMBERED = re.compile(r"^\d+\.\s*")
ZOOM_WEBINAR_TITLES = {"attendee report", "webinar attendee report", "attendee details", "host details", "panelist details"}
TEAMS_SECTIONS = {"summary", "meeting summary", "participants", "in-meeting activities"}
NAME_WORDS = ("name", "имя", "фио", "аты", "nombre", "imię", "participant", "участник", "teilnehmer")
EMAIL_WORDS = ("mail", "почта", "пошта", "correo")
MINUTE_WORDS = ("minute", "минут", "duration", "длительн", "продолжит", "dauer", "duración", "czas trwania", "ұзақ")
JOIN_WORDS = ("join", "вход", "присоедин", "beitritt", "entrada", "unión", "dołącz")
LEAVE_WORDS = ("leave", "left", "выход", "verlass", "salida", "opuszcz")


def _sample(data: bytes) -> bytes:
    """The first lines, cut after a line break (never inside a character; UTF-16's break is two bytes)."""
    if len(data) <= SNIFF_BYTES:
        return data
    cut = data.rfind(b"\n", 0, SNIFF_BYTES)
    if cut < 0:
        return data
    return data[: cut + (2 if data[cut + 1 : cut + 2] == b"\0" else 1)]


def _rows(data: bytes) -> tuple[list[list[str]], str]:
    source = CsvSource(_sample(data))
    rows: list[list[str]] = []
    try:
        for row in source.rows():
            if not is_blank(row):
                rows.append(row)
            if len(rows) >= SNIFF_ROWS:
                break
    except ParseError:
        pass  # what could be read is enough to recognise the file; the parser reports the error with its line
    return rows, source.encoding


def detect_format(data: bytes) -> str:
    """The report's format ("zoom_webinar", "zoom_meeting", "teams", "bigbluebutton"); NotRecognised when none fits."""
    rows, _encoding = _rows(data)
    for index, row in enumerate(rows):
        header = Header(row, line=index + 1)
        first = english_header(_NUMBERED.sub("", header.raw_keys[0])) if header.raw_keys else ""
        if first in ZOOM_WEBINAR_TITLES and rest_blank(row):
            return "zoom_webinar"
        if first in TEAMS_SECTIONS and rest_blank(row):
            return "teams"
        keys = set(header.keys)
        if {"user action", "timestamp"} <= keys or "first join" in keys or "in-meeting duration" in keys:
            return "teams"
        if "moderator" in keys and keys & {"activity score", "talk time", "webcam time"}:
            return "bigbluebutton"
        zoom_times = {"join time", "duration (minutes)", "total duration (minutes)"}
        if keys & {"name (original name)", "user name (original name)"} and keys & zoom_times:
            return "zoom_meeting"
        if "meeting id" in keys and "topic" in keys:
            return "zoom_meeting"
    raise NotRecognised(describe_headers(rows), line=1)


def header_row(rows: list[list[str]]) -> list[str]:
    """The most likely header line: the widest of the first lines (the first of equals)."""
    best: list[str] = []
    for row in rows[:12]:
        cells = [c.strip() for c in row if c.strip()]
        if len(cells) > len(best):
            best = cells
    return best


def _guess(cells: list[str], words: tuple[str, ...], taken: set[str]) -> str | None:
    for cell in cells:
        lower = cell.lower()
        if cell not in taken and any(w in lower for w in words):
            taken.add(cell)
            return cell
    return None


def suggested_mapping(cells: list[str]) -> dict[str, str]:
    """A generic column mapping guessed from header cells in any language (the organiser checks it)."""
    taken: set[str] = set()
    mapping: dict[str, str] = {}
    wanted = (("email", EMAIL_WORDS), ("join", JOIN_WORDS), ("leave", LEAVE_WORDS), ("minutes", MINUTE_WORDS), ("name", NAME_WORDS))
    for key, words in wanted:
        found = _guess(cells, words, taken)
        if found:
            mapping[key] = found
    return mapping


def describe_headers(rows: list[list[str]]) -> str:
    cells = header_row(rows)
    if not cells:
        return _("the file was not recognised as a Zoom, Teams or BigBlueButton report and has no header line")
    found = ", ".join(f"“{c[:40]}”" for c in cells[:15])
    mapping = suggested_mapping(cells)
    example = ",".join(f"{k}={v}" for k, v in mapping.items()) or "name=…,email=…,join=…,leave=…"
    return _(
        "the file was not recognised as a Zoom, Teams or BigBlueButton report (headers found: %(headers)s). "
        "Import it as a generic CSV with a column mapping, for example: %(mapping)s"
    ) % {"headers": found, "mapping": example}


LABELS = {
    "zoom_webinar": "Zoom webinar attendee report",
    "zoom_meeting": "Zoom meeting participants report",
    "teams": "Microsoft Teams attendance report",
    "bigbluebutton": "BigBlueButton learning dashboard",
}


def describe_data(data: bytes) -> str:
    """Why a parser did not find its layout: the format the file has, else its headers and a mapping."""
    try:
        fmt = detect_format(data)
    except NotRecognised as unknown:
        return unknown.message
    return _("this file looks like a %(label)s: choose that format, or let the format be recognised from the file") % {"label": LABELS[fmt]}
