"""Forms of the attendance pages in the back office: upload a report, decide on attendees."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from webinars.core.timezones import parse_time_zone
from webinars.programme.models import Webinar
from webinars.registrations.models import Registration

from .models import AttendanceImport, Attendee
from .parsers import AUTO, ParseError, check_mapping

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
MAPPING_FIELDS = {
    "name": "name_column",
    "email": "email_column",
    "join": "join_column",
    "leave": "leave_column",
    "minutes": "minutes_column",
}


class WebinarChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Webinar) -> str:
        return f"{obj.start_date:%Y-%m-%d} – {obj.series} – {obj}"


class ReportUploadChecks:
    """The checks every form that uploads a meeting report makes (the admin's and the workspace's):
    the file's size, the time zone's name, and the generic CSV's column mapping it names."""

    cleaned_data: dict[str, Any]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(gettext("The file is larger than %(size)d MB.") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)})
        return upload

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"].strip()
        if name and parse_time_zone(name) is None:
            raise forms.ValidationError(gettext("Unknown time zone: use a name like Asia/Almaty."))
        return name

    def mapping(self) -> dict[str, str]:
        values = {key: (self.cleaned_data.get(field) or "").strip() for key, field in MAPPING_FIELDS.items()}
        return {key: value for key, value in values.items() if value}


class UploadForm(ReportUploadChecks, forms.Form):
    webinar = WebinarChoiceField(queryset=Webinar.objects.none(), label=_("Webinar"))
    format = forms.ChoiceField(
        label=_("Report"),
        choices=[(AUTO, _("Recognise from the file")), *AttendanceImport.Format.choices],
        initial=AUTO,
        required=False,
    )
    file = forms.FileField(label=_("File"), help_text=_("The CSV exactly as the platform exported it (Teams: the .csv it downloads)."))
    time_zone = forms.CharField(
        label=_("Time zone of the report's times"),
        required=False,
        max_length=64,
        help_text=_("Empty: the webinar's time zone. Reports use the zone of whoever downloaded them."),
    )
    accept_other_date = forms.BooleanField(
        label=_("This report belongs to this webinar even though its date differs"),
        required=False,
        help_text=_("Only when the import refused the file because its session does not overlap the webinar."),
    )
    name_column = forms.CharField(label=_("Name column"), required=False, max_length=200)
    email_column = forms.CharField(label=_("E-mail column"), required=False, max_length=200)
    join_column = forms.CharField(label=_("Join time column"), required=False, max_length=200)
    leave_column = forms.CharField(label=_("Leave time column"), required=False, max_length=200)
    minutes_column = forms.CharField(label=_("Minutes column"), required=False, max_length=200)

    mapping_help = _(
        "Generic CSV only: the header of each column (or its number, counting from 1). "
        "A name or an e-mail column, and join and leave time columns or a minutes column."
    )

    def __init__(self, *args: Any, webinars: QuerySet[Webinar], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["webinar"].queryset = webinars.select_related("series").order_by("-start_date", "-starts_at", "-id")

    def clean_format(self) -> str:
        return self.cleaned_data.get("format") or AUTO

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("format") == AttendanceImport.Format.GENERIC:
            try:
                check_mapping(self.mapping())
            except ParseError as exc:
                raise forms.ValidationError(str(exc)) from None
        return data


def registration_label(registration: Registration) -> str:
    label = f"{registration.name} <{registration.email}>"
    if registration.status != Registration.Status.CONFIRMED:
        label += " – " + gettext("registration %(status)s") % {"status": registration.get_status_display()}
    return label


class DecisionForm(forms.Form):
    """The organiser's decision on one attendee (prefix: the attendee's id)."""

    decision = forms.ChoiceField(label=_("Decision"), required=False, widget=forms.RadioSelect)
    other = forms.CharField(
        label=_("E-mail of another registration"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"list": "mw-registrations", "size": 28, "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, attendee: Attendee, candidates: list[Registration], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attendee = attendee
        self.registration: Registration | None = None
        self.candidates = {r.pk: r for r in candidates}
        choices = [("", gettext("Decide later"))]
        choices += [(f"reg:{r.pk}", registration_label(r)) for r in candidates]
        choices += [
            ("other", gettext("Another registration of this webinar (type the e-mail)")),
            ("walk_in", gettext("Walk-in: attended without registering")),
            ("ignore", gettext("Ignore: not a participant")),
        ]
        self.fields["decision"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        decision = data.get("decision") or ""
        if decision.startswith("reg:"):
            self.registration = self.candidates.get(int(decision[4:]))
        elif decision == "other":
            text = (data.get("other") or "").strip()
            if not text:
                self.add_error("other", gettext("Type the e-mail address of the registration."))
                return data
            lookup = Q(email__iexact=text) | (Q(pk=int(text)) if text.isdigit() else Q(pk__in=[]))
            self.registration = (
                Registration.objects.filter(lookup, webinar_id=self.attendee.webinar_id, erased_at__isnull=True).order_by("pk").first()
            )
            if self.registration is None:
                self.add_error("other", gettext("No registration of this webinar has that e-mail address."))
        return data

    @property
    def chosen(self) -> str:
        return (self.cleaned_data.get("decision") or "") if hasattr(self, "cleaned_data") else ""
