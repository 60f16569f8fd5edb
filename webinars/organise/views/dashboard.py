"""The organiser's start page: their series, what is coming, what needs them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..access import OrganiseView
from ..dashboard import dashboard_for


class DashboardView(OrganiseView):
    permission = "programme.view_series"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        context = {"board": dashboard_for(request.user), "view": self, "may_add_webinar": self.may("programme.add_webinar")}
        return render(request, "organise/dashboard.html", context)
