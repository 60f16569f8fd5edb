"""Reads of series teams."""

from __future__ import annotations

from django.db.models import QuerySet

from webinars.programme.models import Series, SeriesRole


def series_team(*, series: Series) -> QuerySet[SeriesRole]:
    """The series' members with their accounts: owners first, then editors, then viewers, by address."""
    from django.db.models import Case, IntegerField, Value, When

    rank = Case(
        *(When(role=role, then=Value(i)) for i, role in enumerate([SeriesRole.Role.OWNER, SeriesRole.Role.EDITOR, SeriesRole.Role.VIEWER])),
        default=Value(9),
        output_field=IntegerField(),
    )
    return SeriesRole.objects.filter(series=series).select_related("user").annotate(rank=rank).order_by("rank", "user__username")


def series_member(*, series: Series, user_id: int) -> SeriesRole | None:
    return SeriesRole.objects.select_related("user").filter(series=series, user_id=user_id).first()
