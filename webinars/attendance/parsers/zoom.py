"""Zoom's CSV reports: the webinar attendee report and the meeting participants report.

Webinar attendee report (Reports → Usage → Webinar → Attendee report → CSV)::

    Attendee Report,
    Report Generated:,"Apr 22, 2021 11:35 AM",
    Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),# Registered,# Cancelled,Unique Viewers,Total Users,Max Concurrent Views,
    Museum digitisation,912 3456 7890,"Apr 22, 2021 09:58:21",95,250,3,180,230,172,
    Host Details,
    Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name,
    ...
    Panelist Details,
    ...
    Attendee Details,
    Attended,User Name (Original Name),First Name,Last Name,Email,...,Registration Time,Approval Status,Join Time,Leave Time,
    Time in Session (minutes),Is Guest,Country/Region Name,<custom questions>...

One row per join; registrants who did not come have ``Attended`` "No" and ``--`` times.
Hosts and panelists are read as staff (stored, never matched to registrations).

Meeting participants report (Reports → Usage → Participants → Export, optionally "with
meeting data"): an optional ``Meeting ID,Topic,Start Time,End Time,User Email,Duration
(Minutes),Participants`` block (its ``User Email`` is the host), then ``Name (Original
Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent,In
Waiting Room``. The flat account-wide export puts the meeting columns and the participant
columns on one line (two ``User Email`` columns): the participant's are the ones after the
name. Rows spent in the waiting room are not attendance.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from .base import EMPTY_VALUES, Context, CsvSource, Header, Join, NotRecognised, ParseError, cell, header_key, is_blank, rest_blank
from .vocabulary import english_header, english_value

NAME = ("user name (original name)", "name (original name)", "user name", "participant name", "name")
EMAIL = ("email", "user email", "e-mail", "email address")
JOIN = ("join time",)
LEAVE = ("leave time",)
MINUTES = ("time in session (minutes)", "duration (minutes)", "time in session (minute)", "duration (minute)", "total duration (minutes)")
ROLE = ("role", "user role")
HOST_ROLES = {"host": "host", "co-host": "co-host", "cohost": "co-host", "alternative host": "co-host", "panelist": "panelist"}

WEBINAR_SECTIONS = {
    "host details": "host",
    "host": "host",
    "panelist details": "panelist",
    "panelists": "panelist",
    "attendee details": "",
    "attendees": "",
    "other attended": "",
}
REPORT_TITLES = {"attendee report", "webinar attendee report", "report generated", "webinar report"}


def _yes(value: str) -> bool:
    return english_value(value) in {"yes", "y", "true"}


class _Columns:
    def __init__(self, header: Header, *, start: int = 0) -> None:
        self.header = header
        self.name = header.find(*NAME, start=start)
        self.email = header.find(*EMAIL, start=start)
        self.join = header.find(*JOIN, start=start)
        self.leave = header.find(*LEAVE, start=start)
        self.minutes = header.find(*MINUTES, start=start)
        self.attended = header.find("attended")
        self.first = header.find("first name", start=start)
        self.last = header.find("last name", start=start)
        self.waiting = header.find("in waiting room", start=start)
        self.role = header.find(*ROLE, start=start)
        self.registrant = header.find("registrant id", "registration id", start=start)
        self.per_person = self.join is None  # "unique users": one row per person with their total
        self.join_label = header.label(self.join)
        self.leave_label = header.label(self.leave)
        self.minutes_label = header.label(self.minutes)
        if self.name is None and self.email is None:
            raise ParseError(_("no name or e-mail column in this header"), line=header.line)
        if self.join is None and self.minutes is None:
            raise ParseError(_("no 'Join Time' or minutes column in this header"), line=header.line)

    def label(self, index: int | None) -> str:
        return self.header.label(index)


def _join_row(ctx: Context, cols: _Columns, row: list[str], line: int, role: str, alt_name: str = "") -> Join | None:
    if cols.role is not None and not role:
        role = HOST_ROLES.get(english_value(cell(row, cols.role)), "")
    registrant = cell(row, cols.registrant)
    key = f"row {line}" if cols.per_person else ""
    name = cell(row, cols.name)
    email = cell(row, cols.email)
    join_text = cell(row, cols.join)
    leave_text = cell(row, cols.leave)
    minutes_text = cell(row, cols.minutes)
    start = ctx.time(join_text, line=line, column=cols.join_label, required=False) if cols.join is not None else None
    end = ctx.time(leave_text, line=line, column=cols.leave_label, required=False) if cols.leave is not None else None
    seconds = ctx.duration(minutes_text, line=line, column=cols.minutes_label, required=False) if cols.minutes is not None else None
    if not name and not email:
        column = cols.label(cols.name if cols.name is not None else cols.email)
        raise ParseError(_("the row names nobody (no name, no e-mail)"), line=line, column=column)
    if start is None:
        if seconds is None:
            ctx.count("rows_without_times")
            return None
        return Join(line, name, email, role, None, None, seconds, alt_name, registrant, key)
    if end is None:
        if seconds is None:
            raise ParseError(_("no leave time and no minutes for a join"), line=line, column=cols.leave_label)
        end = start + seconds
    ctx.span(start, end, line=line, column=cols.leave_label)
    return Join(line, name, email, role, start, end, None, alt_name, registrant, key)


def parse_zoom_webinar(source: CsvSource, ctx: Context) -> Iterator[Join]:
    section: str | None = None
    expect_header = False
    cols: _Columns | None = None
    meta_header: Header | None = None
    found_attendees = False
    for row in source.rows():
        line = source.line
        if cols is not None and row and row[0] in ("Yes", "No") and cols.attended == 0:
            # The common case, a data row of the current section: no section or header checks.
            if row[0] == "No":
                if section == "":
                    ctx.count("no_shows")
                continue
            alt = " ".join(p for p in (cell(row, cols.first), cell(row, cols.last)) if p)
            join = _join_row(ctx, cols, row, line, section or "", alt)
            if join is not None:
                yield join
            continue
        if is_blank(row):
            continue
        first = english_header(header_key(row[0]))
        if first in WEBINAR_SECTIONS and rest_blank(row):
            section = WEBINAR_SECTIONS[first]
            found_attendees = found_attendees or section == ""
            expect_header = True
            cols = None
            continue
        if first in REPORT_TITLES:
            if cell(row, 1):
                ctx.meta.setdefault("report_generated", cell(row, 1))
            continue
        if meta_header is not None:
            for index, key in enumerate(meta_header.keys):
                if key and index < len(row):
                    ctx.meta.setdefault(key, row[index].strip())
            meta_header = None
            continue
        if first == "topic" and section is None:
            meta_header = Header(row, line=line)
            continue
        if expect_header:
            cols = _Columns(Header(row, line=line))
            expect_header = False
            continue
        if cols is None:
            continue
        if cols.attended is not None and not _yes(cell(row, cols.attended)):
            if section == "":
                ctx.count("no_shows")
            continue
        alt = " ".join(p for p in (cell(row, cols.first), cell(row, cols.last)) if p)
        join = _join_row(ctx, cols, row, line, section or "", alt)
        if join is not None:
            yield join
    if not found_attendees:
        raise NotRecognised(
            _("no 'Attendee Details' section: is this a Zoom webinar attendee report?"),
            line=max(source.line, 1),
        )


def parse_zoom_meeting(source: CsvSource, ctx: Context) -> Iterator[Join]:
    cols: _Columns | None = None
    meeting_header: Header | None = None
    host_email_index: int | None = None
    host_emails: set[str] = {e.lower() for e in ctx.host_emails}
    host_names: set[str] = set()
    for row in source.rows():
        line = source.line
        if is_blank(row):
            continue
        if cols is None:
            header = Header(row, line=line)
            name_index = header.find("name (original name)", "participant", "name", "participant name", "user name")
            if name_index is not None and header.find(*JOIN, "total duration (minutes)", start=name_index) is not None:
                cols = _Columns(header, start=name_index)
                host_index = header.find("user email", "host email")
                host_email_index = host_index if host_index is not None and host_index < name_index else None
                meta_index = header.find("topic")
                if meta_index is not None and meta_index < name_index:
                    meeting_header = header  # the flat export: meeting data on each row
                continue
            if header.has("meeting id") or (header.has("topic") and header.has("host", "host email", "host name")):
                meeting_header = header
                continue
            if meeting_header is not None:
                for index, key in enumerate(meeting_header.keys):
                    if key and index < len(row):
                        ctx.meta.setdefault(key, row[index].strip())
                host = ctx.meta.get("user email") or ctx.meta.get("host email") or ""
                if host:
                    host_emails.add(host.lower())
                # Zoom Workplace's export names the host ("host": a name, or an address) instead of a "User Email".
                for value in (ctx.meta.get("host", ""), ctx.meta.get("host name", "")):
                    if "@" in value:
                        host_emails.add(value.lower())
                    elif value:
                        host_names.add(" ".join(value.casefold().split()))
                meeting_header = None
            continue
        if cols.waiting is not None and _yes(cell(row, cols.waiting)):
            ctx.count("waiting_room_rows")
            continue
        if host_email_index is not None:
            host = cell(row, host_email_index).lower()
            if host and host not in EMPTY_VALUES:
                host_emails.add(host)
            if meeting_header is not None and not ctx.meta:
                for index, key in enumerate(meeting_header.keys[: cols.name]):
                    if key and index < len(row):
                        ctx.meta.setdefault(key, row[index].strip())
        email = cell(row, cols.email).lower()
        role = "host" if email and email in host_emails else ""
        if not role and host_names and not email and " ".join(cell(row, cols.name).casefold().split()) in host_names:
            role = "host"
        join = _join_row(ctx, cols, row, line, role)
        if join is not None:
            yield join
    if cols is None:
        raise NotRecognised(
            _("no participants header ('Name (Original Name)', 'Join Time', ...): is this a Zoom participants report?"),
            line=max(source.line, 1),
        )
