"""What the attendance pages share: the "current import" filter and the import summary."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from webinars.registrations.models import Registration

from ..models import AttendanceImport

REVIEW_PAGE_SIZE = 50
DATALIST_LIMIT = 5000

SUMMARY_LABELS = [
    ("rows", _("rows in the file")),
    ("people", _("people in the report")),
    ("staff", _("hosts and panelists (not attendees)")),
    ("matched_registrant", _("matched by registration id")),
    ("matched_email", _("matched by e-mail")),
    ("matched_name", _("matched by name")),
    ("matched_manual", _("matched by the organiser")),
    ("to_review", _("to review")),
    ("walk_ins", _("walk-ins")),
    ("attended", _("attended (at or above the threshold)")),
    ("attended_registrations", _("registrations that attended")),
    ("no_shows", _("registered in the platform but did not come")),
    ("carried_over", _("decisions carried over from the replaced import")),
    ("flagged", _("attendees with rows to check (see the warnings)")),
]


class CurrentImportFilter(admin.SimpleListFilter):
    title = _("import")
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", _("current")), ("no", _("replaced by a newer file"))]

    def queryset(self, request, queryset):
        field = "replaced_at__isnull" if queryset.model is AttendanceImport else "attendance_import__replaced_at__isnull"
        if self.value() == "yes":
            return queryset.filter(**{field: True})
        if self.value() == "no":
            return queryset.filter(**{field: False})
        return queryset


def summary_table(summary: dict) -> str:
    rows = [(label, summary.get(key, 0)) for key, label in SUMMARY_LABELS if key in summary]
    not_confirmed = summary.get("not_confirmed") or {}
    statuses = dict(Registration.Status.choices)
    for status, count in sorted(not_confirmed.items()):
        rows.append((gettext("matched registrations with status “%(status)s”") % {"status": statuses.get(status, status)}, count))
    if "threshold_minutes" in summary:
        rows.append(
            (
                gettext("threshold"),
                gettext("%(minutes)s of %(duration)s minutes (%(percent)s %%)")
                % {
                    "minutes": f"{summary['threshold_minutes']:g}",
                    "duration": summary.get("duration_minutes", ""),
                    "percent": summary.get("threshold_percent", ""),
                },
            )
        )
    return format_html('<table class="mw-summary">{}</table>', format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows))
