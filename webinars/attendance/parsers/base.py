"""What every report parser shares: decoding, delimiters, headers, dates and durations.

A parser turns a file into *joins*: one tuple per row that says who was there and when.
Times are kept as "local seconds" (seconds since 0001-01-01 00:00 on the report's wall
clock, which is the time zone of whoever downloaded the report): interval arithmetic
needs no time zone, and only each person's first and last times are converted to aware
datetimes at the end. Parsing a time is a regular expression and a dictionary look-up
(the date part of 100,000 rows takes a handful of distinct values), not ``strptime``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from typing import NamedTuple

from django.utils.translation import gettext as _

from webinars.core.errors import DomainError

from .vocabulary import DURATION_UNITS, english_header

DAY = 86400


class ParseError(DomainError, ValueError):
    """The file cannot be read as the chosen report; names the line and column when known.

    A ``DomainError`` (the user's file, not our code, is at fault), and still a ``ValueError``
    for callers that treat it as bad input.
    """

    code = "unreadable_report"

    def __init__(self, message: str, *, line: int | None = None, column: str | None = None) -> None:
        super().__init__(message, field="file")
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.line is not None and self.column:
            values = {"line": self.line, "column": self.column, "message": self.message}
            return _("line %(line)d, column '%(column)s': %(message)s") % values
        if self.line is not None:
            return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


class NotRecognised(ParseError):
    """The file is not the chosen kind of report at all (no header of that layout)."""

    code = "unrecognised_report"


class Join(NamedTuple):
    """One row of a report.

    ``seconds is None``: ``start``–``end`` is a stretch the person was present (merged with
    their other stretches, so parallel devices are not counted twice). Otherwise
    ``seconds`` is the time the report itself gives (a total, e.g. Teams' participants
    section or BigBlueButton) and ``start``/``end`` are only the first join and last leave.
    """

    line: int
    name: str
    email: str
    role: str  # "" for participants; "host", "panelist" ... for the staff of the meeting
    start: int | None
    end: int | None
    seconds: int | None
    alt_name: str = ""  # e.g. Zoom's "(Original Name)" or registration first + last name
    #: The registration's id or the platform's registrant id, when the join carries one (exact matching).
    registrant: str = ""
    #: Rows with different keys are different people even under the same name (reports with one row per
    #: participant: Teams' participants section, BigBlueButton, Zoom's "unique users").
    key: str = ""


class Meta(dict):
    """What a report says about the meeting (title, start, end...), for the summary."""


# --- bytes to text ---------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Teams writes UTF-16 LE with a BOM), else a Windows code page.

    Without a BOM, NUL bytes on every other position mean UTF-16 without one. Text that is
    not valid UTF-8 was re-saved by a spreadsheet: Windows-1251 when the high bytes come in
    runs (Cyrillic words), Windows-1252 when they are scattered accents in Latin text.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:4096]
    if len(head) >= 4:
        odd_nuls = head[1::2].count(0)
        even_nuls = head[0::2].count(0)
        half = len(head) // 2
        if odd_nuls > half * 0.3 and even_nuls < half * 0.05:
            return "utf-16-le"
        if even_nuls > half * 0.3 and odd_nuls < half * 0.05:
            return "utf-16-be"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        step = 1 << 20
        for start in range(0, len(data), step):
            decoder.decode(data[start : start + step])
        decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    high = [i for i, b in enumerate(data[:65536]) if b >= 0xC0]
    if not high:
        return "cp1252"
    runs = sum(1 for a, b in zip(high, high[1:], strict=False) if b == a + 1)
    return "cp1251" if runs / len(high) > 0.4 else "cp1252"


def text_stream(data: bytes, encoding: str) -> io.TextIOWrapper:
    """Decode lazily: the rows are read one by one, never the whole text at once."""
    return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="strict", newline="")


DELIMITERS = (",", "\t", ";", "|")


def detect_delimiter(sample: str) -> str:
    """The most frequent of comma, tab, semicolon and bar outside quotes in the first lines."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in sample:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


# Files people pick by mistake instead of the CSV export, by their first bytes.
_BINARY_SIGNATURES = (
    (b"PK\x03\x04", "xlsx"),
    (b"PK\x05\x06", "xlsx"),
    (b"PK\x07\x08", "xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),
    (b"%PDF", "pdf"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"\x1f\x8b", "archive"),
    (b"Rar!", "archive"),
    (b"7z\xbc\xaf", "archive"),
)
#: Share of control characters (or undecodable bytes) in the first characters above which a file is not text.
_BINARY_SHARE = 0.05
_TEXT_CONTROLS = frozenset("\t\n\r\f")


class NotAReport(NotRecognised):
    """The file is not a text report at all: a spreadsheet, a PDF, an image, random bytes."""

    code = "not_a_report"


def refuse_binary(data: bytes, encoding: str) -> None:
    """Raise ``NotAReport`` for a file that is not CSV text (a workbook, a PDF, binary data)."""
    for signature, kind in _BINARY_SIGNATURES:
        if data.startswith(signature):
            if kind in ("xlsx", "xls"):
                raise NotAReport(
                    _(
                        "this is not a report in CSV: it is an Excel workbook (or another ZIP archive). "
                        "Open it and save it as CSV, or download the platform's CSV export"
                    )
                )
            raise NotAReport(_("this is not a report in CSV: it is a PDF, an image or an archive. Download the platform's CSV export"))
    head = data[:8192].decode(encoding, errors="replace")
    if not head:
        return
    odd = sum(1 for char in head if char == "\ufffd" or (char < " " and char not in _TEXT_CONTROLS) or char == "\x7f")
    if odd > max(8, len(head) * _BINARY_SHARE):
        raise NotAReport(_("this is not a report: the file is not text (it holds binary data). Download the platform's CSV export"))


class CsvSource:
    """A csv.reader over the decoded file, with the physical line number of the current row.

    Any bytes at all end in rows or in a ``ParseError``: a file that is not text is refused at
    once (``NotAReport``), bytes that do not decode name their line, and so does a NUL character
    (which no database text column can hold), with its column."""

    def __init__(self, data: bytes, *, delimiter: str | None = None, progress: Callable[[int, int], None] | None = None) -> None:
        self.encoding = detect_encoding(data)
        refuse_binary(data, self.encoding)
        self.size = len(data)
        self._buffer = io.BytesIO(data)
        self.stream = io.TextIOWrapper(self._buffer, encoding=self.encoding, errors="strict", newline="")
        if delimiter is None:
            # Only to choose the delimiter: an undecodable byte is reported with its line by ``rows``.
            delimiter = detect_delimiter(data[:65536].decode(self.encoding, errors="replace"))
        self.delimiter = delimiter
        self.reader = csv.reader(self._lines(), delimiter=delimiter)
        self.progress = progress

    @property
    def line(self) -> int:
        return self.reader.line_num

    def _lines(self) -> Iterator[str]:
        """The decoded lines; a NUL character is refused with its line and (roughly counted) column."""
        number = 0
        for text in self.stream:
            number += 1
            if "\0" in text:
                column = text[: text.index("\0")].count(self.delimiter) + 1
                raise ParseError(
                    _("the file contains a NUL character (binary data, or text saved in another encoding)"),
                    line=number,
                    column=str(column),
                )
            yield text

    def rows(self) -> Iterator[list[str]]:
        """Every row as read (``cell`` strips what is used); a decoding error names its line."""
        reader = self.reader
        progress = self.progress
        count = 0
        try:
            for row in reader:
                count += 1
                if progress is not None and not count % 5000:
                    progress(self._buffer.tell(), self.size)
                yield row
        except UnicodeDecodeError as exc:
            raise ParseError(_("the file is not valid %(encoding)s text") % {"encoding": self.encoding}, line=reader.line_num + 1) from exc
        except csv.Error as exc:
            raise ParseError(_("the file is not valid CSV (%(error)s)") % {"error": exc}, line=reader.line_num) from exc
        if progress is not None:
            progress(self.size, self.size)


def is_blank(row: list[str]) -> bool:
    return not any(c.strip() for c in row)


def rest_blank(row: list[str]) -> bool:
    """Only the first cell has text: a section title ("Attendee Details,")."""
    return not any(c.strip() for c in row[1:])


def header_key(cell: str) -> str:
    """Header cells compared without case, BOM, surrounding spaces or a trailing colon."""
    return " ".join(cell.replace("\ufeff", "").strip().rstrip(":").lower().split())


class Header:
    """Column positions by name (any of several spellings), for the rows under a header line.

    Keys are in English whatever the language of the export (``vocabulary.HEADERS``).
    """

    def __init__(self, row: list[str], *, line: int) -> None:
        self.cells = [c.strip() for c in row]
        self.line = line
        self.raw_keys = [header_key(c) for c in row]
        self.keys = [english_header(k) for k in self.raw_keys]

    def find(self, *names: str, start: int = 0) -> int | None:
        for name in names:
            for index in range(start, len(self.keys)):
                if self.keys[index] == name:
                    return index
        return None

    def has(self, *names: str) -> bool:
        return self.find(*names) is not None

    def label(self, index: int | None) -> str:
        return self.cells[index] if index is not None and index < len(self.cells) else ""


def cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


EMPTY_VALUES = frozenset({"", "-", "--", "—", "n/a", "null"})


# --- dates and times ---------------------------------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january", "янв", "января", "январь"),
            ("feb", "february", "фев", "февраля", "февраль"),
            ("mar", "march", "мар", "марта", "март"),
            ("apr", "april", "апр", "апреля", "апрель"),
            ("may", "мая", "май"),
            ("jun", "june", "июн", "июня", "июнь"),
            ("jul", "july", "июл", "июля", "июль"),
            ("aug", "august", "авг", "августа", "август"),
            ("sep", "sept", "september", "сен", "сент", "сентября", "сентябрь"),
            ("oct", "october", "окт", "октября", "октябрь"),
            ("nov", "november", "ноя", "ноября", "ноябрь"),
            ("dec", "december", "дек", "декабря", "декабрь"),
        ],
        start=1,
    )
    for name in names
}

