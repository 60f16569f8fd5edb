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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .aggregate import MAX_NAMES, STAFF_ROLES, Person, aggregate, merge_intervals
from .base import Context, CsvSource, DateReader, Join, Meta, NotAReport, NotRecognised, ParseError, _Ambiguous
from .bigbluebutton import parse_bigbluebutton
from .detect import describe_data, detect_format
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
AUTO = "auto"

__all__ = [
    "AUTO",
    "MAPPING_KEYS",
    "MAX_NAMES",
    "PARSERS",
    "STAFF_ROLES",
    "NotAReport",
    "NotRecognised",
    "ParseError",
    "Person",
    "Report",
    "check_mapping",
    "detect_format",
    "merge_intervals",
    "read_report",
]


@dataclass
class Report:
    people: list[Person]
    rows: int
    encoding: str
    delimiter: str
    meta: Meta
    stats: dict[str, int] = field(default_factory=dict)
    format: str = ""

    @property
    def span(self) -> tuple[int, int] | None:
        """First join and last leave over everyone (local seconds), or None for a report without times."""
        firsts = [p.first for p in self.people if p.first is not None]
        lasts = [p.last for p in self.people if p.last is not None]
        if not firsts or not lasts:
            return None
        return min(firsts), max(lasts)


def read_report(
    data: bytes,
    fmt: str,
    *,
    column_mapping: dict | None = None,
    expected_date: dt.date | None = None,
    zone=None,
    progress: Callable[[int, int], None] | None = None,
    planned_seconds: int | None = None,
    host_emails: Iterable[str] = (),
) -> Report:
    """Parse and aggregate the whole file; raises ParseError (nothing is half-read).

    ``fmt`` "auto": the format is recognised from the file (``detect_format``); a file that
    is not recognised, or not of the chosen format at all, raises ``NotRecognised`` naming
    the headers found and suggesting a generic mapping. ``planned_seconds``: the webinar's
    duration, to flag rows longer than the session; ``host_emails``: the organisers' addresses.
    """
    if not data.strip():
        raise ParseError(_("the file is empty"), line=1)
    if fmt == AUTO:
        fmt = detect_format(data)
    parser = PARSERS.get(fmt)
    if parser is None:
        raise ParseError(_("unknown report format '%(format)s'") % {"format": fmt})
    if fmt == "generic":
        check_mapping(column_mapping or {})
    day_first: bool | None = None
    while True:
        dates = DateReader(expected=expected_date, zone=zone, day_first=day_first)
        ctx = Context(dates=dates, column_mapping=column_mapping, progress=progress, host_emails=host_emails)
        source = CsvSource(data, progress=progress)
        try:
            people, rows = aggregate(parser(source, ctx), ctx, planned_seconds=planned_seconds)
        except NotRecognised as refused:
            raise NotRecognised(f"{refused.message}; {describe_data(data)}", line=refused.line) from None
        except _Ambiguous:
            if day_first is not None:
                raise ParseError(_("the dates mix day-first and month-first order")) from None
            day_first = True
            continue
        if not rows:
            raise ParseError(_("the report lists nobody"), line=max(source.line, 1))
        if dates.order:
            ctx.meta["date_order"] = dates.order
        return Report(
            people=people, rows=rows, encoding=source.encoding, delimiter=source.delimiter, meta=ctx.meta, stats=ctx.stats, format=fmt
        )
