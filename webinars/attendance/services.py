"""Writes of attendance: import a meeting report, and the organiser's decisions on the review screen.

``import_attendance`` reads and matches the whole file first (nothing is written when it
is malformed), then, in one transaction that locks the webinar row, stores the import and
its attendees. The same file again changes nothing; another file replaces the webinar's
current import (the earlier one stays, with ``replaced_at`` set, for the record, and its
attendees no longer count). The organiser's decisions on the replaced import are carried
over to the same people (same name and e-mail) in the new one when the new file does not
match them by itself.

Attended: minutes at or above ``series.attendance_threshold_percent`` % of the webinar's
duration. A registration linked to several attendees (a laptop and a phone) counts their
presence together, overlaps once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, cast

from django.db import connection, models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from webinars.audit.services import log_action
from webinars.core import metrics
from webinars.core.errors import NotAllowed
from webinars.core.timezones import get_zone
from webinars.programme.models import Webinar
from webinars.registrations.models import Registration

from . import signals
from .models import AttendanceImport, Attendee
from .parsers import AUTO, STAFF_ROLES, ParseError, check_mapping, merge_intervals
from .parsers.base import UtcClock, to_datetime
from .planning import ReportDoesNotFit, concrete_format, plan_import
from .selectors import current_import

Match = Attendee.Match
REVIEW = (Match.AMBIGUOUS, Match.UNMATCHED)
DECIDED = (Match.MANUAL, Match.WALK_IN, Match.IGNORED)
Progress = Callable[[str, int, int], None]

__all__ = [
    "AttendanceError",
    "ParseError",
    "ReportDoesNotFit",
    "attended_by_minutes",
    "current_import",
    "import_attendance",
    "minutes_of",
    "resolve_attendee",
    "threshold_minutes",
]


class AttendanceError(NotAllowed):
    """A decision that cannot be taken (another webinar's registration, a replaced import...)."""

    code = "attendance"
    #: The attendee whose decision was refused, when one of several was (``attendees_resolve``).
    attendee_id: int | None = None


def minutes_of(seconds: int) -> int:
    """Whole minutes, rounded to the nearest."""
    return (seconds + 30) // 60


def threshold_minutes(webinar: Webinar) -> float:
    return webinar.series.attendance_threshold_percent * webinar.duration_minutes / 100


def attended_by_minutes(minutes: int, webinar: Webinar) -> bool:
    """At or above the series' share of the webinar's duration (integer arithmetic, no rounding surprises)."""
    return minutes * 100 >= webinar.series.attendance_threshold_percent * webinar.duration_minutes


def _settings_of(fmt: str, mapping: dict, zone_name: str) -> dict:
    return {"format": fmt, "column_mapping": mapping, "time_zone": zone_name}


def _same_import(current: AttendanceImport, sha: str, fmt: str, mapping: dict, zone_name: str) -> bool:
    """The same bytes read the same way: re-importing it must change nothing."""
    return (
        current.sha256 == sha
        and current.format == fmt
        and (current.column_mapping or {}) == mapping
        and (current.summary or {}).get("time_zone", zone_name) == zone_name
    )


@metrics.IMPORT_SECONDS.time()
def import_attendance(
    *,
    webinar: Webinar,
    data: bytes,
    file_name: str,
    fmt: str = AUTO,
    column_mapping: dict | None = None,
    actor=None,
    time_zone: str | None = None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    accept_other_date: bool = False,
    host_emails: Iterable[str] = (),
    registrants: dict[str, int] | None = None,
) -> AttendanceImport:
    """Read ``data`` as a ``fmt`` report of ``webinar`` ("auto": recognised), match it and store it as the webinar's current import.

    Raises ParseError (naming the line and column) when the file cannot be read, and
    ``ReportDoesNotFit`` when it is of a session that does not overlap the webinar (unless
    ``accept_other_date``); then nothing is stored. The returned import has ``timings``
    (seconds per step) and ``plan`` (what was read and matched, ``planning.ImportPlan``;
    None when the same file had been imported already).
    """
    timings: dict[str, float] = {}
    began = time.perf_counter()
    if not data.strip():
        raise ParseError(_("the file is empty"), line=1)
    fmt = concrete_format(fmt, data)
    if fmt not in AttendanceImport.Format.values:
        raise ParseError(_("unknown report format '%(format)s'") % {"format": fmt})
    mapping = check_mapping(column_mapping or {}) if fmt == AttendanceImport.Format.GENERIC else {}
    zone_name = time_zone or webinar.time_zone
    zone = get_zone(zone_name)
    sha = hashlib.sha256(data).hexdigest()
    current = current_import(webinar)
    if current is not None and _same_import(current, sha, fmt, mapping, zone_name):
        current.timings = {"unchanged": round(time.perf_counter() - began, 3)}
        current.plan = None
        return current

    plan = plan_import(
        webinar=webinar,
        data=data,
        fmt=fmt,
        column_mapping=mapping,
        time_zone=zone_name,
        accept_other_date=accept_other_date,
        host_emails=host_emails,
        registrants=registrants,
        progress=progress,
    )
    report = plan.report
    participants = plan.participants
    index = plan.index
    timings["read_and_match"] = round(time.perf_counter() - began, 3)

    step = time.perf_counter()
    clock = UtcClock(zone)
    attendees: list[NewAttendee] = []
    for person in report.people:
        result = plan.result_of(person)
        attendees.append(
            NewAttendee(
                webinar_id=webinar.pk,
                name=person.name[:300],
                email=person.email[:254],
                seconds=person.seconds,
                minutes=minutes_of(person.seconds),
                joins=person.joins,
                first_join_at=to_datetime(person.first, zone) if person.first is not None else None,
                last_leave_at=to_datetime(person.last, zone) if person.last is not None else None,
                role=person.role[:20],
                other_names=person.names,
                intervals=[[clock.epoch(s), clock.epoch(e)] for s, e in person.intervals],
                match=Match.IGNORED if result is None else result.kind,
                registration_id=None if result is None else result.registration_id,
                match_score=None if result is None else result.score,
                candidates=[] if result is None else result.candidates,
                flags=person.flags,
            )
        )

    now = now or timezone.now()
    with transaction.atomic():
        Webinar.objects.select_for_update(of=("self",)).filter(pk=webinar.pk).first()
        current = current_import(webinar)
        if current is not None and _same_import(current, sha, fmt, mapping, zone_name):
            current.timings = {"unchanged": round(time.perf_counter() - began, 3)}
            current.plan = None
            return current
        carried = _carry_over(current, attendees, valid=set(index.status)) if current is not None else 0
        refresh_attended(attendees, webinar)
        if current is not None:
            current.replaced_at = now
            current.save(update_fields=["replaced_at"])
        summary = {
            "rows": report.rows,
            "people": len(report.people),
            "staff": len(report.people) - len(participants),
            "no_shows": report.stats.get("no_shows", 0),
            "rows_without_times": report.stats.get("rows_without_times", 0),
            "waiting_room_rows": report.stats.get("waiting_room_rows", 0),
            "carried_over": carried,
            "replaces": current.pk if current is not None else None,
            "encoding": report.encoding,
            "delimiter": report.delimiter,
            "time_zone": zone_name,
            "flagged": sum(1 for a in attendees if a.flags),
            "warnings": plan.warnings[:50],
            "meeting": {str(k)[:60]: str(v)[:200] for k, v in list(report.meta.items())[:20]},
        }
        new = AttendanceImport.objects.create(
            webinar=webinar,
            format=fmt,
            file_name=file_name[:255],
            sha256=sha,
            column_mapping=mapping,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
            rows=report.rows,
            summary=summary,
        )
        for attendee in attendees:
            attendee.attendance_import_id = new.pk
        _insert_attendees(attendees)
        new.summary = {**summary, **summary_counts(new, webinar)}
        new.save(update_fields=["summary"])
        counts = new.summary
        log_action(
            "attendance.imported",
            actor=actor,
            obj=new,
            webinar=webinar,
            series=webinar.series_id,
            data={"format": fmt, "people": counts.get("people", 0), "attended": counts.get("attended", 0), "replaces": summary["replaces"]},
        )
        signals.attendance_imported.send(sender=AttendanceImport, attendance_import=new, replaced=current, actor=actor)
    timings["save"] = round(time.perf_counter() - step, 3)
    timings["total"] = round(time.perf_counter() - began, 3)
    if progress:
        progress("save", len(attendees), len(attendees))
    new.timings = timings
    new.plan = plan
    return new


INSERT_BATCH = 2000
_FIELDS = [f for f in Attendee._meta.concrete_fields if not f.primary_key]


class NewAttendee:
    """An attendee row about to be inserted: the model's columns, without a model instance's cost."""

    __slots__ = tuple(f.attname for f in _FIELDS)
    # Every column of _FIELDS is an attribute; these are the ones this module reads or sets.
    attendance_import_id: int | None
    registration_id: int | None
    resolved_by_id: int | None
    resolved_at: dt.datetime | None
    name: str
    email: str
    match: str
    role: str
    attended: bool
    minutes: int
    seconds: int
    intervals: list
    flags: list

    def __init__(self, **values) -> None:
        for field in _FIELDS:
            setattr(self, field.attname, values[field.attname] if field.attname in values else field.get_default())


def _insert_attendees(attendees: list[NewAttendee]) -> None:
    """INSERT in batches of plain rows: what bulk_create does, without its per-field work (20,000 rows in ~0.3 s).

    Values are adapted by the database backend exactly as the ORM would (JSON, aware
    datetimes); no signals or save() are involved for attendees.
    """
    fields = _FIELDS
    ops = connection.ops
    adapters: list[Callable[[Any], Any] | None] = []
    for f in fields:
        if isinstance(f, models.JSONField):
            adapters.append(partial(ops.adapt_json_value, encoder=f.encoder))
        elif isinstance(f, models.DateTimeField):
            adapters.append(ops.adapt_datetimefield_value)
        else:
            adapters.append(None)
    columns = ", ".join(ops.quote_name(cast(str, f.column)) for f in fields)  # concrete fields have a column
    sql = f"INSERT INTO {ops.quote_name(Attendee._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 -- names from model metadata, values as parameters
    pairs = list(zip([f.attname for f in fields], adapters, strict=True))
    with connection.cursor() as cursor:
        for start in range(0, len(attendees), INSERT_BATCH):
            batch = attendees[start : start + INSERT_BATCH]
            cursor.executemany(sql, [tuple(adapt(getattr(a, name)) if adapt else getattr(a, name) for name, adapt in pairs) for a in batch])


def _person_key(name: str, email: str) -> tuple[str, str]:
    return " ".join(name.casefold().split()), email.strip().lower()


def _carry_over(previous: AttendanceImport, attendees: list[NewAttendee], *, valid: set[int]) -> int:
    """The organiser's decisions on the replaced import, applied to the same people still needing review."""
    decisions = {
        _person_key(name, email): (match, registration_id, resolved_by_id, resolved_at)
        for name, email, match, registration_id, resolved_by_id, resolved_at in Attendee.objects.filter(
            attendance_import=previous, match__in=DECIDED, resolved_at__isnull=False
        ).values_list("name", "email", "match", "registration_id", "resolved_by_id", "resolved_at")
    }
    if not decisions:
        return 0
    carried = 0
    for attendee in attendees:
        if attendee.match not in REVIEW:
            continue
        decision = decisions.get(_person_key(attendee.name, attendee.email))
        if decision is None:
            continue
        match, registration_id, resolved_by_id, resolved_at = decision
        if match == Match.MANUAL and registration_id not in valid:
            continue
        attendee.match = match
        attendee.registration_id = registration_id if match == Match.MANUAL else None
        attendee.resolved_by_id = resolved_by_id
        attendee.resolved_at = resolved_at
        carried += 1
    return carried


def _reported_seconds(attendee: Attendee | NewAttendee) -> int:
    """Seconds the report gave as totals only (no stretches to merge)."""
    return max(0, attendee.seconds - sum(end - start for start, end in attendee.intervals or ()))


def refresh_attended(attendees: Iterable[Attendee | NewAttendee], webinar: Webinar) -> list:
    """Set ``attended`` on each: by its own minutes, or together with the others linked to the same registration.

    Staff and ignored attendees never count. Returns the attendees whose flag changed.
    """
    groups: dict[int, list[Attendee | NewAttendee]] = defaultdict(list)
    changed = []
    needed = webinar.series.attendance_threshold_percent * webinar.duration_minutes  # minutes × 100 at least this
    for attendee in attendees:
        before = attendee.attended
        if attendee.match == Match.IGNORED or (attendee.role in STAFF_ROLES and attendee.registration_id is None):
            attendee.attended = False
        else:
            attendee.attended = attendee.minutes * 100 >= needed
            if attendee.registration_id is not None:
                groups[attendee.registration_id].append(attendee)
        if attendee.attended != before:
            changed.append(attendee)
    for group in groups.values():
        if len(group) < 2:
            continue
        merged = merge_intervals([tuple(pair) for a in group for pair in (a.intervals or ())])
        seconds = sum(end - start for start, end in merged) + sum(_reported_seconds(a) for a in group)
        together = minutes_of(seconds) * 100 >= needed
        for attendee in group:
            if together and not attendee.attended:
                attendee.attended = True
                if attendee not in changed:
                    changed.append(attendee)
    return changed


def summary_counts(attendance_import: AttendanceImport, webinar: Webinar) -> dict:
    """The counts shown on the import's page; recomputed after every decision."""
    attendees = Attendee.objects.filter(attendance_import=attendance_import)
    by_match = dict(attendees.order_by().values_list("match").annotate(n=Count("id")))
    attended = attendees.filter(attended=True)
    not_confirmed = dict(
        Registration.objects.filter(attendances__attendance_import=attendance_import)
        .exclude(status=Registration.Status.CONFIRMED)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id", distinct=True))
    )
    return {
        "attendees": attendees.exclude(role__in=STAFF_ROLES, registration__isnull=True).count(),
        "matched_registrant": by_match.get(Match.REGISTRANT, 0),
        "matched_email": by_match.get(Match.EMAIL, 0),
        "matched_name": by_match.get(Match.NAME, 0),
        "matched_manual": by_match.get(Match.MANUAL, 0),
        "ambiguous": by_match.get(Match.AMBIGUOUS, 0),
        "unmatched": by_match.get(Match.UNMATCHED, 0),
        "to_review": by_match.get(Match.AMBIGUOUS, 0) + by_match.get(Match.UNMATCHED, 0),
        "walk_ins": by_match.get(Match.WALK_IN, 0),
        "ignored": by_match.get(Match.IGNORED, 0),
        "attended": attended.count(),
        "attended_registrations": attended.filter(registration__isnull=False).values("registration").distinct().count(),
        "not_confirmed": not_confirmed,
        "threshold_percent": webinar.series.attendance_threshold_percent,
        "threshold_minutes": threshold_minutes(webinar),
        "duration_minutes": webinar.duration_minutes,
    }


def resolve_attendee(
    *, attendee: Attendee, registration: Registration | None, walk_in: bool = False, actor=None, now: dt.datetime | None = None
) -> Attendee:
    """The organiser's decision on one attendee: this registration, a walk-in, or ignore (neither).

    Only on the webinar's current import. Logged on the registration's history (linked and,
    when the attendee was linked elsewhere before, unlinked there).
    """
    now = now or timezone.now()
    with transaction.atomic():
        attendee = (
            Attendee.objects.select_for_update(of=("self",))
            .select_related("attendance_import", "webinar__series", "registration")
            .get(pk=attendee.pk)
        )
        if attendee.attendance_import.replaced_at is not None:
            raise AttendanceError(_("This report has been replaced by a newer file: decide on the current import."))
        if registration is not None:
            if registration.webinar_id != attendee.webinar_id:
                raise AttendanceError(_("That registration is for another webinar."))
            if registration.erased_at is not None:
                raise AttendanceError(_("That registration has been erased."))
            match = Match.MANUAL
        elif walk_in:
            match = Match.WALK_IN
        else:
            match = Match.IGNORED
        previous = attendee.registration
        attendee.registration = registration
        attendee.match = match
        attendee.resolved_by = actor if getattr(actor, "pk", None) else None
        attendee.resolved_at = now
        attendee.save(update_fields=["registration", "match", "resolved_by", "resolved_at"])

        linked = {pk for pk in (previous.pk if previous else None, registration.pk if registration else None) if pk}
        others = Attendee.objects.filter(attendance_import=attendee.attendance_import, registration_id__in=linked)
        group = list(others.exclude(pk=attendee.pk))
        group.append(attendee)
        for item in group:
            item.attended = False  # recomputed from scratch for the group
        refresh_attended(group, attendee.webinar)
        Attendee.objects.bulk_update(group, ["attended"])

        # The attendee is named by id, not by the name in the report: erasure leaves nothing here.
        details = {"attendee": attendee.pk, "minutes": attendee.minutes}
        if registration is not None and (previous is None or previous.pk != registration.pk):
            log_action("attendance.attendee_linked", actor=actor, obj=registration, data=details)
        if previous is not None and (registration is None or previous.pk != registration.pk):
            log_action("attendance.attendee_unlinked", actor=actor, obj=previous, data=details)
        if registration is None:
            log_action("attendance.attendee_walk_in" if walk_in else "attendance.attendee_ignored", actor=actor, obj=attendee, data=details)
        imported = attendee.attendance_import
        imported.summary = {**(imported.summary or {}), **summary_counts(imported, attendee.webinar)}
        imported.save(update_fields=["summary"])
        signals.attendee_resolved.send(sender=Attendee, attendee=attendee, previous_registration=previous, actor=actor)
        return attendee


def attendees_resolve(*, decisions: Iterable[tuple[Attendee, Registration | None, str]], actor=None) -> int:
    """The organiser's decisions of one review page, all or none: ``(attendee, registration, decision)``
    with ``decision`` one of "link", "walk_in", "ignore". Returns how many were taken.

    A decision that cannot be taken raises ``AttendanceError`` with ``attendee_id`` set, and
    none of the page's decisions is stored (the organiser corrects the one and sends again).
    """
    done = 0
    with transaction.atomic():
        for attendee, registration, decision in decisions:
            if decision not in ("link", "walk_in", "ignore"):
                raise AttendanceError(_("Unknown decision."), field="decision")
            try:
                resolve_attendee(
                    attendee=attendee,
                    registration=registration if decision == "link" else None,
                    walk_in=decision == "walk_in",
                    actor=actor,
                )
            except AttendanceError as refused:
                refused.attendee_id = attendee.pk
                raise
            done += 1
    return done
