"""Reads of the public programme. Each returns a queryset with what its callers render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from . import rules as series_rules
from .models import Organisation, Person, Series, SeriesSlug, Webinar, WebinarSlug, WebinarSpeaker

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


# -- the workspace's directory of people and organisations --------------------------------------


def _scope(series_ids: list[int] | None, *paths: str) -> Q:
    """Rows linked to these series through any of ``paths`` (None: every row, for superusers)."""
    if series_ids is None:
        return Q()
    found = Q()
    for path in paths:
        found |= Q(**{f"{path}__in": series_ids})
    return found


PERSON_SERIES_PATHS = ("added_for_series", "talks__webinar__series")
ORGANISATION_SERIES_PATHS = ("added_for_series", "organised_series", "partner_series", "partner_webinars__series")


def directory_scope(user: Any) -> list[int] | None:
    """The series whose directory ``user`` sees (any role); None for a superuser (everything)."""
    if series_rules.is_active_superuser(user):
        return None
    return sorted(series_rules.series_roles(user))


def directory_people(*, series_ids: list[int] | None) -> QuerySet[Person]:
    """Speakers of these series (and people added for them), with how many webinars each spoke at."""
    ids = Person.objects.filter(_scope(series_ids, *PERSON_SERIES_PATHS)).values("pk")
    return Person.objects.filter(pk__in=ids).annotate(talk_count=Count("talks", distinct=True)).order_by("slug")


def directory_organisations(*, series_ids: list[int] | None) -> QuerySet[Organisation]:
    """Organisers and partners of these series and their webinars (and organisations added for them)."""
    ids = Organisation.objects.filter(_scope(series_ids, *ORGANISATION_SERIES_PATHS)).values("pk")
    return (
        Organisation.objects.filter(pk__in=ids)
        .annotate(series_count=Count("organised_series", distinct=True), partner_count=Count("partner_webinars", distinct=True))
        .order_by("slug")
    )


def directory_person(*, series_ids: list[int] | None, person_id: int) -> Person | None:
    return directory_people(series_ids=series_ids).select_related("added_for_series").filter(pk=person_id).first()


def directory_organisation(*, series_ids: list[int] | None, organisation_id: int) -> Organisation | None:
    return directory_organisations(series_ids=series_ids).select_related("added_for_series").filter(pk=organisation_id).first()


def person_talks_in(*, person: Person, series_ids: list[int] | None) -> QuerySet[WebinarSpeaker]:
    """The webinars (drafts included) of these series where ``person`` spoke, newest first."""
    talks = WebinarSpeaker.objects.filter(person=person).select_related("webinar", "webinar__series")
    if series_ids is not None:
        talks = talks.filter(webinar__series_id__in=series_ids)
    return talks.order_by("-webinar__start_date", "-webinar__id")


def organisation_involvement(*, organisation: Organisation, series_ids: list[int] | None) -> dict[str, list[Any]]:
    """The series it organises or partners and the webinars it partners, within these series."""
    series = Series.objects.all() if series_ids is None else Series.objects.filter(pk__in=series_ids)
    webinars = Webinar.objects.filter(partners=organisation).select_related("series").order_by("-start_date", "-id")
    if series_ids is not None:
        webinars = webinars.filter(series_id__in=series_ids)
    return {
        "organised": list(series.filter(organiser=organisation).order_by("slug")),
        "partnered": list(series.filter(partners=organisation).order_by("slug")),
        "webinars": list(webinars),
    }


def organisation_choices() -> QuerySet[Organisation]:
    """Every organisation, to pick an organiser or partners from (the directory is shared)."""
    return Organisation.objects.order_by("slug")


def person_choices() -> QuerySet[Person]:
    """Every person, to pick a speaker from."""
    return Person.objects.order_by("slug")


def webinar_for_editing(*, webinar_id: int) -> Webinar | None:
    """A webinar with what its edit form shows: series, partners, speakers (with people), links."""
    return (
        Webinar.objects.select_related("series", "series__organiser")
        .prefetch_related("partners", Prefetch("speakers", queryset=WebinarSpeaker.objects.select_related("person")), "links")
        .filter(pk=webinar_id)
        .first()
    )


def webinars_past_retention(*, now: dt.datetime) -> QuerySet[Webinar]:
    """Webinars that ended longer ago than their series' retention period (``Series.retention_months``)."""
    from dateutil.relativedelta import relativedelta

    condition = Q(pk__in=[])
    for months in Series.objects.values_list("retention_months", flat=True).distinct():
        condition |= Q(series__retention_months=months, ends_at__lt=now - relativedelta(months=months))
    return Webinar.objects.filter(condition)
