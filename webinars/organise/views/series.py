"""A series' page: its webinars (the settings, team and activity sections are in their own modules)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from webinars.programme.models import Webinar
from webinars.registrations import selectors as registration_selectors

from ..access import OrganiseView
from ..navigation import SERIES_SECTIONS, tabs


class SeriesSectionView(OrganiseView):
    """A section of a series' page: loads the series, checks the section's rule, renders the tabs."""

    section = "organise:series"
    template_name = ""

    def context(self, **extra: Any) -> dict[str, Any]:
        assert self.series is not None
        return {
            "view": self,
            "series": self.series,
            "tabs": tabs(SERIES_SECTIONS, user=self.request.user, obj=self.series, current=self.section),
            **extra,
        }

    def render(self, request: HttpRequest, status: int = 200, **extra: Any) -> HttpResponse:
        return render(request, self.template_name, self.context(**extra), status=status)


class SeriesWebinarsView(SeriesSectionView):
    permission = "programme.view_series"
    template_name = "organise/series/webinars.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        now = timezone.now()
        webinars = list(Webinar.objects.filter(series=self.series).order_by("-start_date", "-starts_at", "-id"))
        counts = registration_selectors.registration_counts(webinar_ids=[w.pk for w in webinars], now=now)
        rows = [{"webinar": w, "counts": counts[w.pk], "past": w.ends_at <= now} for w in webinars]
        return self.render(
            request,
            upcoming=[r for r in reversed(rows) if not r["past"]],
            past=[r for r in rows if r["past"]],
        )
