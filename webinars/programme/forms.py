"""Back-office (Django admin) forms of the programme.

Organisers type a webinar's date, the local start time in their own time zone and the
zone; the form turns that into the UTC ``starts_at`` through
:func:`services.webinar_schedule`, so the raw UTC columns are never edited by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from i18nfield.forms import I18nTextarea, I18nTextInput

from webinars.core.languages import CONTENT_LANGUAGES, language_name
from webinars.core.timezones import REGION_TIME_ZONES, available_time_zones, get_zone, parse_time_zone, validate_time_zone

from . import services
from .models import Series, Webinar

ADMIN_I18N_CSS = "mw/admin-i18n.css"


class _ContentLanguagesWidgetMixin:
    """One labelled input per content language, labelled with the language's own name.

    django-i18nfield labels its inputs (title and placeholder only) from
    ``settings.LANGUAGES``, the two UI languages, so eight of the ten content languages
    would show a bare code. Here every input gets a visible ``<label>`` with the endonym
    ("Қазақша"), and the group is named after the field for screen readers.
    """

    css_class = ""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        if not isinstance(value, list):
            value = self.decompress(value)
        final_attrs = self.build_attrs(attrs or {})
        group_id = final_attrs.get("id", "")
        rows = []
        for index, (locale, widget) in enumerate(zip(self.locales, self.widgets, strict=True)):
            if locale not in self.enabled_locales:
                continue
            widget_value = value[index] if index < len(value) else None
            widget_attrs = {**final_attrs, "title": language_name(locale)}
            widget_attrs.pop("placeholder", None)
            input_id = f"{group_id}_{index}" if group_id else ""
            if input_id:
                widget_attrs["id"] = input_id
            rows.append(
                (
                    input_id,
                    locale,
                    language_name(locale),
                    locale,
                    widget.render(f"{name}_{index}", widget_value, widget_attrs, renderer=renderer),
                )
            )
        items = format_html_join(
            "",
            '<div class="mw-i18n-lang"><label for="{}" lang="{}">{} <span class="mw-i18n-code">{}</span></label>{}</div>',
            rows,
        )
        field_label = getattr(self.field, "label", None) or ""
        id_attr = format_html(' id="{}"', group_id) if group_id else ""
        return format_html(
            '<div class="i18n-form-group mw-i18n {}"{} role="group" aria-label="{}">{}</div>', self.css_class, id_attr, field_label, items
        )


class ContentTextInput(_ContentLanguagesWidgetMixin, I18nTextInput):
    css_class = "mw-i18n-short"

    class Media:
        css = {"all": [ADMIN_I18N_CSS]}


class ContentTextarea(_ContentLanguagesWidgetMixin, I18nTextarea):
    css_class = "mw-i18n-long"

    def __init__(self, locales: list[str], field: forms.Field, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(locales, field, attrs={"rows": 4, "cols": 40, **(attrs or {})})

    class Media:
        css = {"all": [ADMIN_I18N_CSS]}


class TimeZoneInput(forms.TextInput):
    """A text input that suggests IANA zone names (the region's first) as one types."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", "size": 24, **(attrs or {})})

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        list_id = f"{(attrs or {}).get('id') or name}_zones"
        html = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        others = sorted(available_time_zones() - set(REGION_TIME_ZONES))
        options = format_html_join("", '<option value="{}"></option>', ((zone,) for zone in [*REGION_TIME_ZONES, *others]))
        return format_html('{}<datalist id="{}">{}</datalist>', html, list_id, options)


def local_time_problem(date: dt.date, local_time: dt.time, zone_name: str) -> str | None:
    """Why ``local_time`` on ``date`` cannot be a start in ``zone_name`` (clocks jump forward), or None."""
    zone = get_zone(zone_name)
    naive = dt.datetime.combine(date, local_time)
    round_trip = naive.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        return str(_("This time does not exist in %(zone)s on that day (the clocks change); choose another time.") % {"zone": zone_name})
    return None


class SeriesAdminForm(forms.ModelForm):
    class Meta:
        model = Series
        # Every field, so that fields added to the model later show up in the admin ("More").
        fields = "__all__"  # noqa: DJ007
        widgets = {"time_zone": TimeZoneInput}


class WebinarAdminForm(forms.ModelForm):
    """Schedule in the organiser's terms: date, optional local time, time zone."""

    local_time = forms.TimeField(
        label=_("Start time (local)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "step": 60}, format="%H:%M"),
        help_text=_("In the organiser's time zone below. Leave empty while the time is to be announced."),
    )
    time_zone = forms.CharField(
        label=_("Organiser's time zone"),
        required=False,
        max_length=64,
        validators=[validate_time_zone],
        widget=TimeZoneInput,
        help_text=_("An IANA name such as Asia/Almaty or Asia/Tbilisi. Leave empty to use the series' time zone."),
    )
    interpretation_languages = forms.MultipleChoiceField(
        label=_("Interpretation languages"),
        choices=CONTENT_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Webinar
        # The UTC columns are derived (see clean()); other fields added later show up in the admin.
        exclude = ["starts_at", "ends_at", "published_at"]  # noqa: DJ006

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("local_time", services.webinar_local_start(self.instance))
        elif "time_zone" in self.fields and "series" in self.fields:
            # A new webinar takes its series' zone; with one series to choose from, show it.
            series_choices = list(self.fields["series"].queryset[:2])
            self.initial["time_zone"] = series_choices[0].time_zone if len(series_choices) == 1 else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        date = cleaned.get("start_date")
        if date is None or self.has_error("time_zone") or self.has_error("local_time"):
            return cleaned
        zone_name = cleaned.get("time_zone") or ""
        if not zone_name:
            series = cleaned.get("series") or (self.instance.series if self.instance.series_id else None)
            zone_name = series.time_zone if series is not None else self.instance.time_zone
            cleaned["time_zone"] = zone_name
        if parse_time_zone(zone_name) is None:
            self.add_error("time_zone", _("Unknown time zone."))
            return cleaned
        local_time = cleaned.get("local_time")
        if local_time is not None:
            problem = local_time_problem(date, local_time, zone_name)
            if problem:
                self.add_error("local_time", problem)
                return cleaned
        services.webinar_schedule(
            webinar=self.instance,
            date=date,
            local_time=local_time,
            time_zone=zone_name,
            duration_minutes=cleaned.get("duration_minutes"),
        )
        return cleaned
