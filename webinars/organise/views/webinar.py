"""One page per webinar: its overview (the other sections are in their own modules)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from webinars.attendance import selectors as attendance_selectors
from webinars.audit.selectors import log_entries_for
from webinars.registrations import selectors as registration_selectors

from ..access import OrganiseView
from ..navigation import WEBINAR_SECTIONS, tabs


class WebinarSectionView(OrganiseView):
    """A section of a webinar's page: loads the webinar, checks the section's rule, renders the tabs."""

    section = "organise:webinar"
    template_name = ""

    def context(self, **extra: Any) -> dict[str, Any]:
        assert self.webinar is not None
        return {
            "view": self,
            "webinar": self.webinar,
            "series": self.series,
            "tabs": tabs(WEBINAR_SECTIONS, user=self.request.user, obj=self.webinar, current=self.section),
            **extra,
        }

    def render(self, request: HttpRequest, status: int = 200, **extra: Any) -> HttpResponse:
        return render(request, self.template_name, self.context(**extra), status=status)


class WebinarOverviewView(WebinarSectionView):
    permission = "programme.view_webinar"
    template_name = "organise/webinar/overview.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        webinar = self.webinar
        assert webinar is not None
        counts = registration_selectors.registration_counts(webinar_ids=[webinar.pk])[webinar.pk]
        attendance = attendance_selectors.attendance_state(webinar_ids=[webinar.pk]).get(webinar.pk)
        timeline = list(log_entries_for(webinar).order_by("-created_at", "-id")[:20]) if self.may("programme.change_webinar") else []
        return self.render(
            request,
            counts=counts,
            attendance=attendance,
            timeline=timeline,
            public_url=webinar.get_absolute_url() if webinar.is_public else "",
            permanent_url=request.build_absolute_uri(webinar.get_permanent_url()),
            preview_url=reverse("public:preview", args=[webinar.pk]),
        )
