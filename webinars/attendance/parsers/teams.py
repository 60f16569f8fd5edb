"""Microsoft Teams attendance reports (UTF-16 LE with a BOM, tab-separated, though named .csv).

Current layout (2021 on)::

    1. Summary
    Meeting title	Museum digitisation
    Attended participants	42
    Start time	4/22/21, 9:58:21 AM
    End time	4/22/21, 11:33:10 AM
    Meeting duration	1h 34m 49s
    Average attendance time	58m 3s

    2. Participants
    Name	First Join	Last Leave	In-Meeting Duration	Email	Participant ID (UPN)	Role
    ...

    3. In-Meeting Activities
    Name	Join Time	Leave Time	Duration	Email	Role
    ...

Section 3 (one row per join) is used when present; otherwise each participant's
in-meeting duration from section 2 (with their first join and last leave). Header
capitalisation varies between versions ("First join", "In-meeting duration").

Earlier layout ("Download attendance list", 2020–2021): an optional ``Meeting Summary``
block (Total Number of Participants, Meeting Title, Meeting Start Time, Meeting End Time),
then ``Full Name	User Action	Timestamp`` with "Joined", "Joined before" and "Left" rows;
a join without a later leave lasts until the meeting's end (or the report's last time).

The organiser (and co-organisers) are staff, not attendees.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.utils.translation import gettext as _

from .base import Context, CsvSource, Header, Join, NotRecognised, ParseError, cell, header_key, is_blank, rest_blank
from .vocabulary import english_header, english_value

_NUMBERED = re.compile(r"^\d+\.\s*")
SECTIONS = frozenset({"summary", "meeting summary", "participants", "in-meeting activities", "in meeting activities", "activities"})
STAFF_ROLES = {"organizer": "host", "organiser": "host", "co-organizer": "co-host", "co-organiser": "co-host"}
_EMAILISH = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: Summary lines that name the organiser (an address in them makes that person a host).
ORGANISER_KEYS = ("organizer", "organiser", "meeting organizer", "organizer email", "organiser email")


def _role(value: str) -> str:
    return STAFF_ROLES.get(english_value(value), "")


def _section(cell_text: str) -> str:
    """ "3. In-Meeting Activities", "3. Действия во время собрания" → "in-meeting activities"."""
    return english_header(_NUMBERED.sub("", header_key(cell_text)))


class _Cols:
    def __init__(self, header: Header, *, join: tuple[str, ...], leave: tuple[str, ...], duration: tuple[str, ...]) -> None:
        self.header = header
        self.name = header.find("name", "full name", "participant name")
        self.join = header.find(*join)
        self.leave = header.find(*leave)
        self.duration = header.find(*duration)
        self.email = header.find("email", "e-mail", "email address")
        self.upn = header.find("participant id (upn)", "upn", "participant id")
        self.registrant = header.find("registration id", "registrant id")
        self.role = header.find("role")
        if self.name is None:
            raise ParseError(_("the column '%(column)s' is missing") % {"column": "Name"}, line=header.line)

    def email_of(self, row: list[str]) -> str:
        email = cell(row, self.email)
        if not email:
            upn = cell(row, self.upn)
            if _EMAILISH.match(upn):
                email = upn
        return email


def parse_teams(source: CsvSource, ctx: Context) -> Iterator[Join]:
    header_kind: str | None = None
    cols: _Cols | None = None
    legacy: Header | None = None
    participants: list[Join] = []
    had_activities = False
    open_joins: dict[str, tuple[int, int, str, str, str]] = {}
    last_time = 0
    found_any_header = False

    host_emails = set(ctx.host_emails)
    for row in source.rows():
        line = source.line
        if is_blank(row):
            continue
        first = header_key(row[0])
        if rest_blank(row) and _section(row[0]) in SECTIONS:
            header_kind, cols, legacy = None, None, None
            continue
        if header_kind is None:
            header = Header(row, line=line)
            if header.has("user action") and header.has("timestamp"):
                header_kind, legacy, found_any_header = "legacy", header, True
                continue
            if header.has("name", "full name") and header.has("first join"):
                header_kind, found_any_header = "participants", True
                cols = _Cols(header, join=("first join",), leave=("last leave",), duration=("in-meeting duration", "in meeting duration"))
                continue
            if header.has("name", "full name") and header.has("join time"):
                header_kind, found_any_header = "activities", True
                cols = _Cols(header, join=("join time",), leave=("leave time",), duration=("duration", "in-meeting duration"))
                continue
            if cell(row, 1):
                key = english_header(first)
                ctx.meta.setdefault(key, cell(row, 1))
                if key in ORGANISER_KEYS and _EMAILISH.match(cell(row, 1)):
                    host_emails.add(cell(row, 1).lower())
            continue

        if header_kind == "legacy":
            assert legacy is not None
            name = cell(row, legacy.find("full name", "name"))
            action = english_value(cell(row, legacy.find("user action")))
            stamp_index = legacy.find("timestamp")
            stamp = ctx.time(cell(row, stamp_index), line=line, column=legacy.label(stamp_index))
            last_time = max(last_time, stamp)
            email = cell(row, legacy.find("email", "e-mail", "participant id (upn)"))
            email = email if _EMAILISH.match(email) else ""
            # Hosts in the attendance list: by its Role column (later versions), or by the organiser's address.
            role = _role(cell(row, legacy.find("role")))
            if not role and email and email.lower() in host_emails:
                role = "host"
            key = name.casefold()
            if action.startswith("joined"):
                open_joins.setdefault(key, (stamp, line, name, email, role))
            elif action.startswith("left"):
                opened = open_joins.pop(key, None)
                if opened is not None:
                    ctx.span(opened[0], stamp, line=line, column=legacy.label(stamp_index))
                    yield Join(opened[1], name, opened[3] or email, opened[4] or role, opened[0], stamp, None)
            else:
                column = legacy.label(legacy.find("user action"))
                raise ParseError(_("'%(value)s' is not Joined or Left") % {"value": action[:40]}, line=line, column=column)
            continue

        assert cols is not None
        name = cell(row, cols.name)
        email = cols.email_of(row)
        role = _role(cell(row, cols.role))
        if not role and email and email.lower() in host_emails:
            role = "host"
        registrant = cell(row, cols.registrant)
        start = ctx.time(cell(row, cols.join), line=line, column=cols.header.label(cols.join), required=False)
        end = ctx.time(cell(row, cols.leave), line=line, column=cols.header.label(cols.leave), required=False)
        seconds = ctx.duration(cell(row, cols.duration), line=line, column=cols.header.label(cols.duration), required=False)
        if not name and not email:
            raise ParseError(_("the row names nobody (no name, no e-mail)"), line=line, column=cols.header.label(cols.name))
        ctx.span(start, end, line=line, column=cols.header.label(cols.leave))
        if header_kind == "participants":
            if seconds is None:
                if start is None or end is None:
                    ctx.count("rows_without_times")
                    continue
                seconds = end - start
            # One row per participant: two rows under one name are two people.
            participants.append(Join(line, name, email, role, start, end, seconds, "", registrant, f"row {line}"))
        else:
            had_activities = True
            if start is None:
                if seconds is None:
                    ctx.count("rows_without_times")
                    continue
                yield Join(line, name, email, role, None, None, seconds, "", registrant)
                continue
            if end is None:
                end = start + (seconds or 0)
            yield Join(line, name, email, role, start, end, None, "", registrant)

    if not found_any_header:
        raise NotRecognised(
            _("no participants header (Name, First Join, ...): is this a Teams attendance report?"), line=max(source.line, 1)
        )
    if not had_activities:
        yield from participants
    if open_joins:
        meeting_end = ctx.meta.get("meeting end time") or ctx.meta.get("end time") or ""
        end = ctx.dates.parse(meeting_end) if meeting_end else None
        for start, line, name, email, role in open_joins.values():
            finish = max(end or last_time, start)
            yield Join(line, name, email, role, start, finish, None)