_DATETIME = re.compile(
    r"^(?P<date>.+?)(?:,\s*|\s+|T)(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)?\s*(?P<tz>Z|[+-]\d{2}:?\d{2}|UTC|GMT)?$"
)
_NUMERIC_DATE = re.compile(r"^(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})\.?$")
_NAMED_MONTH_FIRST = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")  # Apr 22, 2021
_NAMED_DAY_FIRST = re.compile(r"^(\d{1,2})[\s-]+([^\W\d_]+)\.?,?[\s-]+(\d{4})(?:\s*г\.?)?$")  # 22 Apr 2021, 22-Apr-2021


class _Ambiguous(Exception):
    """A day/month order was guessed and a later date contradicts the guess: read again day-first."""


class DateReader:
    """Reads the date-and-time cells of one report into local seconds.

    Dates like 04/05/2021 are ambiguous. The order is settled by the first date that is not
    (a day above 12), else by the webinar's own date, else month first (Zoom's and Teams'
    US default) as a guess; a later date that contradicts a guess restarts the reading
    day-first (``_Ambiguous``), and one that contradicts a settled order is an error.
    """

    def __init__(self, *, expected: dt.date | None = None, zone=None, day_first: bool | None = None) -> None:
        self.expected = expected
        self.zone = zone
        self.order = None if day_first is None else ("dmy" if day_first else "mdy")
        self.guessed = False
        self._swapping = False
        self._dates: dict[str, int] = {}
        self._seen: dict[str, int | None] = {}  # whole cells: a report repeats the same seconds often
        #: Cells read day-first against the file's settled month-first order, because only that fits the webinar.
        self.swapped: set[str] = set()
        self._swapped_dates: set[str] = set()

    def _ordinal(self, text: str) -> int | None:
        text = text.strip()
        found = _NUMERIC_DATE.match(text)
        if found:
            a, _sep, b, c = found.groups()
            a_int, b_int, c_int = int(a), int(b), int(c)
            if len(a) == 4:
                return _safe_ordinal(a_int, b_int, c_int)
            year = c_int + 2000 if len(c) <= 2 else c_int
            if found.group(2) == ".":
                return _safe_ordinal(year, b_int, a_int)
            return self._ordinal_ambiguous(year, a_int, b_int)
        found = _NAMED_MONTH_FIRST.match(text)
        if found and found.group(1).lower() in MONTHS:
            return _safe_ordinal(int(found.group(3)), MONTHS[found.group(1).lower()], int(found.group(2)))
        found = _NAMED_DAY_FIRST.match(text)
        if found and found.group(2).lower() in MONTHS:
            return _safe_ordinal(int(found.group(3)), MONTHS[found.group(2).lower()], int(found.group(1)))
        return None

    def _ordinal_ambiguous(self, year: int, first: int, second: int) -> int | None:
        if first > 12 and second > 12:
            return None
        if first > 12 or second > 12:
            needed = "dmy" if first > 12 else "mdy"
            if self.order is None:
                self.order = needed
            elif self.order != needed:
                if self.guessed:
                    raise _Ambiguous
                return None
        elif self.order is None:
            self.order = "mdy"
            if self.expected is not None:
                as_dmy = _safe_ordinal(year, second, first)
                as_mdy = _safe_ordinal(year, first, second)
                target = self.expected.toordinal()
                if as_dmy is not None and abs(as_dmy - target) <= 1 and (as_mdy is None or abs(as_mdy - target) > 1):
                    self.order = "dmy"
                elif not (as_mdy is not None and abs(as_mdy - target) <= 1):
                    self.guessed = True
            else:
                self.guessed = True
        if self.order == "dmy":
            return _safe_ordinal(year, second, first)
        reading = _safe_ordinal(year, first, second)
        if self.expected is not None and not self.guessed and reading is not None:
            # Month-first is settled for the file, yet this date only fits the webinar read day-first:
            # read it so, and say so for its row (never silently).
            target = self.expected.toordinal()
            swapped = _safe_ordinal(year, second, first)
            if abs(reading - target) > 1 and swapped is not None and abs(swapped - target) <= 1:
                self._swapping = True
                return swapped
        return reading

    def parse(self, value: str) -> int | None:
        """Local seconds, or None when the text is not a date and time."""
        try:
            return self._seen[value]
        except KeyError:
            pass
        seconds = self._parse(value)
        if len(self._seen) < 200_000:
            self._seen[value] = seconds
        return seconds

    def _parse(self, value: str) -> int | None:
        found = _DATETIME.match(value)
        if not found:
            return None
        date_text = found.group("date")
        days = self._dates.get(date_text)
        if days is None:
            self._swapping = False
            days = self._ordinal(date_text)
            if days is None:
                return None
            self._dates[date_text] = days
            if self._swapping:
                self._swapped_dates.add(date_text)
        if date_text in self._swapped_dates:
            self.swapped.add(value)
        hour = int(found.group("h"))
        minute = int(found.group("m"))
        second = int(found.group("s") or 0)
        ampm = found.group("ampm")
        if ampm:
            if not 1 <= hour <= 12:
                return None
            pm = ampm[0] in "Pp"
            hour = hour % 12 + (12 if pm else 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
        local = days * DAY + hour * 3600 + minute * 60 + second
        zone_text = found.group("tz")
        if zone_text and zone_text not in ("UTC", "GMT", "Z"):
            sign = -1 if zone_text[0] == "-" else 1
            digits = zone_text[1:].replace(":", "")
            offset = sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
            local = self._utc_to_local(local - offset)
        elif zone_text:
            local = self._utc_to_local(local)
        return local

    def _utc_to_local(self, utc_seconds: int) -> int:
        if self.zone is None:
            return utc_seconds
        moment = to_datetime(utc_seconds, dt.UTC).astimezone(self.zone)
        return local_seconds(moment.replace(tzinfo=None))


def _safe_ordinal(year: int, month: int, day: int) -> int | None:
    try:
        return dt.date(year, month, day).toordinal()
    except ValueError:
        return None


def local_seconds(moment: dt.datetime) -> int:
    return moment.toordinal() * DAY + moment.hour * 3600 + moment.minute * 60 + moment.second


def to_datetime(seconds: int, zone) -> dt.datetime:
    """Local seconds on ``zone``'s wall clock as an aware datetime."""
    days, rest = divmod(seconds, DAY)
    naive = dt.datetime.fromordinal(days) + dt.timedelta(seconds=rest)
    return naive.replace(tzinfo=zone)


class UtcClock:
    """Local seconds to UTC epoch seconds, with the zone's offset looked up once per hour."""

    def __init__(self, zone) -> None:
        self.zone = zone
        self._offsets: dict[int, int] = {}
        self._epoch = dt.datetime(1970, 1, 1).toordinal() * DAY

    def epoch(self, seconds: int) -> int:
        hour = seconds // 3600
        offset = self._offsets.get(hour)
        if offset is None:
            offset = int(to_datetime(hour * 3600, self.zone).utcoffset().total_seconds())
            self._offsets[hour] = offset
        return seconds - offset - self._epoch


_HMS = re.compile(r"^(\d+):(\d{1,2})(?::(\d{1,2}))?$")
_UNITS = re.compile(r"(?:\d+(?:[.,]\d+)?\s*[^\W\d_]+\.?\s*)+")
_UNIT = re.compile(r"(\d+(?:[.,]\d+)?)\s*([^\W\d_]+)\.?")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


def parse_duration(value: str, *, plain_unit: int = 60) -> int | None:
    """Seconds from "38" (minutes), "1:02:03", "37:45", "1h 2m 3s", "45s", "1 ч 2 мин", "1 Std. 2 Min."; None when unreadable.

    ``plain_unit``: what a bare number counts (60: minutes, as Zoom's and most exports).
    Unit words in every language come from ``vocabulary.DURATION_UNITS``.
    """
    text = value.strip()
    if _NUMBER.match(text):
        return round(float(text.replace(",", ".")) * plain_unit)
    found = _HMS.match(text)
    if found:
        a, b, c = found.groups()
        if c is None:  # h:mm
            return int(a) * 3600 + int(b) * 60
        return int(a) * 3600 + int(b) * 60 + int(c)
    if _UNITS.fullmatch(text):
        total = 0.0
        for amount, unit in _UNIT.findall(text):
            seconds = DURATION_UNITS.get(unit.lower())
            if seconds is None:
                return None
            total += float(amount.replace(",", ".")) * seconds
        return round(total)
    return None


# --- errors in one cell --------------------------------------------------------------------------


def not_a_date(value: str, *, line: int, column: str) -> ParseError:
    return ParseError(_("'%(value)s' is not a date") % {"value": value[:80]}, line=line, column=column)


def not_a_duration(value: str, *, line: int, column: str) -> ParseError:
    return ParseError(_("'%(value)s' is not a duration") % {"value": value[:80]}, line=line, column=column)


def missing_column(name: str, *, line: int) -> ParseError:
    return ParseError(_("the column '%(column)s' is missing") % {"column": name}, line=line)


class Context:
    """What a parser needs besides the bytes: the reading of dates, the mapping, progress."""

    def __init__(self, *, dates: DateReader, column_mapping: dict | None = None, progress=None, host_emails=()) -> None:
        self.dates = dates
        self.column_mapping = column_mapping or {}
        #: Addresses of the meeting's organisers, given by whoever imports (the report may not say who hosted).
        self.host_emails: frozenset[str] = frozenset(e.strip().lower() for e in host_emails if e.strip())
        self.progress = progress
        self.meta = Meta()
        self.stats: dict[str, int] = {}
        #: Line → codes of what its cells need checked ("day_first"); read by the aggregation.
        self.row_flags: dict[int, list[str]] = {}

    def count(self, key: str, n: int = 1) -> None:
        self.stats[key] = self.stats.get(key, 0) + n

    def flag(self, line: int, code: str) -> None:
        codes = self.row_flags.setdefault(line, [])
        if code not in codes:
            codes.append(code)

    def time(self, value: str, *, line: int, column: str, required: bool = True) -> int | None:
        seconds = self.dates._seen.get(value)
        if seconds is not None:
            if self.dates.swapped and value in self.dates.swapped:
                self.flag(line, "day_first")
            return seconds
        if value in EMPTY_VALUES or value.lower() in EMPTY_VALUES:
            if required:
                raise not_a_date(value, line=line, column=column)
            return None
        seconds = self.dates.parse(value)
        if seconds is None:
            raise not_a_date(value, line=line, column=column)
        if self.dates.swapped and value in self.dates.swapped:
            self.flag(line, "day_first")
        return seconds

    def duration(self, value: str, *, line: int, column: str, required: bool = True, plain_unit: int = 60) -> int | None:
        if value.lower() in EMPTY_VALUES:
            if required:
                raise not_a_duration(value, line=line, column=column)
            return None
        seconds = parse_duration(value, plain_unit=plain_unit)
        if seconds is None:
            raise not_a_duration(value, line=line, column=column)
        return seconds

    def span(self, start: int | None, end: int | None, *, line: int, column: str) -> None:
        if start is not None and end is not None and end < start:
            raise ParseError(_("the leave time is before the join time"), line=line, column=column)
