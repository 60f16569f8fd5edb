"""Reads of feedback: the invitation behind a link, and the organiser's figures per webinar.

The figures are aggregated in SQL (one query for counts, averages and both
distributions); only the free-text answers are read row by row, and never with a name
or an address.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from webinars.core import links
from webinars.programme.models import Webinar
from webinars.registrations import selectors as registration_selectors
from webinars.registrations.models import Registration

from .models import FeedbackInvitation, FeedbackResponse

SCALE = (1, 2, 3, 4, 5)
TEXT_FIELDS = ("improve", "topics_next", "comments")


def survey_token(registration: Registration, *, issued_at: dt.datetime | None = None) -> str:
    """A fresh survey token for ``registration``: signed with its link version, never stored (``core.links``)."""
    return links.link_token(purpose="feedback", key=registration.uuid, version=registration.link_version, issued_at=issued_at)


def survey_path(registration: Registration) -> str:
    return reverse("feedback:form", args=[survey_token(registration)])


def invitation_link(token: str, *, now: dt.datetime | None = None) -> links.Opened[FeedbackInvitation]:
    """The invitation a survey link opens, and whether the link has expired.

    A signed token names the registration; a token of the first format (random, e-mailed
    before links were signed) is found by its SHA-256 on the invitation.
    """
    found = registration_selectors.registration_link(
        token, purpose="feedback", legacy_field="feedback_invitation__legacy_token_hash", now=now
    )
    if found.obj is None:
        return links.Opened()
    invitation = (
        FeedbackInvitation.objects.select_related("registration", "webinar", "webinar__series").filter(registration=found.obj).first()
    )
    return links.Opened(invitation, expired=found.expired) if invitation else links.Opened()


def invitation_by_token(token: str) -> FeedbackInvitation | None:
    return invitation_link(token).live


def invitation_is_answered(invitation: FeedbackInvitation) -> bool:
    return invitation.answered_at is not None or FeedbackResponse.objects.filter(invitation=invitation).exists()


def _rounded(value, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def webinar_feedback_summary(webinar: Webinar) -> dict:
    """The organiser's figures for one webinar.

    Keys: ``invitations``, ``responses``, ``response_rate`` (0–1, None without
    invitations), ``response_rate_percent``, ``average_rating`` and
    ``average_usefulness`` (None without answers), ``rating_distribution`` and
    ``usefulness_distribution`` (``{1: n, ..., 5: n}``), and the non-empty free texts,
    newest first: ``improve``, ``topics_next``, ``comments`` (lists of strings).
    """
    responses = FeedbackResponse.objects.filter(webinar=webinar)
    aggregates = {
        "responses": Count("pk"),
        "average_rating": Avg("rating"),
        "average_usefulness": Avg("usefulness"),
        **{f"rating_{n}": Count("pk", filter=Q(rating=n)) for n in SCALE},
        **{f"usefulness_{n}": Count("pk", filter=Q(usefulness=n)) for n in SCALE},
    }
    figures = responses.order_by().aggregate(**aggregates)
    invitations = FeedbackInvitation.objects.filter(webinar=webinar).count()
    answered = figures["responses"]
    rate = answered / invitations if invitations else None
    summary = {
        "invitations": invitations,
        "responses": answered,
        "response_rate": rate,
        "response_rate_percent": None if rate is None else round(rate * 100, 1),
        "average_rating": _rounded(figures["average_rating"]),
        "average_usefulness": _rounded(figures["average_usefulness"]),
        "rating_distribution": {n: figures[f"rating_{n}"] for n in SCALE},
        "usefulness_distribution": {n: figures[f"usefulness_{n}"] for n in SCALE},
    }
    for field in TEXT_FIELDS:
        summary[field] = list(responses.exclude(**{field: ""}).order_by("-created_at", "-pk").values_list(field, flat=True))
    return summary


def _count_of(model, **filters) -> Coalesce:
    rows = model.objects.filter(webinar=OuterRef("pk"), **filters).order_by().values("webinar").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def webinars_with_feedback_figures(webinars: QuerySet[Webinar]) -> QuerySet[Webinar]:
    """``webinars`` that have invitations, annotated with ``feedback_invitations_count``,
    ``feedback_responses_count`` and ``feedback_average_rating`` (subqueries, no row loops)."""
    average = FeedbackResponse.objects.filter(webinar=OuterRef("pk")).order_by().values("webinar").annotate(a=Avg("rating")).values("a")
    return webinars.filter(
        Exists(FeedbackInvitation.objects.filter(webinar=OuterRef("pk"))) | Exists(FeedbackResponse.objects.filter(webinar=OuterRef("pk")))
    ).annotate(
        feedback_invitations_count=_count_of(FeedbackInvitation),
        feedback_responses_count=_count_of(FeedbackResponse),
        feedback_average_rating=Subquery(average),
    )
