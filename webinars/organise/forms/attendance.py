"""Forms of the attendance section: upload a report (its format is detected), decide on attendees."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from webinars.attendance.forms import MAPPING_FIELDS, DecisionForm, ReportUploadChecks
from webinars.attendance.models import AttendanceImport
from webinars.attendance.parsers import ParseError, check_mapping

__all__ = ["DecisionForm", "ReportUploadForm"]


class ReportUploadForm(ReportUploadChecks, forms.Form):
    """The file; the format is read from it. The rest is only for files we cannot recognise."""

    file = forms.FileField(
        label=_("Attendance report"),
        help_text=_("The file exactly as Zoom, Microsoft Teams or BigBlueButton exported it (CSV). Nothing is stored until you confirm."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("Detect from the file")), *AttendanceImport.Format.choices],
        help_text=_("Leave “Detect from the file” unless the file is another CSV."),
    )
    time_zone = forms.CharField(
        label=_("Time zone of the report's times"),
        required=False,
        max_length=64,
        help_text=_("Empty: the webinar's time zone. Reports use the zone of whoever downloaded them."),
    )
    name_column = forms.CharField(label=_("Name column"), required=False, max_length=200)
    email_column = forms.CharField(label=_("E-mail column"), required=False, max_length=200)
    join_column = forms.CharField(label=_("Join time column"), required=False, max_length=200)
    leave_column = forms.CharField(label=_("Leave time column"), required=False, max_length=200)
    minutes_column = forms.CharField(label=_("Minutes column"), required=False, max_length=200)

    ADVANCED = ("format", "time_zone", *MAPPING_FIELDS.values())
    #: Set when the file's format was not recognised: the generic CSV's fields are shown open.
    show_advanced = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("format") == AttendanceImport.Format.GENERIC:
            try:
                check_mapping(self.mapping())
            except ParseError as exc:
                self.add_error("name_column", str(exc))
        return data

    def basic_fields(self) -> list:
        return [self[name] for name in self.fields if name not in self.ADVANCED]

    def advanced_fields(self) -> list:
        return [self[name] for name in self.ADVANCED]

    @property
    def advanced_errors(self) -> bool:
        return self.show_advanced or any(self.errors.get(name) for name in self.ADVANCED)
