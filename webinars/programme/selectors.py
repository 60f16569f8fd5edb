"""Reads of the public programme. Each returns a queryset with what its callers render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from . import rules as series_rules
from .models import Person, Series, SeriesSlug, Webinar, WebinarSlug, WebinarSpeaker

LIST_RELATED = ("series",)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def webinar_public() -> QuerySet[Webinar]:
    return Webinar.objects.public().select_related(*LIST_RELATED)


def webinar_upcoming(*, now: dt.datetime | None = None) -> QuerySet[Webinar]:
    """Published, postponed and cancelled webinars that have not ended, soonest first."""
    return webinar_public().filter(ends_at__gte=_now(now)).order_by("start_date", "starts_at", "id")


def webinar_past(*, now: dt.datetime | None = None) -> QuerySet[Webinar]:
    """The archive: webinars that have ended, newest first."""
    return webinar_public().filter(ends_at__lt=_now(now)).order_by("-start_date", "-starts_at", "-id")


def webinar_filter(
    *, when: str | None = None, series_slug: str | None = None, language: str | None = None, now: dt.datetime | None = None
) -> QuerySet[Webinar]:
    """Public webinars filtered as the API and feeds ask."""
    if when == "upcoming":
        qs = webinar_upcoming(now=now)
    elif when == "past":
        qs = webinar_past(now=now)
    else:
        qs = webinar_public().order_by("start_date", "starts_at", "id")
    if series_slug:
        qs = qs.filter(series__slug=series_slug)
    if language:
        # JSON text search works on SQLite and PostgreSQL alike (JSON containment does not on SQLite).
        qs = qs.filter(Q(language=language) | Q(interpretation_languages__icontains=f'"{language}"'))
    return qs


def series_public() -> QuerySet[Series]:
    return (
        Series.objects.filter(is_published=True)
        .select_related("organiser")
        .annotate(webinar_count=Count("webinars", filter=~Q(webinars__status=Webinar.Status.DRAFT)))
        .order_by("is_sample", "slug")
    )


def series_by_slug(slug: str) -> tuple[Series | None, bool]:
    """The public series at ``slug`` and whether ``slug`` is its current (canonical) one."""
    series = Series.objects.filter(is_published=True, slug=slug).select_related("organiser").first()
    if series is not None:
        return series, True
    old = SeriesSlug.objects.filter(slug=slug, series__is_published=True).select_related("series").first()
    return (old.series, False) if old else (None, False)


def series_partners(series: Series) -> list:
    return list(series.partners.all())


def webinar_detail_queryset() -> QuerySet[Webinar]:
    return (
        Webinar.objects.public()
        .select_related("series", "series__organiser")
        .prefetch_related(
            Prefetch("speakers", queryset=WebinarSpeaker.objects.select_related("person")),
            "links",
            "partners",
            "series__partners",
        )
    )


def webinar_at(series_slug: str, slug: str) -> Webinar | None:
    """The public webinar at its current address (one query), or None: then look further with
    ``series_by_slug`` and ``webinar_by_slugs`` (old addresses redirect)."""
    # The page's cached fragments hold the long texts: read them (and the organiser) only on a miss.
    found = Webinar.objects.public().filter(series__slug=series_slug, slug=slug).select_related("series")
    return found.defer("description", "series__description").first()


def webinar_by_slugs(series: Series, slug: str, *, detail: bool = True) -> tuple[Webinar | None, bool]:
    """The public webinar at ``slug`` in ``series`` and whether ``slug`` is its current one.

    ``detail=False`` leaves out speakers, links and partners (a page served from its cached
    fragments needs only the webinar's own row)."""
    queryset = webinar_detail_queryset() if detail else webinar_public()
    webinar = queryset.filter(series=series, slug=slug).first()
    if webinar is not None:
        return webinar, True
    old = WebinarSlug.objects.filter(series=series, slug=slug).values_list("webinar_id", flat=True).first()
    if old is None:
        return None, False
    return queryset.filter(pk=old).first(), False


def webinar_by_id(webinar_id: int) -> Webinar | None:
    return webinar_detail_queryset().filter(pk=webinar_id).first()


def webinar_in_series(series: Series, *, exclude_id: int | None = None) -> QuerySet[Webinar]:
    qs = webinar_public().filter(series=series)
    return qs.exclude(pk=exclude_id) if exclude_id else qs


def person_by_slug(slug: str) -> Person | None:
    return Person.objects.filter(slug=slug).first()


def person_webinars(person: Person) -> QuerySet[WebinarSpeaker]:
    return (
        WebinarSpeaker.objects.filter(person=person, webinar__in=Webinar.objects.public())
        .select_related("webinar", "webinar__series")
        .order_by("-webinar__start_date", "-webinar__starts_at")
    )


def series_for(user: Any, perm: str) -> QuerySet[Series]:
    """Series on which ``user`` holds the series-scoped permission ``perm`` (``programme.rules``).

    All series for an active superuser; else those where the user's role reaches the least
    role the rule needs. Read from the user's memoised roles, so scoping a list costs no
    extra query (and none at all when the user holds no role).
    """
    needed = series_rules.SERIES_PERMS[perm]  # KeyError: not a series-scoped rule (a typo?)
    if series_rules.is_active_superuser(user):
        return Series.objects.all()
    level = series_rules.LEVELS[needed]
    ids = sorted(pk for pk, role in series_rules.series_roles(user).items() if series_rules.LEVELS.get(role, 0) >= level)
    return Series.objects.filter(pk__in=ids)


def series_visible_to(user: Any) -> QuerySet[Series]:
    """Series ``user`` may see at all (any role; superusers all)."""
    return series_for(user, "programme.view_series")


def series_editable_by(user: Any) -> QuerySet[Series]:
    """Series whose content ``user`` may edit (editor or owner; superusers all)."""
    return series_for(user, "programme.change_webinar")


def webinars_for(user: Any, perm: str) -> QuerySet[Webinar]:
    """Webinars of the series on which ``user`` holds ``perm``, with their series."""
    return Webinar.objects.filter(series__in=series_for(user, perm)).select_related("series")


def webinar_for_preview(*, user, webinar_id: int) -> Webinar | None:
    """Any webinar, drafts included, of a series ``user`` may see."""
    return (
        Webinar.objects.filter(pk=webinar_id, series__in=series_for(user, "programme.view_webinar"))
        .select_related("series", "series__organiser")
        .prefetch_related(
            Prefetch("speakers", queryset=WebinarSpeaker.objects.select_related("person")),
            "links",
            "partners",
            "series__partners",
        )
        .first()
    )


def webinar_for_workspace(*, webinar_id: int) -> Webinar | None:
    """Any webinar (drafts included) with its series and organiser; the caller checks the rules."""
    return Webinar.objects.select_related("series", "series__organiser").filter(pk=webinar_id).first()


def workspace_webinars(*, series_ids: list[int], now: dt.datetime | None = None) -> dict[str, list[Webinar]]:
    """The webinars of these series for the dashboard: ``upcoming`` (soonest first, drafts
    included) and ``recent`` (ended in the last 60 days, newest first); one query."""
    now = _now(now)
    webinars = list(
        Webinar.objects.filter(series_id__in=series_ids, ends_at__gt=now - dt.timedelta(days=60))
        .exclude(status=Webinar.Status.CANCELLED, ends_at__lte=now)
        .select_related("series")
        .order_by("start_date", "starts_at", "id")
    )
    return {
        "upcoming": [w for w in webinars if w.ends_at > now],
        "recent": sorted((w for w in webinars if w.ends_at <= now), key=lambda w: w.ends_at, reverse=True),
    }


def drafts_without_time(*, series_ids: list[int]) -> QuerySet[Webinar]:
    """Drafts whose start time is not announced yet (the dashboard asks for one)."""
    return Webinar.objects.filter(series_id__in=series_ids, status=Webinar.Status.DRAFT, starts_at__isnull=True).select_related("series")
