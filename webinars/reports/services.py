"""Keeping the pre-aggregated reach tables (``models``) in step with registrations and attendance.

* ``mark_stale(webinar_id)``: bumps the webinar's version; called by ``receivers`` on the domain
  events of registrations (status, details, erasure) and attendance (import, review decision).
* ``stale_webinars(ids)``: which of these webinars need recomputing: no figures yet, a version
  newer than the one computed, or registrations/attendees inserted in bulk since the last look
  (found by id: ``ReachState``, one indexed range query each).
* ``refresh_reach(ids)``: recomputes those webinars' figures, groups and participants from the
  registrations and attendees with the same definitions the reports always used, in batches
  of ``REFRESH_BATCH`` webinars, a fixed number of queries per batch. ``refresh_stale`` does both.

Rows changed with ``QuerySet.update()`` or raw SQL ``UPDATE`` bypass this (call ``mark_stale``
or ``refresh_reach`` after such writes; ``manage.py generate_synthetic_programme`` inserts only).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from webinars.attendance.models import AttendanceImport, Attendee
from webinars.audit.services import log_action
from webinars.core.pseudonyms import person_key
from webinars.registrations.models import Registration
from webinars.reports import selectors
from webinars.reports.models import ReachMargin, ReachParticipant, ReachPerson, ReachState, ReachWebinar

if TYPE_CHECKING:
    from webinars.reports.selectors import ReportScope  # noqa: F401 -- for annotations

CONFIRMED = Registration.Status.CONFIRMED
DIMENSIONS = ("country", "institution_type", "gender", "language")
REFRESH_BATCH = 100  # webinars per refresh batch
CHUNK = 500  # keys / ids per IN (...) list


def mark_stale(webinar_id: int | None) -> None:
    if webinar_id is not None:
        ReachWebinar.objects.filter(webinar_id=webinar_id).update(version=F("version") + 1)


def attended_rows(webinar_ids: Iterable[int]):
    """Attendees who count as attended in the current imports of these webinars (hosts left out)."""
    ids = list(webinar_ids)
    current = AttendanceImport.objects.filter(replaced_at__isnull=True, webinar_id__in=ids)
    return (
        Attendee.objects.filter(webinar_id__in=ids, attended=True, attendance_import_id__in=current.values("pk"))
        .exclude(match=Attendee.Match.IGNORED)
        .order_by()
    )


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def stale_webinars(webinar_ids: Iterable[int] | None) -> list[int]:
    """Those of ``webinar_ids`` (None: every webinar) whose figures are missing or out of date."""
    from webinars.programme.models import Webinar

    _notice_bulk_inserts()
    webinars = Webinar.objects.order_by()
    fresh = ReachWebinar.objects.filter(computed_version=F("version"))
    if webinar_ids is not None:
        webinars = webinars.filter(pk__in=webinar_ids)
        fresh = fresh.filter(webinar_id__in=webinar_ids)
    current = set(fresh.values_list("webinar_id", flat=True))
    return [pk for pk in webinars.values_list("pk", flat=True) if pk not in current]


def _notice_bulk_inserts() -> None:
    """Marks stale the webinars of registrations and attendees inserted since the last look (by id)."""
    state = ReachState.objects.filter(pk=1).first() or ReachState.objects.get_or_create(pk=1)[0]
    changes = {}
    for model, field in ((Registration, "registration_seen_id"), (Attendee, "attendee_seen_id")):
        seen = getattr(state, field)
        rows = list(model.objects.filter(pk__gt=seen).order_by().values("webinar_id").annotate(last=Max("pk")))
        if rows:
            ReachWebinar.objects.filter(webinar_id__in=[r["webinar_id"] for r in rows]).update(version=F("version") + 1)
            changes[field] = max(r["last"] for r in rows)
    if changes:
        ReachState.objects.filter(pk=1).update(**changes)


def refresh_stale(webinar_ids: Iterable[int] | None = None) -> int:
    stale = stale_webinars(webinar_ids)
    if stale:
        refresh_reach(stale)
    return len(stale)


def refresh_reach(webinar_ids: Iterable[int]) -> None:
    ids = sorted(set(webinar_ids))
    for batch in _chunks(ids, REFRESH_BATCH):
        _refresh_batch(batch)


@transaction.atomic
def _refresh_batch(ids: list[int]) -> None:
    now = timezone.now()
    ReachWebinar.objects.bulk_create([ReachWebinar(webinar_id=pk) for pk in ids], ignore_conflicts=True)
    # Locked: a concurrent refresh of the same webinars waits (and then recomputes them again).
    locked = ReachWebinar.objects.select_for_update().filter(webinar_id__in=ids).order_by("pk")
    versions = dict(locked.values_list("webinar_id", "version"))

    registrations = Registration.objects.filter(webinar_id__in=ids).order_by()
    attended = attended_rows(ids)
    figures: dict[int, dict[str, Any]] = {pk: {} for pk in ids}
    for row in registrations.values("webinar_id").annotate(
        registrations=Count("pk"), confirmed=Count("pk", filter=Q(status=CONFIRMED)), erased=Count("pk", filter=Q(erased_at__isnull=False))
    ):
        counts: dict[str, Any] = dict(row)  # a plain dict: the stubs type values() rows as TypedDicts, whose keys cannot be popped
        figures[counts.pop("webinar_id")].update(counts)
    for row in attended.values("webinar_id").annotate(
        attended=Count("pk"),
        registered_attendees=Count("pk", filter=Q(registration__isnull=False)),
        walk_ins=Count("pk", filter=Q(match=Attendee.Match.WALK_IN)),
    ):
        figures[row.pop("webinar_id")].update(row)

    # The four breakdowns' groups, per webinar: margins of one GROUP BY over all four dimensions.
    margins: dict[tuple, dict] = defaultdict(lambda: {"registrations": 0, "confirmed": 0, "attended": 0})
    for group in registrations.values("webinar_id", *DIMENSIONS).annotate(
        registrations=Count("pk"), confirmed=Count("pk", filter=Q(status=CONFIRMED))
    ):
        for name in DIMENSIONS:
            cell = margins[(group["webinar_id"], name, group[name])]
            cell["registrations"] += group["registrations"]
            cell["confirmed"] += group["confirmed"]
    for group in (
        attended.filter(registration__isnull=False)
        .values("webinar_id", **{f"r_{name}": F(f"registration__{name}") for name in DIMENSIONS})
        .annotate(attended=Count("pk"))
    ):
        for name in DIMENSIONS:
            margins[(group["webinar_id"], name, group[f"r_{name}"])]["attended"] += group["attended"]

    # Who took part where: distinct person keys per webinar, registered and/or attended.
    # A person is the keyed hash of their address (never the address: core.pseudonyms), the
    # same before and after their registration is erased.
    taking_part: dict[tuple[int, str], list[bool]] = {}
    for webinar_id, key in registrations.values_list("webinar_id", Lower("email")).distinct():
        taking_part.setdefault((webinar_id, person_key(key)), [False, False])[0] = True
    for webinar_id, key in attended.annotate(person=selectors.attendee_key()).values_list("webinar_id", "person").distinct():
        taking_part.setdefault((webinar_id, person_key(key)), [False, False])[1] = True
    keys = sorted({key for _w, key in taking_part})
    people: dict[str, int] = {}
    for chunk in _chunks(keys):
        people.update(ReachPerson.objects.filter(key__in=chunk).values_list("key", "pk"))
    missing = [key for key in keys if key not in people]
    if missing:
        ReachPerson.objects.bulk_create([ReachPerson(key=key) for key in missing], batch_size=CHUNK, ignore_conflicts=True)
        for chunk in _chunks(missing):
            people.update(ReachPerson.objects.filter(key__in=chunk).values_list("key", "pk"))

    touched = set(ReachParticipant.objects.filter(webinar_id__in=ids).values_list("person_id", flat=True))
    ReachParticipant.objects.filter(webinar_id__in=ids).delete()
    ReachParticipant.objects.bulk_create(
        [
            ReachParticipant(webinar_id=webinar_id, person_id=people[key], registered=flags[0], attended=flags[1])
            for (webinar_id, key), flags in taking_part.items()
        ],
        batch_size=2000,
    )
    touched.update(people.values())
    recount_people(sorted(touched))

    ReachMargin.objects.filter(webinar_id__in=ids).delete()
    ReachMargin.objects.bulk_create(
        [
            ReachMargin(webinar_id=webinar_id, dimension=name, value=value, **counts)
            for (webinar_id, name, value), counts in margins.items()
        ],
        batch_size=2000,
    )
    empty = {"registrations": 0, "confirmed": 0, "erased": 0, "attended": 0, "registered_attendees": 0, "walk_ins": 0}
    reach = [
        ReachWebinar(webinar_id=pk, version=versions[pk], computed_version=versions[pk], computed_at=now, **{**empty, **figures[pk]})
        for pk in ids
    ]
    ReachWebinar.objects.bulk_update(reach, ["computed_version", "computed_at", *empty], batch_size=500)


def people_of(webinar_id: int) -> list[int]:
    return list(ReachParticipant.objects.filter(webinar_id=webinar_id).values_list("person_id", flat=True))


def recount_people(person_ids: list[int]) -> None:
    """Sets the programme-wide counts (webinars registered for, webinars attended) of these people."""

    def count(**flags):
        rows = ReachParticipant.objects.filter(person_id=OuterRef("pk"), **flags).order_by().values("person_id").annotate(n=Count("*"))
        return Coalesce(Subquery(rows.values("n")[:1]), 0)

    for chunk in _chunks(person_ids):
        ReachPerson.objects.filter(pk__in=chunk).update(registered_webinars=count(registered=True), attended_webinars=count(attended=True))


def report_export_record(*, report: dict, fmt: str, filters: list[str], actor: Any) -> None:
    """Record who exported a reach report (figures only, but donors' reports are worth tracing)."""
    scope = report["scope"]
    data = {"format": fmt, "filters": list(filters)[:20]}
    if scope.webinar_id is not None:
        log_action("export.report", actor=actor, webinar=scope.webinar_id, series=_series_of(scope.webinar_id), data=data)
    elif scope.series_ids:
        for series_id in sorted(scope.series_ids):
            log_action("export.report", actor=actor, series=series_id, data=data)
    else:
        log_action("export.report", actor=actor, data=data)


def _series_of(webinar_id: int) -> int | None:
    from webinars.programme.models import Webinar

    return Webinar.objects.filter(pk=webinar_id).values_list("series_id", flat=True).first()


def reach_refresh(*, scope: ReportScope) -> int:
    """Bring the pre-aggregated figures up to date for a report of ``scope``; how many webinars
    were recomputed. The report views call it before reading (``selectors.reach_report``).

    The scope's own stale webinars always; every stale webinar of the programme when the
    report counts people from the programme-wide per-person counts (the whole programme, or
    a scope holding most of its registrations), which those webinars feed too.
    """
    stale = stale_webinars(None)  # one look for the whole programme: nothing more when all is fresh
    if not stale:
        return 0
    if scope.is_everything:
        refresh_reach(stale)
        return len(stale)
    in_scope = set(selectors.scope_webinars(scope).filter(pk__in=stale).values_list("pk", flat=True))
    refresh_reach(in_scope)
    if selectors.holds_most_registrations(scope):
        refresh_reach(set(stale) - in_scope)
        return len(stale)
    return len(in_scope)
