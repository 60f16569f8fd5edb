"""The answer to a locked-out sign-in (``AXES_LOCKOUT_CALLABLE``): the same clear page on the
workspace and the admin, status 429."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from webinars.core.http import private_response


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"title": "", "cooloff_minutes": minutes}
    return private_response(render(request, "accounts/locked_out.html", context, status=429))
