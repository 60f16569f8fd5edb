"""Public pages: thin views that call programme selectors and render."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from webinars.core.caching import cached_public_page
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
            "upcoming": list(selectors.webinar_upcoming()[:HOME_UPCOMING_LIMIT]),
            "past": list(selectors.webinar_past()[:HOME_PAST_LIMIT]),
            "series_list": list(selectors.series_public()),
        },
    )


@require_safe
@cached_public_page
def series_detail(request: HttpRequest, series_slug: str) -> HttpResponse:
    series, canonical = selectors.series_by_slug(series_slug)
    if series is None:
        raise Http404
    if not canonical:
        return HttpResponsePermanentRedirect(series.get_absolute_url())
    archive = Paginator(selectors.webinar_past().filter(series=series), ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/series.html",
        {
            "series": series,
            "partners": selectors.series_partners(series),
            "upcoming": list(selectors.webinar_upcoming().filter(series=series)),
            "archive": archive,
        },
    )


@require_safe
@cached_public_page
def webinar_detail(request: HttpRequest, series_slug: str, webinar_slug: str) -> HttpResponse:
    series, series_canonical = selectors.series_by_slug(series_slug)
    if series is None:
        raise Http404
    webinar, canonical = selectors.webinar_by_slugs(series, webinar_slug)
    if webinar is None:
        raise Http404
    if not (canonical and series_canonical):
        return HttpResponsePermanentRedirect(webinar.get_absolute_url())
    return _render_webinar(request, webinar)


def _render_webinar(request: HttpRequest, webinar: Webinar, *, preview: bool = False) -> HttpResponse:
    partners = {p.pk: p for p in [*webinar.series.partners.all(), *webinar.partners.all()]}
    previous = selectors.webinar_past().filter(series=webinar.series, start_date__lt=webinar.start_date)
    return render(
        request,
        "public/webinar.html",
        {
            "webinar": webinar,
            "series": webinar.series,
            "speakers": list(webinar.speakers.all()),
            "links": list(webinar.links.all()),
            "partners": list(partners.values()),
            "previous": list(previous),
            "permanent_url": settings.SITE_URL + webinar.get_permanent_url(),
            "json_ld": webinar_json_ld(webinar),
            "preview": preview,
            "registration_open": registration_closed_reason(webinar, now=timezone.now()) is None,
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
    return render(request, "public/person.html", {"person": person, "talks": list(selectors.person_webinars(person))})


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
