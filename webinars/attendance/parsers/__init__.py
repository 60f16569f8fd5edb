"""Read a meeting platform's report into people and their minutes.

``read_report`` decodes the file (UTF-8 with or without BOM, UTF-16, or a Windows code
page), finds its delimiter, runs the format's parser over the rows as they stream in,
and adds each person's joins up as it goes: one dict entry per person (by e-mail, else
by name), the stretches of presence merged so that overlapping joins (a laptop and a
phone at once) count once. The whole file is read before anything is stored: a malformed
file raises ``ParseError`` naming the line and the column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .base import Context, CsvSource, DateReader, Join, Meta, ParseError, _Ambiguous
from .bigbluebutton import parse_bigbluebutton
from .generic import MAPPING_KEYS, check_mapping, parse_generic
from .teams import parse_teams
from .zoom import parse_zoom_meeting, parse_zoom_webinar

PARSERS: dict[str, Callable[[CsvSource, Context], Iterator[Join]]] = {
    "zoom_webinar": parse_zoom_webinar,
    "zoom_meeting": parse_zoom_meeting,
    "teams": parse_teams,
    "bigbluebutton": parse_bigbluebutton,
    "generic": parse_generic,
}
STAFF_ROLES = frozenset({"host", "co-host", "panelist"})
MAX_NAMES = 5

__all__ = ["MAPPING_KEYS", "PARSERS", "STAFF_ROLES", "ParseError", "Person", "Report", "check_mapping", "merge_intervals", "read_report"]


class Person:
    """One person of the report with their joins added up."""

    __slots__ = ("name", "email", "role", "names", "intervals", "reported", "joins", "first", "last", "line", "seconds")

    def __init__(self, join: Join) -> None:
        self.name = join.name
        self.email = join.email
        self.role = join.role
        self.names: list[str] = [join.alt_name] if join.alt_name and join.alt_name != join.name else []
        self.intervals: list[tuple[int, int]] = []
        self.reported = 0
        self.joins = 0
        self.first: int | None = None
        self.last: int | None = None
        self.line = join.line
        self.seconds = 0

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def all_names(self) -> list[str]:
        return [n for n in (self.name, *self.names) if n]


@dataclass
class Report:
    people: list[Person]
    rows: int
    encoding: str
    delimiter: str
    meta: Meta
    stats: dict[str, int] = field(default_factory=dict)


def merge_intervals(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching stretches merged into one: a parallel device is not counted twice."""
    if len(intervals) < 2:
        return list(intervals)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _aggregate(joins: Iterator[Join]) -> tuple[list[Person], int]:
    people: dict[tuple[bool, str], Person] = {}
    rows = 0
    for join in joins:
        rows += 1
        staff = join.role in STAFF_ROLES
        key = (staff, join.email.lower()) if join.email else (staff, "\0" + " ".join(join.name.casefold().split()))
        person = people.get(key)
        if person is None:
            person = people[key] = Person(join)
        else:
            if join.name and join.name != person.name and join.name not in person.names and len(person.names) < MAX_NAMES:
                person.names.append(join.name)
            if join.alt_name and join.alt_name != person.name and join.alt_name not in person.names and len(person.names) < MAX_NAMES:
                person.names.append(join.alt_name)
            if not person.name:
                person.name = join.name
        person.joins += 1
        start, end = join.start, join.end
        if join.seconds is None:
            person.intervals.append((start, end))
        else:
            person.reported += join.seconds
        if start is not None and (person.first is None or start < person.first):
            person.first = start
        if end is not None and (person.last is None or end > person.last):
            person.last = end
    result = list(people.values())
    for person in result:
        person.intervals = merge_intervals(person.intervals)
        person.seconds = person.reported + sum(end - start for start, end in person.intervals)
    return result, rows


def read_report(
    data: bytes,
    fmt: str,
    *,
    column_mapping: dict | None = None,
    expected_date: dt.date | None = None,
    zone=None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Parse and aggregate the whole file; raises ParseError (nothing is half-read)."""
    parser = PARSERS.get(fmt)
    if parser is None:
        raise ParseError(_("unknown report format '%(format)s'") % {"format": fmt})
    if fmt == "generic":
        check_mapping(column_mapping or {})
    if not data.strip():
        raise ParseError(_("the file is empty"), line=1)
    day_first: bool | None = None
    while True:
        dates = DateReader(expected=expected_date, zone=zone, day_first=day_first)
        ctx = Context(dates=dates, column_mapping=column_mapping, progress=progress)
        source = CsvSource(data, progress=progress)
        try:
            people, rows = _aggregate(parser(source, ctx))
        except _Ambiguous:
            if day_first is not None:
                raise ParseError(_("the dates mix day-first and month-first order")) from None
            day_first = True
            continue
        if not rows:
            raise ParseError(_("the report lists nobody"), line=max(source.line, 1))
        if dates.order:
            ctx.meta["date_order"] = dates.order
        return Report(people=people, rows=rows, encoding=source.encoding, delimiter=source.delimiter, meta=ctx.meta, stats=ctx.stats)
