"""A report as CSV (UTF-8 with a byte-order mark) or XLSX, from the same figures as the page.

Both start with the report's name, the filters it was made with ("Filters: series=…;
from=…; to=…") and when it was made; then a section per table: summary, per webinar,
each breakdown, feedback. In CSV the sections follow each other with a blank line
between them; in XLSX each is a sheet that repeats the first rows. Cells that a
spreadsheet would run as a formula are defused as in the registrations export.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Sequence

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from webinars.registrations.exports import BOM, CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, csv_cell, xlsx_cell

from . import selectors


def preamble(title: str, filters: Sequence[str], *, now: dt.datetime | None = None) -> list[list[str]]:
    made = (now or timezone.now()).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return [
        [title],
        [_("Filters: %(filters)s") % {"filters": "; ".join(filters) if filters else _("none")}],
        [_("Made at: %(when)s") % {"when": made}],
    ]


def sections(report: dict) -> list[dict]:
    """``[{"title", "header", "rows"}]``: every table of the report as plain values."""
    result = [
        {
            "title": _("Summary"),
            "header": [_("Figure"), _("Value")],
            "rows": [
                [item["label"], item["value"] if item["key"] != "attendance_rate" else item["text"]]
                for item in selectors.summary_items(report)
            ],
        },
        {
            "title": _("Per webinar"),
            "header": [
                _("Date"),
                _("Webinar"),
                _("Series"),
                _("Status"),
                _("Registrations"),
                _("Confirmed"),
                _("Attended"),
                _("Registered attendees"),
                _("Walk-ins"),
                _("Attendance rate"),
            ],
            "rows": [
                [
                    row["date"],
                    row["title"],
                    row["series"],
                    row["status_label"],
                    row["registrations"],
                    row["confirmed"],
                    row["attended"],
                    row["registered_attendees"],
                    row["walk_ins"],
                    selectors.percent(row["attendance_rate"]),
                ]
                for row in report["webinars"]
            ],
        },
    ]
    for block in report["breakdowns"]:
        result.append(
            {
                "title": block["title"],
                "header": [block["title"], _("Registrations"), _("Confirmed"), _("Registered attendees")],
                "rows": [[row["label"], row["registrations"], row["confirmed"], row["attended"]] for row in block["rows"]],
            }
        )
    feedback = report.get("feedback")
    if feedback:
        result.append(
            {
                "title": _("Feedback"),
                "header": [_("Figure"), _("Value")],
                "rows": [[item["label"], item["text"]] for item in selectors.feedback_items(feedback)]
                + [[_("Rated %(n)d") % {"n": n}, count] for n, count in sorted((feedback.get("rating_distribution") or {}).items())],
            }
        )
        answers = [[text["title"], answer] for text in selectors.feedback_text_sections(feedback) for answer in text["answers"]]
        result.append({"title": _("Feedback answers"), "header": [_("Question"), _("Answer")], "rows": answers})
    return result


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def csv_response(report: dict, *, title: str, filters: Sequence[str], name: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in preamble(title, filters):
        writer.writerow([csv_cell(v) for v in row])
    for section in sections(report):
        writer.writerow([])
        writer.writerow([csv_cell(section["title"])])
        writer.writerow([csv_cell(v) for v in section["header"]])
        for row in section["rows"]:
            writer.writerow([csv_cell(_iso(v)) for v in row])
    response = HttpResponse((BOM + buffer.getvalue()).encode("utf-8"), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _sheet_title(title: str, used: set[str]) -> str:
    base = "".join("_" if c in "[]:*?/\\" else c for c in title)[:31] or "Sheet"
    candidate, n = base, 2
    while candidate in used:
        candidate = f"{base[:28]} {n}"
        n += 1
    used.add(candidate)
    return candidate


def xlsx_response(report: dict, *, title: str, filters: Sequence[str], name: str) -> FileResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    head = preamble(title, filters)
    used: set[str] = set()
    for section in sections(report):
        sheet = workbook.create_sheet(title=_sheet_title(section["title"], used))
        for row in head:
            sheet.append([xlsx_cell(sheet, v) for v in row])
        sheet.append([])
        sheet.append([xlsx_cell(sheet, v, bold=True) for v in section["header"]])
        for row in section["rows"]:
            sheet.append([xlsx_cell(sheet, v) for v in row])
    output = tempfile.TemporaryFile()  # FileResponse closes it
    workbook.save(output)
    output.seek(0)
    response = FileResponse(output, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_CONTENT_TYPE)
    response["Cache-Control"] = "no-store"
    return response


RESPONSES = {"csv": csv_response, "xlsx": xlsx_response}
