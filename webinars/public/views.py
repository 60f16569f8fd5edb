"""Public pages: thin views that call programme selectors and render."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from webinars.core.caching import cached_public_page, content_cached
from webinars.library import selectors as library_selectors
from webinars.library.models import LibraryItem
from webinars.programme import selectors
from webinars.programme.calendar import calendar_for
from webinars.programme.models import Webinar
from webinars.registrations.services import registration_closed_reason

from .structured_data import webinar_json_ld

HOME_UPCOMING_LIMIT = 20
HOME_PAST_LIMIT = 10
ARCHIVE_PAGE_SIZE = 50


@require_safe
@cached_public_page
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "public/home.html",
        {
            # Lazy: read only when the cached fragment of the page is not there (see home.html).
            "upcoming": lazy_list(lambda: selectors.webinar_upcoming()[:HOME_UPCOMING_LIMIT]),
            "past": lazy_list(lambda: selectors.webinar_past()[:HOME_PAST_LIMIT]),
            "series_list": lazy_list(selectors.series_public),
        },
    )


@require_safe
@cached_public_page
def series_detail(request: HttpRequest, series_slug: str) -> HttpResponse:
    series, canonical = content_cached("series_by_slug", series_slug, load=lambda: selectors.series_by_slug(series_slug))
    if series is None:
        raise Http404
    if not canonical:
        return HttpResponsePermanentRedirect(series.get_absolute_url())
    page = request.GET.get("page")
    return render(
        request,
        "public/series.html",
        {
            "series": series,
            # Lazy: read only when the cached fragment of the page is not there (see series.html).
            "partners": SimpleLazyObject(lambda: selectors.series_partners(series)),
            "upcoming": lazy_list(lambda: selectors.webinar_upcoming().filter(series=series)),
            "archive": SimpleLazyObject(
                lambda: Paginator(selectors.webinar_past().filter(series=series), ARCHIVE_PAGE_SIZE).get_page(page)
            ),
            "page": page or "1",
        },
    )


@require_safe
@cached_public_page
def webinar_detail(request: HttpRequest, series_slug: str, webinar_slug: str) -> HttpResponse:
    # The usual case: the webinar at its current address (cached until the next content edit).
    webinar = content_cached("webinar_at", series_slug, webinar_slug, load=lambda: selectors.webinar_at(series_slug, webinar_slug))
    if webinar is not None:
        return _render_webinar(request, webinar)
    series, series_canonical = selectors.series_by_slug(series_slug)
    if series is None:
        raise Http404
    webinar, canonical = selectors.webinar_by_slugs(series, webinar_slug, detail=False)
    if webinar is None:
        raise Http404
    if not (canonical and series_canonical):
        return HttpResponsePermanentRedirect(webinar.get_absolute_url())
    return _render_webinar(request, webinar)


def lazy_list(read) -> SimpleLazyObject:
    """A list read from the database the first time a template uses it (never, when the
    template's cached fragment is served)."""
    return SimpleLazyObject(lambda: list(read()))


def _partners(webinar: Webinar) -> list:
    return list({p.pk: p for p in [*webinar.series.partners.all(), *webinar.partners.all()]}.values())


def _library_of(webinar: Webinar) -> dict:
    items = library_selectors.items_for_webinar(webinar)
    recordings = [i for i in items if i.kind in (LibraryItem.Kind.RECORDING, LibraryItem.Kind.VIDEO)]
    return {
        "items": [i for i in items if i not in recordings],
        "recordings": recordings,
        "converted": library_selectors.converted_link_ids(webinar),
    }


def _render_webinar(request: HttpRequest, webinar: Webinar, *, preview: bool = False) -> HttpResponse:
    # Speakers, links and partners in a few queries, only when the cached fragment is missing.
    detail = webinar if preview else SimpleLazyObject(lambda: selectors.webinar_detail_queryset().get(pk=webinar.pk))
    # The library's items of this webinar (recordings apart), read with the rest when the fragment is missing.
    library = SimpleLazyObject(lambda: _library_of(webinar))
    return render(
        request,
        "public/webinar.html",
        {
            "webinar": webinar,
            "series": webinar.series,
            "speakers": lazy_list(lambda: detail.speakers.all()),
            "links": lazy_list(lambda: [link for link in detail.links.all() if link.pk not in library["converted"]]),
            "library_items": lazy_list(lambda: library["items"]),
            "recordings": lazy_list(lambda: library["recordings"]),
            "partners": lazy_list(lambda: _partners(detail)),
            "previous": lazy_list(lambda: selectors.webinar_past().filter(series=webinar.series, start_date__lt=webinar.start_date)),
            "permanent_url": settings.SITE_URL + webinar.get_permanent_url(),
            "json_ld": SimpleLazyObject(lambda: webinar_json_ld(detail)),
            "preview": preview,
            "registration_open": SimpleLazyObject(lambda: registration_closed_reason(webinar, now=timezone.now()) is None),
        },
    )


@login_required
def webinar_preview(request: HttpRequest, webinar_id: int) -> HttpResponse:
    """Organisers see a draft exactly as it will look, for the series they may edit."""
    webinar = selectors.webinar_for_preview(user=request.user, webinar_id=webinar_id)
    if webinar is None:
        raise Http404
    return _render_webinar(request, webinar, preview=True)


@require_safe
def permalink(request: HttpRequest, webinar_id: int) -> HttpResponse:
    webinar = selectors.webinar_public().filter(pk=webinar_id).first()
    if webinar is None:
        raise Http404
    return HttpResponsePermanentRedirect(webinar.get_absolute_url())


@require_safe
@cached_public_page
def person_detail(request: HttpRequest, person_slug: str) -> HttpResponse:
    person = selectors.person_by_slug(person_slug)
    if person is None:
        raise Http404
    return render(
        request,
        "public/person.html",
        {"person": person, "talks": list(selectors.person_webinars(person)), "library_items": library_selectors.items_for_person(person)},
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def hello(request: HttpRequest) -> HttpResponse:
    """A trivial view: the baseline that ``make bench`` compares pages (GET) and registrations (POST) with."""
    return HttpResponse("hello", content_type="text/plain")


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
@cached_public_page
def webinar_ics(request: HttpRequest, webinar_id: int) -> HttpResponse:
    webinar = selectors.webinar_public().select_related("series__organiser").filter(pk=webinar_id).first()
    if webinar is None:
        raise Http404
    return _ics_response(calendar_for([webinar], name=str(webinar)), f"webinar-{webinar.pk}.ics")


@require_safe
@cached_public_page
def series_ics(request: HttpRequest, series_slug: str) -> HttpResponse:
    series, canonical = selectors.series_by_slug(series_slug)
    if series is None:
        raise Http404
    if not canonical:
        return HttpResponsePermanentRedirect(reverse("public:series_ics", args=[series.slug]))
    webinars = selectors.webinar_in_series(series).select_related("series__organiser")
    return _ics_response(calendar_for(webinars, name=str(series)), f"{series.slug}.ics")
