"""Viewer preferences that work without JavaScript: ``?lang=`` and ``?tz=``.

Both are remembered in cookies. Bad values are ignored (and noted for the page), never
an error: a shared link with ``?tz=Nowhere/City`` still opens the page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .timezones import parse_time_zone

TZ_COOKIE = "tz"
COOKIE_AGE = 365 * 24 * 3600


class ViewerPreferencesMiddleware:
    """Turn ``?lang=ru`` into the language cookie before LocaleMiddleware reads it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        wanted = request.GET.get("lang")
        chosen = wanted if wanted in self.languages else None
        if chosen:
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = chosen
        response = self.get_response(request)
        if chosen:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite="Lax",
                secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
            )
        return response


class ViewerTimezoneMiddleware:
    """Activate the viewer's time zone from ``?tz=``, else the ``tz`` cookie, else the default."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from_query = request.GET.get("tz")
        zone = parse_time_zone(from_query)
        request.viewer_tz_invalid = bool(from_query) and zone is None
        remember = zone is not None and request.COOKIES.get(TZ_COOKIE) != from_query
        if zone is None:
            zone = parse_time_zone(request.COOKIES.get(TZ_COOKIE))
        request.viewer_tz_known = zone is not None
        if zone is None:
            zone = parse_time_zone(settings.DEFAULT_VIEWER_TIME_ZONE)
        request.viewer_tz = zone
        request.viewer_tz_name = zone.key
        timezone.activate(zone)
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()
        if remember:
            response.set_cookie(TZ_COOKIE, zone.key, max_age=COOKIE_AGE, samesite="Lax")
        return response


class DomainErrorMiddleware:
    """Pages answer a ``DomainError`` that no view handled with its message and status.

    Views that can do better (show the message on a form, beside the field) catch it
    themselves; this is the one place every other page relies on. Admin and API have
    their own mapping (a message on the change list; the API's error shape).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from .errors import DomainError
        from .http import private_response

        if not isinstance(exception, DomainError):
            return None
        return private_response(render(request, "error.html", {"message": str(exception)}, status=exception.status))
