"""The report sections: the reach report of a webinar and of a series, inside the workspace.

The figures, charts and tables are the reports app's own (``reports.pages`` and its
template ``reports/_report_body.html``); the CSV and XLSX links go to the reports app's
exports, which log every download (``export.report``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from webinars.reports import pages, selectors, services

from .series import SeriesSectionView
from .webinar import WebinarSectionView


def _exports(url: str) -> dict[str, str]:
    return {fmt: f"{url}?format={fmt}" for fmt in ("csv", "xlsx")}


def _report(scope: selectors.ReportScope) -> dict:
    services.reach_refresh(scope=scope)  # the pre-aggregated figures first (writes only what is stale)
    return selectors.reach_report(scope)


class WebinarReportView(WebinarSectionView):
    section = "organise:webinar_report"
    permission = "reports.view_reports"
    template_name = "organise/reports/webinar.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        webinar = self.webinar
        assert webinar is not None
        report = _report(selectors.scope_webinar(webinar))
        filters = [_("webinar=%(webinar)s (%(date)s)") % {"webinar": webinar, "date": webinar.start_date.isoformat()}]
        context = pages.report_context(report, filters=filters, exports=_exports(reverse("reports:webinar", args=[webinar.pk])))
        return self.render(request, **context)


class SeriesReportView(SeriesSectionView):
    section = "organise:series_report"
    permission = "reports.view_reports"
    template_name = "organise/reports/series.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        series = self.series
        assert series is not None
        report = _report(selectors.scope_series(series))
        filters = [_("series=%(series)s") % {"series": series}]
        context = pages.report_context(report, filters=filters, exports=_exports(reverse("reports:series", args=[series.pk])))
        return self.render(
            request, row_url_name="organise:webinar_report", full_report_url=reverse("reports:series", args=[series.pk]), **context
        )
