"""Creating and editing a webinar: texts, time, seats, speakers, links."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from webinars.core.languages import CONTENT_LANGUAGES
from webinars.core.rich_text import markdown_for_editing
from webinars.programme import selectors as programme_selectors
from webinars.programme import services as programme_services
from webinars.programme.forms import local_time_problem
from webinars.programme.models import Person, Webinar

from .common import VersionField
from .i18n import ContentFormMixin, content_field

MARKDOWN_HELP = _("Markdown: **bold**, *italic*, lists with “- ”, links as [text](https://…), headings with “## ”.")


class WebinarForm(ContentFormMixin, forms.ModelForm):
    """A webinar's own fields. The capacity is applied separately (raising it promotes the waiting list)."""

    description_markdown = content_field(_("Description"), long=True, help_text=MARKDOWN_HELP)
    local_time = forms.TimeField(
        label=_("Start time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "step": 60}, format="%H:%M"),
    )
    capacity = forms.IntegerField(label=_("Seats"), required=False, min_value=1, max_value=100_000, help_text=_("Empty means unlimited."))
    version = VersionField()

    fieldsets = [
        (_("Texts"), ["title", "summary", "description_markdown"]),
        (_("When"), ["start_date", "local_time", "duration_minutes"]),
        (_("Registration"), ["capacity", "registration_open", "language", "meeting_url"]),
        (_("More"), ["partners", "recording_url", "slug"]),
    ]

    class Meta:
        model = Webinar
        fields = [
            "title",
            "summary",
            "start_date",
            "duration_minutes",
            "registration_open",
            "language",
            "meeting_url",
            "partners",
            "recording_url",
            "slug",
        ]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, series: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.series = series
        instance: Webinar = self.instance
        if not instance.pk:
            instance.series = series
            instance.time_zone = series.time_zone
            instance.original_language = (series.content_languages or ["en"])[0]
        self.fields["local_time"].help_text = _("In %(zone)s. Leave empty while the time is to be announced.") % {
            "zone": instance.time_zone
        }
        self.fields["partners"].queryset = programme_selectors.organisation_choices()
        self.fields["partners"].required = False
        self.fields["partners"].widget.attrs["size"] = 5
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("The webinar's address in its series. Leave empty to make one from the title.")
        self.fields["duration_minutes"].widget.attrs.update(min=5, max=1440)
        self.fields["duration_minutes"].validators.append(_duration)
        self.fields["start_date"].label = _("Date")
        self.fields["start_date"].help_text = ""
        if instance.pk:
            self.initial["local_time"] = programme_services.webinar_local_start(instance)
            self.initial["capacity"] = instance.capacity
            self.initial["description_markdown"] = markdown_for_editing(instance.description_source, instance.description)
            self.initial["version"] = instance.updated_at.isoformat()
        self.use_panes()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        date = cleaned.get("start_date")
        if date is None or self.has_error("local_time") or self.has_error("duration_minutes"):
            return cleaned
        local_time = cleaned.get("local_time")
        if local_time is not None and (problem := local_time_problem(date, local_time, self.instance.time_zone)):
            self.add_error("local_time", problem)
            return cleaned
        programme_services.webinar_schedule(
            webinar=self.instance, date=date, local_time=local_time, duration_minutes=cleaned.get("duration_minutes")
        )
        return cleaned


def _duration(value: int) -> None:
    if not 5 <= value <= 1440:
        raise forms.ValidationError(_("Give the length in minutes, between 5 and 1440."))


class SpeakerForm(ContentFormMixin, forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    new_person_name = forms.CharField(
        label=_("…or a new person"), required=False, max_length=200, help_text=_("Their name; add a photo and bio later.")
    )
    role = content_field(_("Role line"), help_text=_("Shown under the name, e.g. “Curator, State Museum”."))
    order = forms.IntegerField(label=_("Order"), required=False, min_value=0, max_value=999)

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {person.pk: person for person in people}
        self.fields["person"].choices = [("", "—"), *((person.pk, str(person)) for person in people)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("person") and cleaned.get("new_person_name"):
            self.add_error("new_person_name", _("Choose a person or name a new one, not both."))
        elif not cleaned.get("person") and not cleaned.get("new_person_name") and not self.cleaned_data.get("DELETE"):
            self.add_error("person", _("Choose a person or name a new one."))
        cleaned["person_obj"] = self.people.get(cleaned.get("person") or 0)
        return cleaned


class LinkForm(ContentFormMixin, forms.Form):
    title = content_field(_("Title"), required=True)
    url = forms.URLField(label=_("Address"), required=False, max_length=500, assume_scheme="https")
    language = forms.ChoiceField(label=_("Language"), required=False, choices=[("", "—"), *CONTENT_LANGUAGES])
    order = forms.IntegerField(label=_("Order"), required=False, min_value=0, max_value=999)


SpeakerFormSet = forms.formset_factory(SpeakerForm, extra=1, can_delete=True, max_num=30, validate_max=True)
LinkFormSet = forms.formset_factory(LinkForm, extra=1, can_delete=True, max_num=30, validate_max=True)


def speaker_initial(webinar: Webinar) -> list[dict[str, Any]]:
    return [{"person": s.person_id, "role": s.role, "order": s.order} for s in webinar.speakers.all()]


def link_initial(webinar: Webinar) -> list[dict[str, Any]]:
    return [{"title": link.title, "url": link.url, "language": link.language, "order": link.order} for link in webinar.links.all()]


def speaker_rows(formset: Any) -> list[programme_services.SpeakerRow]:
    rows = []
    for index, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        order = data.get("order")
        rows.append(
            programme_services.SpeakerRow(
                person=data.get("person_obj"),
                new_person_name=data.get("new_person_name", ""),
                role=_plain(data.get("role")),
                order=order if order is not None else index,
            )
        )
    return rows


def link_rows(formset: Any) -> list[programme_services.LinkRow]:
    rows = []
    for index, form in enumerate(formset.forms):
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        order = data.get("order")
        rows.append(
            programme_services.LinkRow(
                title=_plain(data.get("title")),
                url=data.get("url", ""),
                language=data.get("language", ""),
                order=order if order is not None else index,
            )
        )
    return rows


def _plain(value: Any) -> dict[str, str]:
    data = getattr(value, "data", value)
    return {code: text for code, text in data.items() if text} if isinstance(data, dict) else {}
