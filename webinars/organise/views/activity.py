"""The activity section (owners): everything done on the series, exports of personal data included."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse

from webinars.audit.display import describe, details
from webinars.audit.selectors import series_activity
from webinars.programme.models import Webinar
from webinars.registrations.models import Registration
from webinars.team import selectors as team_selectors

from ..forms.team import ActivityFilterForm
from .series import SeriesSectionView

PER_PAGE = 50


class SeriesActivityView(SeriesSectionView):
    section = "organise:series_activity"
    permission = "programme.manage_series_team"
    template_name = "organise/activity/activity.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.series is not None
        webinars = list(Webinar.objects.filter(series=self.series).only("pk", "title", "start_date").order_by("-start_date", "-id"))
        members = list(team_selectors.series_team(series=self.series))
        form = ActivityFilterForm(request.GET, webinars=webinars, members=members)
        chosen = form.selection()
        page = chosen.pop("page")
        entries = series_activity(series=self.series, **chosen).prefetch_related("content_object")
        start = (page - 1) * PER_PAGE
        # One row more than shown tells whether there is an older page, without counting them all.
        found = list(entries[start : start + PER_PAGE + 1])
        query = request.GET.copy()
        query.pop("page", None)
        return self.render(
            request,
            form=form,
            lines=[(entry, describe(entry), details(entry)) for entry in found[:PER_PAGE]],
            page=page,
            older=len(found) > PER_PAGE,
            query=query.urlencode(),
            registration_type_id=ContentType.objects.get_for_model(Registration).pk,
        )
