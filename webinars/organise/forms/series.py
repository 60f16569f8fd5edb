"""Creating a series and editing its settings (owners)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from webinars.core.languages import CONTENT_LANGUAGES
from webinars.core.rich_text import markdown_for_editing
from webinars.core.timezones import zone_choices
from webinars.programme import selectors as programme_selectors
from webinars.programme.models import Series

from .common import HoursListField, VersionField
from .i18n import ContentFormMixin, content_field


class SeriesForm(ContentFormMixin, forms.ModelForm):
    description_markdown = content_field(
        _("Description"), long=True, help_text=_("Markdown: **bold**, *italic*, lists with “- ”, links as [text](https://…).")
    )
    time_zone = forms.ChoiceField(label=_("Time zone of the organiser"), help_text=_("Start times are typed in this zone."))
    content_languages = forms.MultipleChoiceField(
        label=_("Content languages"),
        choices=CONTENT_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The languages this series writes its texts in: its forms show these as tabs."),
    )
    reminder_hours = HoursListField(
        label=_("Reminders (hours before the start)"), required=False, help_text=_("For example 24, 1. Empty: no reminders.")
    )
    version = VersionField()

    fieldsets = [
        (_("Texts"), ["title", "summary", "description_markdown", "region"]),
        (_("Organisers"), ["organiser", "partners", "contact_email"]),
        (_("Place and languages"), ["countries", "time_zone", "content_languages", "slug"]),
        (
            _("Registration"),
            ["registration_open", "confirm_email", "pending_expiry_hours", "reminder_hours"],
        ),
        (_("Attendance and certificates"), ["attendance_threshold_percent", "series_certificate_min_webinars"]),
        (_("Privacy and security"), ["retention_months", "link_months", "require_two_factor"]),
        (_("Publication"), ["is_published"]),
    ]

    class Meta:
        model = Series
        fields = [
            "title",
            "summary",
            "region",
            "organiser",
            "partners",
            "contact_email",
            "countries",
            "time_zone",
            "content_languages",
            "slug",
            "registration_open",
            "confirm_email",
            "pending_expiry_hours",
            "reminder_hours",
            "attendance_threshold_percent",
            "series_certificate_min_webinars",
            "retention_months",
            "link_months",
            "require_two_factor",
            "is_published",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance: Series = self.instance
        self.fields["time_zone"].choices = zone_choices(get_language() or "en", current=instance.time_zone)
        self.fields["organiser"].queryset = programme_selectors.organisation_choices()
        self.fields["partners"].queryset = programme_selectors.organisation_choices()
        self.fields["partners"].required = False
        self.fields["partners"].widget.attrs["size"] = 6
        self.fields["countries"].widget.attrs["size"] = 8
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("The series' address (/series/…/). Leave empty to make one from the title.")
        self.fields["attendance_threshold_percent"].widget.attrs.update(min=1, max=100)
        self.fields["attendance_threshold_percent"].validators.append(_percent)
        self.fields["contact_email"].help_text = _("Replies to the series' e-mails go here.")
        for months in ("retention_months", "link_months"):
            self.fields[months].widget.attrs.update(min=1, max=120)
        if instance.pk:
            self.initial["description_markdown"] = markdown_for_editing(instance.description_source, instance.description)
            self.initial["version"] = instance.updated_at.isoformat()
        else:
            self.initial.setdefault("content_languages", ["en", "ru"])
        self.use_panes()


def _percent(value: int) -> None:
    if not 1 <= value <= 100:
        raise forms.ValidationError(_("Give a percentage between 1 and 100."))
