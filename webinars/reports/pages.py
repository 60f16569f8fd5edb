"""What a reach report page shows beside the figures: its charts, summary lines and export links.

Shared by ``/reports/`` (``views``) and the organisers' workspace, which render the same
``reports/_report_body.html``.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import charts, selectors
from .charts import Measure


def report_charts(report: dict) -> dict:
    """The inline SVG charts of a report, each to be shown beside its table."""
    trend_measures = [
        Measure("registrations", _("Registrations")),
        Measure("confirmed", _("Confirmed")),
        Measure("attended", _("Attended")),
    ]
    result = {
        "trend": charts.dot_chart(
            report["webinars"],
            date_key="date",
            measures=trend_measures,
            title=_("Registrations, confirmed and attended per webinar, by date"),
            description=_("The same figures are in the table “Per webinar”."),
        )
        if report["webinars"]
        else "",
        "breakdowns": {},
    }
    breakdown_measures = [
        Measure("registrations", _("Registrations")),
        Measure("confirmed", _("Confirmed")),
        Measure("attended", _("Registered attendees")),
    ]
    for block in report["breakdowns"]:
        rows = block["rows"][:15]
        result["breakdowns"][block["dimension"]] = (
            charts.bar_chart(
                rows,
                label_key="label",
                measures=breakdown_measures,
                title=_("Registrations by %(dimension)s") % {"dimension": block["title"].lower()},
                description=_("The same figures are in the table beside the chart."),
            )
            if rows
            else ""
        )
    return result


def report_context(report: dict, *, filters: list[str], exports: dict[str, str]) -> dict:
    """The template context of ``reports/_report_body.html`` for ``report`` (from ``selectors.reach_report``)."""
    blocks = report_charts(report)
    feedback = report.get("feedback")
    return {
        "report": report,
        "filters": filters,
        "summary": selectors.summary_items(report),
        "trend_chart": blocks["trend"],
        "breakdowns": [{**block, "chart": blocks["breakdowns"][block["dimension"]]} for block in report["breakdowns"]],
        "feedback": feedback,
        "feedback_items": selectors.feedback_items(feedback),
        "feedback_texts": selectors.feedback_text_sections(feedback),
        "certificates_available": report.get("certificates") is not None,
        "exports": exports,
    }
