"""Registration pages: form, confirmation, self-service ("my registration"), join link.

None of these pages is cached, and each says so (``Cache-Control: private, no-store``):
they show one person's data and are reached only through their secret links.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from webinars.core.errors import DomainError, add_to_form
from webinars.core.http import private_response
from webinars.core.ratelimit import registration_over_limit
from webinars.programme import selectors as programme_selectors
from webinars.programme.models import Webinar

from . import link_requests, selectors, services
from .forms import DetailsForm, LinkRequestForm, RegistrationForm
from .models import Booking, Registration


def link_not_working(request: HttpRequest, *, expired: bool) -> HttpResponse:
    """An expired (410) or unknown (404) personal link: say so, and offer to e-mail fresh links.

    Also used by the feedback app's survey link.
    """
    context = {"expired": expired, "form": LinkRequestForm()}
    return private_response(render(request, "registrations/link_expired.html", context, status=410 if expired else 404))


def _booking_link(request: HttpRequest, token: str) -> tuple[Booking | None, HttpResponse | None]:
    """The booking of a working self-service link, or the page that explains why the link does not work."""
    opened = selectors.booking_manage_link(token)
    if opened.live is None:
        return None, link_not_working(request, expired=opened.expired)
    return opened.live, None


def _initial(request: HttpRequest) -> dict:
    return {"language": get_language(), "time_zone": getattr(request, "viewer_tz_name", "")}


@never_cache
@require_http_methods(["GET", "POST"])
def register_webinar(request: HttpRequest, series_slug: str, webinar_slug: str) -> HttpResponse:
    series, _canonical = programme_selectors.series_by_slug(series_slug)
    webinar = programme_selectors.webinar_by_slugs(series, webinar_slug)[0] if series else None
    if webinar is None:
        raise Http404
    closed = services.registration_closed_reason(webinar, now=timezone.now())
    form = RegistrationForm(request.POST or None, series=webinar.series, initial=_initial(request))
    context = {
        "webinar": webinar,
        "series": webinar.series,
        "form": form,
        "closed": closed,
        "seats_left": selectors.seats_left(webinar=webinar),
    }
    if request.method == "POST" and not closed:
        outcome = _submit(
            request, form, lambda data: services.registration_create(webinar_id=webinar.pk, data=data, source="web", webinar=webinar)
        )
        if outcome is not None:
            return outcome
    return private_response(render(request, "registrations/register.html", context, status=400 if form.errors else 200))


@never_cache
@require_http_methods(["GET", "POST"])
def register_series(request: HttpRequest, series_slug: str) -> HttpResponse:
    series, _canonical = programme_selectors.series_by_slug(series_slug)
    if series is None:
        raise Http404
    upcoming = list(programme_selectors.webinar_upcoming().filter(series=series, status=Webinar.Status.PUBLISHED))
    form = RegistrationForm(request.POST or None, series=series, initial=_initial(request))
    closed = None if upcoming and series.registration_open else _("There are no upcoming webinars open for registration in this series.")
    context = {"series": series, "upcoming": upcoming, "form": form, "closed": closed}
    if request.method == "POST" and not closed:
        outcome = _submit(request, form, lambda data: services.booking_create_for_series(series=series, data=data, source="web"))
        if outcome is not None:
            return outcome
    return private_response(render(request, "registrations/register.html", context, status=400 if form.errors else 200))


def _submit(request: HttpRequest, form: RegistrationForm, register) -> HttpResponse | None:
    if registration_over_limit(request):
        return private_response(render(request, "registrations/too_many.html", status=429))
    if not form.is_valid():
        return None
    if form.is_bot():
        # Answer like a success so the bot learns nothing; store nothing.
        return private_response(render(request, "registrations/done.html", {"bot": True, "registrations": []}))
    try:
        result = register(form.registration_data())
    except DomainError as refused:
        add_to_form(form, refused)
        return None
    return private_response(
        render(
            request,
            "registrations/done.html",
            {"result": result, "registrations": result.registrations},
            status=201 if result.created else 200,
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button, POST confirms: mail scanners that open links must not confirm."""
    opened = selectors.booking_confirm_link(token)
    booking = opened.live
    if booking is None:
        return link_not_working(request, expired=opened.expired)
    if request.method == "POST":
        services.booking_confirm_email(booking=booking)
        return HttpResponseRedirect(selectors.booking_manage_path(booking))
    registrations = list(selectors.booking_registrations(booking))
    return private_response(render(request, "registrations/confirm.html", {"registrations": registrations}))


