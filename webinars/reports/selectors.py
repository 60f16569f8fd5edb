"""Reach figures for organisers and donors, aggregated in SQL.

A report reads small pre-aggregated tables (``models``), never registrations or attendees
row by row: per webinar its counts (``ReachWebinar``), its groups by country, institution
type, gender and language (``ReachMargin``) and who took part in it (``ReachParticipant``
with ``ReachPerson``, which also holds each person's counts over the whole programme).
Selectors only read: before a report is read, ``services.reach_refresh(scope=...)``
recomputes the scope's webinars whose registrations or attendance changed since (signals
mark a webinar stale, rows inserted in bulk are found by id), with the same aggregate
queries as before, per batch of webinars; the report views call it. So the
programme-wide report sums a few hundred rows per figure and counts people over one row
per person; a series or period report counts people over its webinars' participant rows.
The number of queries of a report is fixed: it does not grow with its webinars.

What is counted
---------------
* The scope is a set of webinars: one webinar, the webinars of one series, or those of
  every series the user may see; optionally only those whose date falls in a period.
* Registrations: every registration of those webinars, whatever its status, erased ones
  included (erasure keeps country, institution type, gender and language for counting).
* Confirmed: registrations with status "confirmed".
* Attended: attendees of the webinars' current attendance imports (a replaced import
  does not count) who count as attended, hosts and panelists ("ignored") left out. Of
  these, "registered attendees" are linked to a registration, "walk-ins" attended
  without registering, and the rest are still to be matched by the organiser.
* Attendance rate: registered attendees ÷ confirmed registrations (walk-ins are not in
  the rate, so it answers "how many of those who confirmed came").
* Unique participants: distinct people among the registrations, by normalised
  (lower-case) e-mail; an erased registration is a distinct person by its row.
* Returning participants: people who attended at least two webinars in the scope (a
  registered attendee is the person of their registration; a walk-in is their e-mail, or
  their attendee row when the report had none).
* Breakdowns (country, institution type, gender, language): registrations, confirmed and
  registered attendees per group; an empty value is shown as "not stated".
* Certificates issued (not revoked) and feedback come from the certificates and feedback
  apps when they are installed (``certificate_figures``, ``feedback_figures``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Avg, Case, CharField, Count, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Concat, Lower
from django.utils.translation import gettext as _
from django_countries import countries

from webinars.attendance.models import AttendanceImport, Attendee
from webinars.core.formats import local_number
from webinars.core.languages import language_name
from webinars.programme.models import Series, Webinar
from webinars.programme.rules import is_active_superuser
from webinars.programme.selectors import series_for
from webinars.registrations.models import Gender, InstitutionType, Registration
from webinars.reports.models import ReachMargin, ReachParticipant, ReachPerson, ReachWebinar

CONFIRMED = Registration.Status.CONFIRMED
DIMENSIONS = ("country", "institution_type", "gender", "language")
FEEDBACK_TEXT_FIELDS = ("improve", "topics_next", "comments")
FEEDBACK_TEXT_LIMIT = 500  # newest free-text answers per question shown and exported
RATING_SCALE = (1, 2, 3, 4, 5)
REACH_FIGURES = ("registrations", "confirmed", "attended", "registered_attendees", "walk_ins", "erased")


@dataclass(frozen=True)
class ReportScope:
    """Which webinars a report covers.

    ``series_ids`` None means every series (a superuser's programme-wide report); an empty
    tuple means none. ``webinar_id`` narrows to one webinar. ``date_from``/``date_to``
    (inclusive) keep the webinars whose date is in the period.
    """

    kind: str  # "programme", "series" or "webinar"
    series_ids: tuple[int, ...] | None = None
    webinar_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def is_everything(self) -> bool:
        return self.series_ids is None and self.webinar_id is None and self.date_from is None and self.date_to is None


# --- scope ---------------------------------------------------------------------------------


VIEW_REPORTS = "reports.view_reports"


def reportable_series(user) -> QuerySet[Series]:
    """Series whose reports ``user`` may see (the rule "reports.view_reports": any role; superusers all)."""
    return series_for(user, VIEW_REPORTS)


def scope_programme(user, *, date_from: dt.date | None = None, date_to: dt.date | None = None) -> ReportScope:
    series_ids = None if is_active_superuser(user) else tuple(reportable_series(user).order_by("pk").values_list("pk", flat=True))
    return ReportScope("programme", series_ids=series_ids, date_from=date_from, date_to=date_to)


def scope_series(series: Series, *, date_from: dt.date | None = None, date_to: dt.date | None = None) -> ReportScope:
    return ReportScope("series", series_ids=(series.pk,), date_from=date_from, date_to=date_to)


def scope_webinar(webinar: Webinar) -> ReportScope:
    return ReportScope("webinar", series_ids=(webinar.series_id,), webinar_id=webinar.pk)


def series_for_report(user, series_id: int) -> Series | None:
    return reportable_series(user).filter(pk=series_id).select_related("organiser").first()


def webinar_for_report(user, webinar_id: int) -> Webinar | None:
    return Webinar.objects.filter(pk=webinar_id, series__in=reportable_series(user)).select_related("series").first()


def scope_webinars(scope: ReportScope) -> QuerySet[Webinar]:
    webinars = Webinar.objects.all()
    if scope.series_ids is not None:
        webinars = webinars.filter(series_id__in=scope.series_ids)
    if scope.webinar_id is not None:
        webinars = webinars.filter(pk=scope.webinar_id)
    if scope.date_from is not None:
        webinars = webinars.filter(start_date__gte=scope.date_from)
    if scope.date_to is not None:
        webinars = webinars.filter(start_date__lte=scope.date_to)
    return webinars


def _webinar_q(scope: ReportScope, prefix: str = "") -> Q:
    """Rows of the scope's webinars (no condition at all for the whole programme)."""
    if scope.is_everything:
        return Q()
    if scope.webinar_id is not None and scope.date_from is None and scope.date_to is None:
        return Q(**{f"{prefix}webinar_id": scope.webinar_id})
    return Q(**{f"{prefix}webinar_id__in": scope_webinars(scope).values("pk")})


def scope_registrations(scope: ReportScope) -> QuerySet[Registration]:
    return Registration.objects.filter(_webinar_q(scope)).order_by()


def scope_attended(scope: ReportScope) -> QuerySet[Attendee]:
    """Attendees who count as attended in the current imports of the scope's webinars."""
    current = AttendanceImport.objects.filter(replaced_at__isnull=True)
    if not scope.is_everything:
        current = current.filter(_webinar_q(scope))
    return (
        Attendee.objects.filter(_webinar_q(scope), attended=True, attendance_import_id__in=current.values("pk"))
        .exclude(match=Attendee.Match.IGNORED)
        .order_by()
    )


# --- person keys (who is the same person) --------------------------------------------------------


def attendee_key():
    """Who an attendee is: their registration's e-mail in lower case (an erased registration's
    address is unique to its row), else the walk-in's e-mail in lower case, else the attendee
    row itself."""
    return Case(
        When(registration__isnull=False, then=Lower("registration__email")),
        When(email="", then=Concat(Value("attendee:"), Cast("id", output_field=CharField()))),
        default=Lower("email"),
        output_field=CharField(),
    )


def _attendee_key():
    return attendee_key()


# --- figures -------------------------------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _scope_ids(scope: ReportScope):
    """The scope's webinar ids as a subquery (None for the whole programme)."""
    return None if scope.is_everything else scope_webinars(scope).values("pk")


def holds_most_registrations(scope: ReportScope) -> bool:
    """Whether the report of ``scope`` counts people from the programme-wide per-person counts
    (the whole programme, or webinars holding more than half of its registrations)."""
    if scope.is_everything:
        return True
    return _mostly_everything([{"registrations": _reach(scope).aggregate(n=Sum("registrations"))["n"] or 0}])


def _reach(scope: ReportScope) -> QuerySet:
    reach = ReachWebinar.objects.order_by()
    return reach if scope.is_everything else reach.filter(webinar_id__in=_scope_ids(scope))


def webinar_rows(scope: ReportScope) -> list[dict]:
    """Per webinar, by date: registrations, confirmed, attended, walk-ins and the rate (the trend)."""
    webinars = list(
        scope_webinars(scope)
        .select_related("series")
        .only("id", "title", "original_language", "start_date", "status", "series__id", "series__title", "series__original_language")
        .order_by("start_date", "starts_at", "pk")
    )
    figures = {row["webinar_id"]: row for row in _reach(scope).values("webinar_id", *REACH_FIGURES)}
    rows = []
    for webinar in webinars:
        reach = figures.get(webinar.pk, {})
        row = {
            "id": webinar.pk,
            "title": str(webinar),
            "series_id": webinar.series_id,
            "series": str(webinar.series),
            "date": webinar.start_date,
            "status": webinar.status,
            "status_label": webinar.get_status_display(),
            **{name: reach.get(name, 0) for name in REACH_FIGURES},
        }
        row["to_review"] = row["attended"] - row["registered_attendees"] - row["walk_ins"]
        row["attendance_rate"] = _rate(row["registered_attendees"], row["confirmed"])
        row["attendance_rate_text"] = percent(row["attendance_rate"])
        rows.append(row)
    return rows


def _people(scope: ReportScope, rows: list[dict]) -> tuple[int, int]:
    """Distinct people registered, and people who attended two webinars or more, in the scope."""
    if scope.is_everything:
        # Every webinar is up to date: the per-person counts over the whole programme answer it.
        people = ReachPerson.objects.aggregate(
            unique=Count("pk", filter=Q(registered_webinars__gt=0)), returning=Count("pk", filter=Q(attended_webinars__gte=2))
        )
    elif _mostly_everything(rows):
        people = _people_by_complement(scope)
    else:
        per_person = (
            ReachParticipant.objects.filter(webinar_id__in=_scope_ids(scope))
            .order_by()
            .values("person_id")
            .annotate(registered=Count("pk", filter=Q(registered=True)), attended=Count("pk", filter=Q(attended=True)))
        )
        with connection.cursor() as cursor:
            sql, params = per_person.query.sql_with_params()
            cursor.execute(
                "SELECT COALESCE(SUM(CASE WHEN registered > 0 THEN 1 ELSE 0 END), 0), "  # noqa: S608 -- SQL from the ORM
                f"COALESCE(SUM(CASE WHEN attended >= 2 THEN 1 ELSE 0 END), 0) FROM ({sql}) AS per_person",
                params,
            )
            unique, returning = cursor.fetchone()
        people = {"unique": unique, "returning": returning}
    return int(people["unique"] or 0), int(people["returning"] or 0)


def _mostly_everything(rows: list[dict]) -> bool:
    """Whether the scope's webinars hold more than half the programme's registrations (so most participant rows)."""
    everything = ReachWebinar.objects.aggregate(n=Sum("registrations"))["n"] or 0
    return sum(r["registrations"] for r in rows) * 2 > everything


def _people_by_complement(scope: ReportScope) -> dict:
    """People counted from the programme-wide per-person counts, less what the webinars outside
    the scope contribute (cheaper when the scope is most of the programme).

    A person registered in the scope unless all their registrations are outside it; returning
    in the scope when the webinars they attended, less those outside it, are still two or more.
    """
    outside = list(Webinar.objects.exclude(pk__in=_scope_ids(scope)).order_by().values_list("pk", flat=True))
    everyone = ReachPerson.objects.aggregate(
        unique=Count("pk", filter=Q(registered_webinars__gt=0)), returning=Count("pk", filter=Q(attended_webinars__gte=2))
    )
    if not outside:
        return everyone
    per_person = (
        ReachParticipant.objects.filter(webinar_id__in=outside)
        .order_by()
        .values("person_id")
        .annotate(registered=Count("pk", filter=Q(registered=True)), attended=Count("pk", filter=Q(attended=True)))
    )
    person = connection.ops.quote_name(ReachPerson._meta.db_table)
    with connection.cursor() as cursor:
        sql, params = per_person.query.sql_with_params()
        cursor.execute(
            "SELECT COALESCE(SUM(CASE WHEN o.registered > 0 AND p.registered_webinars = o.registered THEN 1 ELSE 0 END), 0), "  # noqa: S608 -- SQL from the ORM
            "COALESCE(SUM(CASE WHEN o.attended > 0 AND p.attended_webinars >= 2 AND p.attended_webinars - o.attended < 2 "
            f"THEN 1 ELSE 0 END), 0) FROM ({sql}) AS o JOIN {person} AS p ON p.id = o.person_id",
            params,
        )
        lost_unique, lost_returning = cursor.fetchone()
    return {"unique": everyone["unique"] - int(lost_unique or 0), "returning": everyone["returning"] - int(lost_returning or 0)}


def totals(scope: ReportScope, rows: list[dict]) -> dict:
    """Totals of the per-webinar counts, plus the figures that are not sums (distinct people).

    Distinct lower-case addresses are distinct people (erasure gives each row an address of
    its own, "erased-<uuid>@erased.invalid", so erased rows are each one of them).
    """
    summed = {
        key: sum(r[key] for r in rows) for key in ("registrations", "confirmed", "attended", "registered_attendees", "walk_ins", "erased")
    }
    erased = summed.pop("erased")
    summed["to_review"] = summed["attended"] - summed["registered_attendees"] - summed["walk_ins"]
    unique_participants, returning = _people(scope, rows)
    return {
        "webinars": len(rows),
        **summed,
        "attendance_rate": _rate(summed["registered_attendees"], summed["confirmed"]),
        "unique_participants": unique_participants,
        "erased": erased,
        "returning_participants": returning,
    }


def _not_stated() -> str:
    return _("not stated")


def dimension_label(dimension: str, value: str) -> str:
    """The name of one group in the UI language."""
    if not value:
        return _not_stated()
    if dimension == "country":
        return str(countries.name(value)) or value
    if dimension == "institution_type":
        return str(InstitutionType(value).label) if value in InstitutionType.values else value
    if dimension == "gender":
        return str(Gender(value).label) if value in Gender.values else value
    if dimension == "language":
        names = dict(settings.LANGUAGES)
        return str(_(str(names[value]))) if value in names else language_name(value)
    return value


def dimension_title(dimension: str) -> str:
    return {
        "country": _("Country"),
        "institution_type": _("Institution type"),
        "gender": _("Gender"),
        "language": _("Language"),
    }[dimension]


def breakdowns(scope: ReportScope) -> list[dict]:
    """Registrations, confirmed and registered attendees by country, institution type, gender
    and language, largest group first: sums of the webinars' groups (``ReachMargin``)."""
    groups = ReachMargin.objects.order_by()
    if not scope.is_everything:
        groups = groups.filter(webinar_id__in=_scope_ids(scope))
    margins: dict[str, dict[str, dict]] = {name: {} for name in DIMENSIONS}
    for group in groups.values("dimension", "value").annotate(
        registrations=Sum("registrations"), confirmed=Sum("confirmed"), attended=Sum("attended")
    ):
        if group["dimension"] in margins:
            margins[group["dimension"]][group["value"]] = {m: int(group[m] or 0) for m in ("registrations", "confirmed", "attended")}
    result = []
    for name in DIMENSIONS:
        rows = [{"key": key, "label": dimension_label(name, key), **counts} for key, counts in margins[name].items()]
        rows.sort(key=lambda r: (-r["registrations"], -r["attended"], r["key"] == "", r["label"]))
        result.append({"dimension": name, "title": dimension_title(name), "rows": rows})
    return result


# --- certificates and feedback (other apps; each figure through one small function) --------------


def certificate_figures(scope: ReportScope) -> dict | None:
    """Certificates issued and not revoked, for webinars in scope and (series certificates) series
    in scope; None when the certificates app has no Certificate model yet."""
    try:
        from webinars.certificates.models import Certificate
    except ImportError:
        return None
    issued = Certificate.objects.filter(revoked_at__isnull=True).order_by()
    if not scope.is_everything:
        of_webinars = Q(webinar_id__in=scope_webinars(scope).values("pk"))
        if scope.webinar_id is not None:
            issued = issued.filter(of_webinars)
        else:
            of_series = Q(webinar__isnull=True)
            if scope.series_ids is not None:
                of_series &= Q(series_id__in=scope.series_ids)
            if scope.date_from is not None:
                of_series &= Q(issued_at__date__gte=scope.date_from)
            if scope.date_to is not None:
                of_series &= Q(issued_at__date__lte=scope.date_to)
            issued = issued.filter(of_webinars | of_series)
    return issued.aggregate(
        total=Count("pk"),
        for_webinars=Count("pk", filter=Q(webinar__isnull=False)),
        for_series=Count("pk", filter=Q(webinar__isnull=True)),
    )


def feedback_figures(scope: ReportScope) -> dict | None:
    """Feedback of the scope's webinars: counts, averages, distributions and the newest free texts.

    The same keys as ``feedback.selectors.webinar_feedback_summary`` (which the webinar
    report uses as it is); None when the feedback app has no models yet.
    """
    try:
        from webinars.feedback.models import FeedbackInvitation, FeedbackResponse
    except ImportError:
        return None
    if scope.kind == "webinar" and scope.webinar_id is not None:
        try:
            from webinars.feedback.selectors import webinar_feedback_summary
        except ImportError:
            webinar_feedback_summary = None  # type: ignore[assignment]  # an optional app: the usual fallback
        if webinar_feedback_summary is not None:
            summary = webinar_feedback_summary(Webinar(pk=scope.webinar_id))
            for name in FEEDBACK_TEXT_FIELDS:
                summary[f"{name}_total"] = len(summary.get(name, []))
                summary[name] = summary.get(name, [])[:FEEDBACK_TEXT_LIMIT]
            return summary
    responses = FeedbackResponse.objects.filter(_webinar_q(scope)).order_by()
    figures = responses.aggregate(
        responses=Count("pk"),
        average_rating=Avg("rating"),
        average_usefulness=Avg("usefulness"),
        **{f"rating_{n}": Count("pk", filter=Q(rating=n)) for n in RATING_SCALE},
        **{f"usefulness_{n}": Count("pk", filter=Q(usefulness=n)) for n in RATING_SCALE},
        **{f"{name}_total": Count("pk", filter=~Q(**{name: ""})) for name in FEEDBACK_TEXT_FIELDS},
    )
    invitations = FeedbackInvitation.objects.filter(_webinar_q(scope)).count()
    rate = figures["responses"] / invitations if invitations else None
    summary = {
        "invitations": invitations,
        "responses": figures["responses"],
        "response_rate": rate,
        "response_rate_percent": None if rate is None else round(rate * 100, 1),
        "average_rating": None if figures["average_rating"] is None else round(float(figures["average_rating"]), 2),
        "average_usefulness": None if figures["average_usefulness"] is None else round(float(figures["average_usefulness"]), 2),
        "rating_distribution": {n: figures[f"rating_{n}"] for n in RATING_SCALE},
        "usefulness_distribution": {n: figures[f"usefulness_{n}"] for n in RATING_SCALE},
    }
    for name in FEEDBACK_TEXT_FIELDS:
        summary[f"{name}_total"] = figures[f"{name}_total"]
        summary[name] = list(
            responses.exclude(**{name: ""}).order_by("-created_at", "-pk").values_list(name, flat=True)[:FEEDBACK_TEXT_LIMIT]
        )
    return summary


# --- the whole report --------------------------------------------------------------------------


def reach_report(scope: ReportScope) -> dict:
    """Everything a report page or export shows, as plain dicts and lists (read as stored:
    call ``services.reach_refresh(scope=scope)`` first for up-to-date figures)."""
    rows = webinar_rows(scope)
    return {
        "scope": scope,
        "webinars": rows,
        "totals": totals(scope, rows),
        "breakdowns": breakdowns(scope),
        "certificates": certificate_figures(scope),
        "feedback": feedback_figures(scope),
    }


# --- how figures are named (shared by pages and exports) -------------------------------------------


def percent(rate: float | None) -> str:
    """ "75.0 %" in English, "75,0 %" in Russian."""
    return "–" if rate is None else f"{local_number(rate * 100, decimals=1)} %"


def summary_items(report: dict) -> list[dict]:
    """The headline figures as ``{"key", "label", "value", "text"}`` (text: what is shown)."""
    totals = report["totals"]
    items = [
        ("webinars", _("Webinars"), totals["webinars"]),
        ("registrations", _("Registrations"), totals["registrations"]),
        ("confirmed", _("Confirmed registrations"), totals["confirmed"]),
        ("attended", _("Attended (including walk-ins)"), totals["attended"]),
        ("registered_attendees", _("Registered attendees"), totals["registered_attendees"]),
        ("walk_ins", _("Walk-ins (attended without registering)"), totals["walk_ins"]),
        ("to_review", _("Attendees still to be matched"), totals["to_review"]),
        ("attendance_rate", _("Attendance rate (registered attendees ÷ confirmed)"), totals["attendance_rate"]),
        ("unique_participants", _("Unique participants (distinct people registered)"), totals["unique_participants"]),
        ("returning_participants", _("Returning participants (attended two webinars or more)"), totals["returning_participants"]),
        ("erased", _("Registrations whose personal data was erased (counted above)"), totals["erased"]),
    ]
    certificates = report.get("certificates")
    if certificates is not None:
        items.append(("certificates", _("Certificates issued (not revoked)"), certificates["total"]))
    result = []
    for key, label, value in items:
        text = percent(value) if key == "attendance_rate" else local_number(value)
        result.append({"key": key, "label": label, "value": value, "text": text})
    return result


def feedback_items(feedback: dict | None) -> list[dict]:
    """Feedback figures as ``{"label", "value", "text"}``; empty without feedback."""
    if not feedback:
        return []

    def average(value) -> str:
        return local_number(value, decimals=2)

    return [
        {"label": _("Feedback invitations"), "value": feedback.get("invitations"), "text": str(feedback.get("invitations", "–"))},
        {"label": _("Feedback responses"), "value": feedback.get("responses"), "text": str(feedback.get("responses", "–"))},
        {
            "label": _("Response rate"),
            "value": feedback.get("response_rate"),
            "text": percent(feedback.get("response_rate")),
        },
        {
            "label": _("Average overall rating (1–5)"),
            "value": feedback.get("average_rating"),
            "text": average(feedback.get("average_rating")),
        },
        {
            "label": _("Average usefulness (1–5)"),
            "value": feedback.get("average_usefulness"),
            "text": average(feedback.get("average_usefulness")),
        },
    ]


def feedback_text_sections(feedback: dict | None) -> list[dict]:
    """The free-text answers per question: ``{"key", "title", "answers", "total"}``."""
    if not feedback:
        return []
    titles = {"improve": _("What to improve"), "topics_next": _("Topics wanted next"), "comments": _("Comments")}
    return [
        {"key": name, "title": titles[name], "answers": feedback.get(name) or [], "total": feedback.get(f"{name}_total", 0)}
        for name in FEEDBACK_TEXT_FIELDS
    ]
