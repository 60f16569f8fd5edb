"""What an import would do, worked out without writing anything: read, check the report fits, match.

``plan_import`` is the first half of ``services.import_attendance`` and all of
``manage.py import_attendance --dry-run``: the file is read (format recognised when "auto"),
checked against the webinar (a session on another date is refused unless the organiser
confirms it), and every person matched. ``ImportPlan.as_json()`` is the command's ``--json``
output, the same with or without ``--dry-run``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from webinars.core.timezones import get_zone
from webinars.programme.models import Webinar
from webinars.registrations.models import Registration

from .matching import MatchResult, Query, RegistrationIndex, match_all
from .parsers import AUTO, ParseError, Person, Report, check_mapping, detect_format, read_report
from .parsers.base import DAY, local_seconds, to_datetime

#: How far outside the webinar's time a report may lie and still be its report: the report's times
#: are in the zone of whoever downloaded it, up to about half a day away from the webinar's.
FIT_TOLERANCE_SECONDS = 14 * 3600
JSON_MATCH = {"registrant": "registrant", "email": "email", "name": "name", "ambiguous": "review", "unmatched": "unmatched"}


class ReportDoesNotFit(ParseError):
    """The report is of a session that does not overlap the webinar (another day, another webinar)."""

    code = "report_does_not_fit"


@dataclass
class ImportPlan:
    webinar: Webinar
    report: Report
    format: str
    column_mapping: dict
    time_zone: str
    sha256: str
    index: RegistrationIndex
    outcome: dict[int, MatchResult]  # id(person) → result; staff have none
    warnings: list[str] = field(default_factory=list)

    @property
    def participants(self) -> list[Person]:
        return [p for p in self.report.people if not p.is_staff]

    def result_of(self, person: Person) -> MatchResult | None:
        return self.outcome.get(id(person))

    def as_json(self) -> dict[str, Any]:
        """The shape ``manage.py import_attendance --json`` prints (see issue 11)."""
        emails = self.index.email_of
        attendees = []
        for person in self.report.people:
            result = self.result_of(person)
            match = "host" if result is None else JSON_MATCH[result.kind]
            attendees.append(
                {
                    "name": person.name,
                    "email": person.email,
                    "minutes": (person.seconds + 30) // 60,
                    "joins": person.joins,
                    "match": match,
                    "registration_email": emails.get(result.registration_id, "") if result and result.registration_id else "",
                    "candidates": [emails[pk] for pk in (result.candidates if result else []) if pk in emails and match == "review"],
                }
            )
        return {"attendees": attendees, "warnings": list(self.warnings), "errors": []}


def _window(webinar: Webinar, zone) -> tuple[int, int]:
    """The webinar's time as local seconds on ``zone``'s wall clock (the whole day when the time is not set)."""
    if webinar.starts_at:
        start = local_seconds(webinar.starts_at.astimezone(zone).replace(tzinfo=None))
        return start, start + webinar.duration_minutes * 60
    start = webinar.start_date.toordinal() * DAY
    return start, start + DAY


def _when(seconds: int, zone) -> str:
    return to_datetime(seconds, zone).strftime("%Y-%m-%d %H:%M")


def check_fit(report: Report, webinar: Webinar, zone, *, accept_other_date: bool) -> list[str]:
    """Refuse a report of another session (``ReportDoesNotFit``), unless the organiser confirmed it; warnings otherwise."""
    span = report.span
    if span is None:
        return [_("The report gives no times: its date could not be checked against the webinar.")]
    start, end = _window(webinar, zone)
    if start - FIT_TOLERANCE_SECONDS <= span[1] and span[0] <= end + FIT_TOLERANCE_SECONDS:
        return []
    values = {"report": f"{_when(span[0], zone)} – {_when(span[1], zone)}", "webinar": f"{_when(start, zone)} – {_when(end, zone)}"}
    if accept_other_date:
        return [_("The report's session (%(report)s) does not overlap the webinar (%(webinar)s); imported as you confirmed.") % values]
    raise ReportDoesNotFit(
        _(
            "This report is of a session on %(report)s, which does not overlap the webinar (%(webinar)s). "
            "Check that you chose the right webinar and file; if this report does belong to this webinar, confirm it to import it anyway."
        )
        % values
    )


def flag_warnings(report: Report) -> list[str]:
    """One sentence per flagged row (never a silent correction)."""
    warnings = []
    shared: dict[str, int] = {}
    for person in report.people:
        for flag in person.flags:
            code = flag["code"]
            values = {"line": flag["line"], "name": person.name or person.email}
            if code == "longer_than_session":
                values.update(minutes=flag["minutes"], counted=flag["counted"])
                warnings.append(
                    _("line %(line)d: %(name)s: %(minutes)d minutes in one row, longer than the session; %(counted)d counted.") % values
                )
            elif code == "day_first":
                warnings.append(_("line %(line)d: %(name)s: a date read day-first, the only reading that fits the webinar.") % values)
            elif code == "same_name_at_once":
                shared[person.name] = flag.get("people", 2)
    for name, count in shared.items():
        warnings.append(
            ngettext(
                "%(count)d people named “%(name)s” were in the meeting at the same time: kept apart for review.",
                "%(count)d people named “%(name)s” were in the meeting at the same time: kept apart for review.",
                count,
            )
            % {"count": count, "name": name}
        )
    return warnings


def concrete_format(fmt: str, data: bytes) -> str:
    return detect_format(data) if fmt == AUTO else fmt


def plan_import(
    *,
    webinar: Webinar,
    data: bytes,
    fmt: str = AUTO,
    column_mapping: dict | None = None,
    time_zone: str | None = None,
    accept_other_date: bool = False,
    host_emails: Iterable[str] = (),
    registrants: dict[str, int] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportPlan:
    """Read, check and match ``data`` for ``webinar``; writes nothing. Raises ParseError (incl. ReportDoesNotFit)."""
    if not data.strip():
        raise ParseError(_("the file is empty"), line=1)
    fmt = concrete_format(fmt, data)
    mapping = check_mapping(column_mapping or {}) if fmt == "generic" else {}
    zone_name = time_zone or webinar.time_zone
    zone = get_zone(zone_name)
    expected: dt.date = webinar.starts_at.astimezone(zone).date() if webinar.starts_at else webinar.start_date
    report = read_report(
        data,
        fmt,
        column_mapping=mapping,
        expected_date=expected,
        zone=zone,
        progress=(lambda done, total: progress("read", done, total)) if progress else None,
        planned_seconds=webinar.duration_minutes * 60,
        host_emails=host_emails,
    )
    warnings = check_fit(report, webinar, zone, accept_other_date=accept_other_date)
    warnings += flag_warnings(report)
    participants = [p for p in report.people if not p.is_staff]
    registrations = Registration.objects.filter(webinar=webinar, erased_at__isnull=True).values_list("pk", "email", "name", "status")
    index = RegistrationIndex(registrations.iterator(chunk_size=5000), registrants=registrants)
    queries = [Query(p.email, p.all_names(), p.registrant, p.intervals, bool(p.flags)) for p in participants]
    results = match_all(queries, index)
    unknown = sum(1 for p, r in zip(participants, results, strict=True) if p.registrant and r.kind != "registrant")
    if unknown:
        warnings.append(
            ngettext(
                "%(count)d person carries a registration id that is not one of this webinar's: matched by e-mail or name instead.",
                "%(count)d people carry a registration id that is not one of this webinar's: matched by e-mail or name instead.",
                unknown,
            )
            % {"count": unknown}
        )
    if progress:
        progress("match", len(participants), len(participants))
    return ImportPlan(
        webinar=webinar,
        report=report,
        format=fmt,
        column_mapping=mapping,
        time_zone=zone_name,
        sha256=hashlib.sha256(data).hexdigest(),
        index=index,
        outcome=dict(zip(map(id, participants), results, strict=True)),
        warnings=warnings,
    )