@never_cache
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    booking, refusal = _booking_link(request, token)
    if booking is None:
        return refusal
    registrations = list(selectors.booking_registrations(booking))
    first = registrations[0] if registrations else None
    erased = bool(first and first.is_erased)
    series = first.webinar.series if first else None
    initial = {name: getattr(first, name) for name in services.PERSONAL_FIELDS} if first and not erased else {}
    if initial.get("country"):
        initial["country"] = first.country.code
    form = DetailsForm(
        request.POST if request.method == "POST" and "save_details" in request.POST else None, series=series, initial=initial
    )
    if form.is_bound and form.is_valid() and not erased:
        data = form.registration_data()
        data.pop("email", None)
        services.booking_update_details(booking=booking, data=data)
        messages.success(request, _("Your details are saved."))
        return HttpResponseRedirect(request.path)
    context = {
        "booking": booking,
        "registrations": registrations,
        "overview": selectors.booking_overview(booking),
        "form": form,
        "erased": erased,
        "token": token,
    }
    return private_response(render(request, "registrations/manage.html", context, status=400 if form.errors else 200))


@never_cache
@require_POST
def cancel(request: HttpRequest, token: str, registration_uuid: str) -> HttpResponse:
    """The first POST asks "are you sure?" (a page with the webinar); the second, with
    ``confirm_cancel=yes``, cancels. Works without JavaScript."""
    booking, refusal = _booking_link(request, token)
    if booking is None:
        return refusal
    registration = booking.registrations.select_related("webinar__series").filter(uuid=registration_uuid).first()
    if registration is None:
        raise Http404
    manage_url = reverse("registrations:manage", args=[token])
    if request.POST.get("confirm_cancel") != "yes":
        context = {"registration": registration, "token": token, "manage_url": manage_url}
        return private_response(render(request, "registrations/cancel_confirm.html", context))
    try:
        services.registration_cancel(registration=registration)
    except DomainError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your registration is cancelled."))
    return HttpResponseRedirect(manage_url)


@never_cache
@require_safe
def download_data(request: HttpRequest, token: str) -> HttpResponse:
    booking, refusal = _booking_link(request, token)
    if booking is None:
        return refusal
    data = selectors.booking_export_data(booking=booking)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-registration.json"'
    return private_response(response)


@never_cache
@require_POST
def erase(request: HttpRequest, token: str) -> HttpResponse:
    booking, refusal = _booking_link(request, token)
    if booking is None:
        return refusal
    if request.POST.get("confirm_erase") != "yes":
        messages.error(request, _("Tick the box to confirm that your data should be erased."))
        return HttpResponseRedirect(reverse("registrations:manage", args=[token]))
    services.booking_erase(booking=booking)
    return private_response(render(request, "registrations/erased.html"))


@never_cache
@require_safe
def join(request: HttpRequest, token: str) -> HttpResponse:
    opened = selectors.registration_join_link(token)
    registration = opened.live
    if registration is None:
        return link_not_working(request, expired=opened.expired)
    url = services.registration_join(registration=registration)
    if url:
        return private_response(HttpResponseRedirect(url))
    context = {"registration": registration, "webinar": registration.webinar, "reason": selectors.join_refusal(registration)}
    return private_response(
        render(
            request,
            "registrations/join_unavailable.html",
            context,
            status=403 if registration.status != Registration.Status.CONFIRMED else 200,
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def request_links(request: HttpRequest) -> HttpResponse:
    """ "Send me fresh links": the same answer, by the same path, for any well-formed address.

    Whether the address is registered is decided in the background (``link_requests``); the
    client's requests are limited (429), the address's silently (the answer does not change).
    """
    form = LinkRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if link_requests.client_over_limit(request):
            return private_response(render(request, "registrations/too_many.html", {"link_requests": True}, status=429))
        if form.is_valid():
            link_requests.fresh_links_request(email=form.cleaned_data["email"])
            return private_response(render(request, "registrations/links_sent.html"))
    context = {"form": form, "expired": None}
    return private_response(render(request, "registrations/link_expired.html", context, status=400 if form.errors else 200))
