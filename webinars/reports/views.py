"""Reach report pages and their exports, for every role of a series and superusers.

Who sees what (the rule "reports.view_reports", ``reports.rules``): a signed-in user sees
the reports of the series they hold any role on (owner, editor or viewer: the figures are
aggregates, no personal data), superusers every series; a series or webinar outside that
answers 404, as if it did not exist. Anyone not signed in is sent to the sign-in; a
signed-in user without any role gets 403. ``is_staff`` plays no part.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from webinars.core.formats import local_date
from webinars.programme.rules import may

from . import exporters, pages, selectors, services

logger = logging.getLogger(__name__)


def reports_view(view):
    """Signed in (else the sign-in page) and holding "reports.view_reports" on some series (else 403)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not may(request.user, selectors.VIEW_REPORTS):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


def _report(scope: selectors.ReportScope) -> dict:
    """The report of ``scope`` with up-to-date figures (the refresh writes; the selector reads)."""
    services.reach_refresh(scope=scope)
    return selectors.reach_report(scope)


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start of the period must not be after its end."))
        return data


def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date | None, dt.date | None]:
    params = {"date_from": request.GET.get("from", ""), "date_to": request.GET.get("to", "")}
    form = PeriodForm(params if any(params.values()) else None, auto_id="period-%s")
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return form, None, None


def _period_sentence(date_from: dt.date | None, date_to: dt.date | None) -> str:
    if date_from and date_to:
        return _("webinars from %(start)s to %(end)s") % {"start": local_date(date_from), "end": local_date(date_to)}
    if date_from:
        return _("webinars from %(start)s on") % {"start": local_date(date_from)}
    if date_to:
        return _("webinars up to %(end)s") % {"end": local_date(date_to)}
    return _("webinars of every date")


def _filter_sentence(what: str, date_from: dt.date | None = None, date_to: dt.date | None = None, *, period: bool = True) -> str:
    """What the report counts, as a sentence: "All series you may see, webinars from 1 Mar 2025 to 31 Mar 2025."."""
    if not period:
        return _("%(what)s.") % {"what": what}
    return _("%(what)s, %(period)s.") % {"what": what, "period": _period_sentence(date_from, date_to)}


def _filters(scope_label: str, date_from: dt.date | None, date_to: dt.date | None) -> list[str]:
    filters = [scope_label]
    if date_from:
        filters.append(_("from=%(date)s") % {"date": date_from.isoformat()})
    if date_to:
        filters.append(_("to=%(date)s") % {"date": date_to.isoformat()})
    return filters


def _render(request: HttpRequest, *, report: dict, title: str, filters: list[str], export_name: str, **context) -> HttpResponse:
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in exporters.RESPONSES:
            raise Http404
        services.report_export_record(report=report, fmt=fmt, filters=filters, actor=request.user)
        return exporters.RESPONSES[fmt](report, title=title, filters=filters, name=export_name)
    query = request.GET.copy()
    query.pop("format", None)
    exports = {}
    for fmt_name in exporters.RESPONSES:
        query["format"] = fmt_name
        exports[fmt_name] = f"?{query.urlencode()}"
    return render(
        request, "reports/report.html", {"title": title, **pages.report_context(report, filters=filters, exports=exports), **context}
    )


@reports_view
def programme_report(request: HttpRequest) -> HttpResponse:
    form, date_from, date_to = _period(request)
    scope = selectors.scope_programme(request.user, date_from=date_from, date_to=date_to)
    report = _report(scope)
    series = list(selectors.reportable_series(request.user).order_by("is_sample", "slug").only("id", "title", "slug", "original_language"))
    return _render(
        request,
        report=report,
        title=_("Programme-wide reach report"),
        filters=_filters(_("scope=all series you may see"), date_from, date_to),
        filter_sentence=_filter_sentence(_("All series you may see"), date_from, date_to),
        export_name="reach-programme",
        period_form=form,
        series_list=series,
    )


@reports_view
def series_report(request: HttpRequest, series_id: int) -> HttpResponse:
    series = selectors.series_for_report(request.user, series_id)
    if series is None:
        raise Http404
    form, date_from, date_to = _period(request)
    report = _report(selectors.scope_series(series, date_from=date_from, date_to=date_to))
    return _render(
        request,
        report=report,
        title=_("Reach report: %(series)s") % {"series": series},
        filters=_filters(_("series=%(series)s") % {"series": series}, date_from, date_to),
        filter_sentence=_filter_sentence(_("The series «%(series)s»") % {"series": series}, date_from, date_to),
        export_name=f"reach-series-{series.slug}",
        period_form=form,
        series=series,
    )


@reports_view
def webinar_report(request: HttpRequest, webinar_id: int) -> HttpResponse:
    webinar = selectors.webinar_for_report(request.user, webinar_id)
    if webinar is None:
        raise Http404
    report = _report(selectors.scope_webinar(webinar))
    return _render(
        request,
        report=report,
        title=_("Reach report: %(webinar)s") % {"webinar": webinar},
        filters=[_("webinar=%(webinar)s (%(date)s)") % {"webinar": webinar, "date": webinar.start_date.isoformat()}],
        filter_sentence=_filter_sentence(
            _("The webinar «%(webinar)s» of %(date)s") % {"webinar": webinar, "date": local_date(webinar.start_date)}, period=False
        ),
        export_name=f"reach-webinar-{webinar.pk}",
        series=webinar.series,
        webinar=webinar,
    )
