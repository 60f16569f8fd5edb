"""Reads of attendance. Only a webinar's current import (not replaced) counts anywhere."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet

from webinars.programme.models import Series, Webinar
from webinars.programme.selectors import series_for
from webinars.registrations.models import Registration

from .models import AttendanceImport, Attendee

REVIEW_MATCHES = (Attendee.Match.AMBIGUOUS, Attendee.Match.UNMATCHED)


def current_import(webinar: Webinar) -> AttendanceImport | None:
    return AttendanceImport.objects.filter(webinar=webinar, replaced_at__isnull=True).first()


def current_attendees() -> QuerySet[Attendee]:
    return Attendee.objects.filter(attendance_import__replaced_at__isnull=True)


def webinar_attendance(webinar: Webinar) -> QuerySet[Attendee]:
    """Everyone in the webinar's current import, with their registration."""
    return current_attendees().filter(webinar=webinar).select_related("registration").order_by("name", "id")


def attendees_needing_review(target: Webinar | AttendanceImport) -> QuerySet[Attendee]:
    """Ambiguous and unmatched attendees of an import (of a webinar's current import), most minutes first."""
    if isinstance(target, AttendanceImport):
        attendees = Attendee.objects.filter(attendance_import=target)
    else:
        attendees = current_attendees().filter(webinar=target)
    return attendees.filter(match__in=REVIEW_MATCHES).order_by("-minutes", "name", "id")


def attended_registration_ids(webinar: Webinar) -> set[int]:
    """Registrations of the webinar that attended (current import, at or above the threshold)."""
    return set(
        current_attendees()
        .filter(webinar=webinar, attended=True, registration__isnull=False, registration__erased_at__isnull=True)
        .values_list("registration_id", flat=True)
    )


def attended_registrations(series: Series) -> dict[int, set[int]]:
    """For certificates: webinar id → ids of the registrations that attended it, for every webinar of ``series``.

    Through each webinar's current import only; registrations of any status (a cancelled
    registration whose holder came anyway is there too: filter by status if needed);
    erased registrations never.
    """
    result: dict[int, set[int]] = defaultdict(set)
    rows = (
        current_attendees()
        .filter(webinar__series=series, attended=True, registration__isnull=False, registration__erased_at__isnull=True)
        .values_list("webinar_id", "registration_id")
    )
    for webinar_id, registration_id in rows:
        result[webinar_id].add(registration_id)
    return dict(result)


def imports_editable_by(user) -> QuerySet[AttendanceImport]:
    """Imports whose attendees ``user`` may review (the rule "attendance.review_attendance")."""
    imports = AttendanceImport.objects.select_related("webinar", "webinar__series", "uploaded_by")
    return imports.filter(webinar__series__in=series_for(user, "attendance.review_attendance"))


def webinars_editable_by(user) -> QuerySet[Webinar]:
    """Webinars ``user`` may import a report for (the rule "attendance.import_attendance")."""
    return Webinar.objects.select_related("series").filter(series__in=series_for(user, "attendance.import_attendance"))


def registrations_by_id(ids) -> dict[int, Registration]:
    return {r.pk: r for r in Registration.objects.filter(pk__in=list(ids)).only("pk", "name", "email", "status", "webinar_id", "erased_at")}


def attendance_state(*, webinar_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per webinar with a current import: its id, people attended and attendees to review (one query)."""
    from django.db.models import Count, Q

    rows = (
        AttendanceImport.objects.filter(webinar_id__in=webinar_ids, replaced_at__isnull=True)
        .values("webinar_id", "pk")
        .annotate(
            attended=Count("attendees", filter=Q(attendees__attended=True) & ~Q(attendees__match=Attendee.Match.IGNORED)),
            to_review=Count("attendees", filter=Q(attendees__match__in=REVIEW_MATCHES)),
        )
    )
    return {row["webinar_id"]: {"import_id": row["pk"], "attended": row["attended"], "to_review": row["to_review"]} for row in rows}


def webinar_imports(webinar: Webinar) -> QuerySet[AttendanceImport]:
    """Every import of the webinar, the current first, with who uploaded it."""
    return AttendanceImport.objects.filter(webinar=webinar).select_related("uploaded_by").order_by("-created_at", "-id")


def attendance_summary(webinar: Webinar, attendance_import: AttendanceImport) -> dict:
    """Attended, no-shows and walk-ins of the webinar's current import, and the threshold (two queries).

    No-shows are the confirmed registrations that are not linked to an attendee who counts.
    """
    from django.db.models import Count, Q

    attendees = Attendee.objects.filter(attendance_import=attendance_import).exclude(match=Attendee.Match.IGNORED)
    counted = attendees.aggregate(
        n_attended=Count("pk", filter=Q(attended=True)),
        n_attended_registrations=Count("registration", filter=Q(attended=True, registration__isnull=False), distinct=True),
        n_walk_ins=Count("pk", filter=Q(match=Attendee.Match.WALK_IN)),
        n_below_threshold=Count("pk", filter=Q(attended=False, registration__isnull=False)),
        n_to_review=Count("pk", filter=Q(match__in=REVIEW_MATCHES)),
    )
    figures: dict = {key[2:]: value for key, value in counted.items()}
    came = attendees.filter(attended=True, registration__isnull=False).values("registration_id")
    figures["no_shows"] = (
        Registration.objects.filter(webinar=webinar, status=Registration.Status.CONFIRMED, erased_at__isnull=True)
        .exclude(pk__in=came)
        .count()
    )
    series = webinar.series
    figures["threshold_percent"] = series.attendance_threshold_percent
    figures["threshold_minutes"] = series.attendance_threshold_percent * webinar.duration_minutes / 100
    figures["duration_minutes"] = webinar.duration_minutes
    return figures


def review_page_candidates(attendees: list[Attendee]) -> dict[int, list[Registration]]:
    """For each attendee on a review page: the registrations proposed (and the one linked), one query for the page."""
    wanted = {pk for a in attendees for pk in (a.candidates or [])} | {a.registration_id for a in attendees if a.registration_id}
    registrations = registrations_by_id(wanted)
    result = {}
    for attendee in attendees:
        ids = list(attendee.candidates or [])
        if attendee.registration_id and attendee.registration_id not in ids:
            ids.insert(0, attendee.registration_id)
        result[attendee.pk] = [registrations[pk] for pk in ids if pk in registrations and registrations[pk].erased_at is None]
    return result


def registration_choices(webinar: Webinar, *, limit: int) -> list[Registration]:
    """The webinar's registrations to offer on the review screen (name and e-mail), none when more than ``limit``."""
    rows = list(
        Registration.objects.filter(webinar=webinar, erased_at__isnull=True).order_by("name", "pk").only("pk", "name", "email")[: limit + 1]
    )
    return [] if len(rows) > limit else rows
