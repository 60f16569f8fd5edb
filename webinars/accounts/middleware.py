"""Organisers' sessions: idle timeout, "sign out everywhere", and the second factor.

For a signed-in user on every request (anonymous visitors cost nothing: no session cookie,
no work):

* a session idle longer than ``ORGANISER_IDLE_SECONDS`` (2 hours by default) ends;
* a session that began before the user's "sign out everywhere" ends;
* on the workspace, the admin and the reports, a user who must use a second factor
  (``selectors.second_factor_required``) and has not entered one in this session is sent to
  enter it (or to set one up first).

The checks that need the database run at most once a minute per session (memoised in the
session), so pages keep their query counts; a new requirement takes effect within a minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import selectors
from .receivers import LAST_SEEN, SIGNED_IN_AT

CHECKED_AT = "accounts:checked_at"
NEEDS_SECOND_FACTOR = "accounts:needs_second_factor"
RECHECK_SECONDS = 60
PROTECTED_PREFIXES = ("/organise/", "/admin/", "/reports/")


class OrganiserSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES or not request.user.is_authenticated:
            return self.get_response(request)
        session = request.session
        now = time.time()
        idle = settings.ORGANISER_IDLE_SECONDS
        last_seen = session.get(LAST_SEEN)
        if last_seen is not None and now - last_seen > idle:
            return self._end(request, _("You were signed out after %(hours)s hours without activity.") % {"hours": round(idle / 3600, 1)})
        if now - session.get(CHECKED_AT, 0) > RECHECK_SECONDS:
            valid_after = selectors.sessions_valid_after(request.user)
            if valid_after is not None and session.get(SIGNED_IN_AT, 0) < valid_after.timestamp():
                return self._end(request, _("You were signed out on every device."))
            session[NEEDS_SECOND_FACTOR] = selectors.second_factor_required(request.user)
            session[CHECKED_AT] = now
        if last_seen is None or now - last_seen > RECHECK_SECONDS:
            session[LAST_SEEN] = now
            session.set_expiry(idle)
        if session.get(NEEDS_SECOND_FACTOR) and not _verified(request) and _protected(request.path_info):
            return self._second_factor(request)
        return self.get_response(request)

    @staticmethod
    def _end(request: HttpRequest, message: str) -> HttpResponse:
        logout(request)
        messages.info(request, message)
        return redirect_to_login(request.get_full_path(), "organise:login")

    @staticmethod
    def _second_factor(request: HttpRequest) -> HttpResponse:
        has_device = selectors.has_second_factor(request.user)
        target = reverse("accounts:verify" if has_device else "accounts:security")
        return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


def _verified(request: HttpRequest) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def _protected(path: str) -> bool:
    exempt = (
        reverse("accounts:verify"),
        reverse("accounts:security"),
        reverse("organise:login"),
        reverse("organise:logout"),
        "/admin/login/",
        "/admin/logout/",
    )
    return path.startswith(PROTECTED_PREFIXES) and not path.startswith(exempt)
