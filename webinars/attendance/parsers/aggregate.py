"""Joins added up per person, with what must be checked flagged per row instead of summed silently.

One ``Person`` per registration id carried by the joins, else per e-mail, else per
participant key (reports with one row per participant), else per display name. Stretches
of presence are merged so that overlapping joins of the *same* person (a laptop and a
phone) count once. The same person is certain only by registration id or e-mail; joins
that share just a display name and overlap in time may be two people (two "iPhone"s, two
namesakes), so they become separate people, each flagged ``same_name_at_once`` for the
organiser to decide (linking both to one registration counts the overlap once again).

Flags (``Person.flags``: dicts with ``code`` and ``line``):

* ``longer_than_session``: a row lasts longer than the session can have lasted (the
  meeting's own duration from the report plus ``SLACK_SECONDS``, else the webinar's planned
  duration plus half); only the session's length of it is counted.
* ``day_first``: the row's date was written in the other day/month order than the rest
  of the file, and only the day-first reading fits the webinar's date (see ``DateReader``).
* ``same_name_at_once``: see above.
"""

from __future__ import annotations

from collections.abc import Iterator

from .base import Context, Join, Meta, parse_duration

STAFF_ROLES = frozenset({"host", "co-host", "panelist"})
MAX_NAMES = 5
MAX_FLAGS = 20
SLACK_SECONDS = 5 * 60  # Zoom rounds each row's minutes up; a few minutes over the meeting are not suspicious


class Person:
    """One person of the report with their joins added up."""

    __slots__ = (
        "name",
        "email",
        "role",
        "registrant",
        "names",
        "intervals",
        "reported",
        "joins",
        "first",
        "last",
        "line",
        "seconds",
        "flags",
        "by_name",
    )

    def __init__(self, join: Join) -> None:
        self.name = join.name
        self.email = join.email
        self.role = join.role
        self.registrant = join.registrant
        self.names: list[str] = [join.alt_name] if join.alt_name and join.alt_name != join.name else []
        self.intervals: list[tuple[int, int]] = []
        self.reported = 0
        self.joins = 0
        self.first: int | None = None
        self.last: int | None = None
        self.line = join.line
        self.seconds = 0
        self.flags: list[dict] = []
        self.by_name = not (join.registrant or join.email or join.key)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def all_names(self) -> list[str]:
        return [n for n in (self.name, *self.names) if n]

    def flag(self, code: str, line: int, **details: object) -> None:
        if len(self.flags) < MAX_FLAGS:
            self.flags.append({"code": code, "line": line, **details})


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


def meeting_seconds(meta: Meta, ctx: Context) -> int | None:
    """How long the meeting lasted, as the report's summary says (Zoom's minutes, Teams' duration, or start and end)."""
    for key in ("actual duration (minutes)", "duration (minutes)", "meeting duration"):
        value = str(meta.get(key, "")).strip()
        if value:
            seconds = parse_duration(value)
            if seconds:
                return seconds
    for start_key, end_key in (("start time", "end time"), ("meeting start time", "meeting end time")):
        if meta.get(start_key) and meta.get(end_key):
            start, end = ctx.dates.parse(str(meta[start_key])), ctx.dates.parse(str(meta[end_key]))
            if start is not None and end is not None and end > start:
                return end - start
    return None


def _split_by_overlap(person: Person, raw: list[tuple[int, int, int]]) -> list[Person]:
    """Joins under one display name that overlap: one person per chain of joins that do not (see the module)."""
    chains: list[list[tuple[int, int, int]]] = []
    for start, end, line in sorted(raw):
        for chain in chains:
            if chain[-1][1] <= start:
                chain.append((start, end, line))
                break
        else:
            chains.append([(start, end, line)])
    if len(chains) < 2:
        return [person]
    people = []
    for number, chain in enumerate(chains):
        part = Person.__new__(Person)
        for slot in Person.__slots__:
            setattr(part, slot, getattr(person, slot))
        part.names = list(person.names)
        part.flags = list(person.flags)
        part.intervals = [(s, e) for s, e, _line in chain]
        part.reported = person.reported if number == 0 else 0
        part.joins = len(chain) + (person.joins - len(raw) if number == 0 else 0)
        part.first = chain[0][0]
        part.last = max(e for _s, e, _line in chain)
        part.line = chain[0][2]
        part.flag("same_name_at_once", chain[0][2], people=len(chains))
        people.append(part)
    return people


def aggregate(joins: Iterator[Join], ctx: Context, *, planned_seconds: int | None = None) -> tuple[list[Person], int]:
    people: dict[tuple[bool, str, str], Person] = {}
    raw: dict[int, list[tuple[int, int, int]]] = {}  # by_name people: every stretch with its line
    rows = 0
    limit: int | None = None
    for join in joins:
        rows += 1
        if rows == 1 and planned_seconds:
            # The summary precedes the rows in every layout: the meeting's own length is known now.
            actual = meeting_seconds(ctx.meta, ctx)
            limit = actual + SLACK_SECONDS if actual else planned_seconds * 3 // 2
        staff = join.role in STAFF_ROLES
        if join.registrant:
            key = (staff, "registrant", join.registrant)
        elif join.email:
            key = (staff, "email", join.email.lower())
        elif join.key:
            key = (staff, "key", join.key)
        else:
            key = (staff, "name", " ".join(join.name.casefold().split()))
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
            if not person.email and join.email:
                person.email = join.email
        person.joins += 1
        start, end, seconds = join.start, join.end, join.seconds
        if limit is not None and not staff:
            length = seconds if seconds is not None else (end - start if start is not None and end is not None else None)
            if length is not None and length > limit:
                person.flag("longer_than_session", join.line, minutes=length // 60, counted=limit // 60)
                if seconds is not None:
                    seconds = limit
                elif start is not None:
                    end = start + limit
        if ctx.row_flags:
            for code in ctx.row_flags.get(join.line, ()):
                person.flag(code, join.line)
        if seconds is None:
            person.intervals.append((start, end))
            if person.by_name and start is not None and end is not None:
                raw.setdefault(id(person), []).append((start, end, join.line))
        else:
            person.reported += seconds
        if start is not None and (person.first is None or start < person.first):
            person.first = start
        if end is not None and (person.last is None or end > person.last):
            person.last = end
    result: list[Person] = []
    for person in people.values():
        stretches = raw.get(id(person))
        parts = _split_by_overlap(person, stretches) if stretches and len(stretches) > 1 and not person.is_staff else [person]
        for part in parts:
            part.intervals = merge_intervals(part.intervals)
            part.seconds = part.reported + sum(end - start for start, end in part.intervals)
            result.append(part)
    return result, rows
