"""Forms of the registrations section: the table's filters, actions on rows, corrections."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from webinars.core.languages import CONTENT_LANGUAGES
from webinars.registrations.forms import PlainTextField
from webinars.registrations.models import InstitutionType, Registration
from webinars.registrations.selectors import TABLE_SORTS, RegistrationFilter
from webinars.registrations.services import BULK_ACTIONS, PERSONAL_FIELDS

SORT_LABELS = {
    "registered": _("Registered first"),
    "-registered": _("Registered last"),
    "name": _("Name, A to Z"),
    "-name": _("Name, Z to A"),
    "status": _("Status"),
    "country": _("Country"),
}
ACTION_LABELS = {
    "confirm": _("Confirm"),
    "move": _("Move from the waiting list"),
    "cancel": _("Cancel"),
    "resend": _("Re-send the self-service link"),
}


class RegistrationFilterForm(forms.Form):
    """The table's search, filters, order and page (a GET form: every state has an address)."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=200, help_text=_("Name, e-mail, organisation or city, in any script.")
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), *Registration.Status.choices])
    # Offered: the countries and languages that occur (``narrow_choices``); accepted: any known code.
    country = forms.CharField(label=_("Country"), required=False, max_length=2, widget=forms.Select)
    institution_type = forms.ChoiceField(
        label=_("Institution type"), required=False, choices=[("", _("All types")), *InstitutionType.choices]
    )
    language = forms.CharField(label=_("Language"), required=False, max_length=8, widget=forms.Select)
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=list(SORT_LABELS.items()))
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_country(self) -> str:
        code = self.cleaned_data["country"].upper()
        if code and not countries.alpha2(code):
            raise forms.ValidationError(_("Select a valid choice."))
        return code

    def clean_language(self) -> str:
        code = self.cleaned_data["language"]
        if code and code not in dict(CONTENT_LANGUAGES):
            raise forms.ValidationError(_("Select a valid choice."))
        return code

    def filters(self) -> RegistrationFilter:
        """The filters asked for; a value that is not valid is dropped (the table still shows)."""
        valid = self.is_valid()
        data = self.cleaned_data if valid else {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return RegistrationFilter(
            search=(data.get("q") or "").strip(),
            status=data.get("status") or "",
            country=data.get("country") or "",
            institution_type=data.get("institution_type") or "",
            language=data.get("language") or "",
            sort=data.get("sort") if data.get("sort") in TABLE_SORTS else "registered",
        )

    def page_number(self) -> int:
        return (self.cleaned_data.get("page") if self.is_valid() else None) or 1

    def narrow_choices(self, *, countries_present: list[str], languages_present: list[str]) -> None:
        """Offer only the countries and languages that occur (and keep the chosen one)."""
        chosen_country = self.cleaned_data.get("country", "")
        present_countries = {*countries_present, *([chosen_country] if chosen_country else [])}
        named = sorted(((code, countries.name(code) or code) for code in present_countries), key=lambda pair: str(pair[1]))
        self.fields["country"].widget.choices = [("", _("All countries")), *named]
        chosen_language = self.cleaned_data.get("language", "")
        known = dict(CONTENT_LANGUAGES)
        present = {*languages_present, *([chosen_language] if chosen_language else [])}
        self.fields["language"].widget.choices = [("", _("All languages"))] + [(code, known.get(code, code)) for code in sorted(present)]


class RegistrationActionForm(forms.Form):
    """An action on one row (``row_action=cancel:12``) or on the rows ticked (``action`` + ``ids``)."""

    action = forms.ChoiceField(choices=list(ACTION_LABELS.items()), required=False)
    row_action = forms.CharField(required=False, max_length=40)
    ids = forms.TypedMultipleChoiceField(coerce=int, required=False)
    confirmed = forms.BooleanField(required=False)
    next = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any whole number: the service keeps only registrations of this webinar.
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        row = data.get("row_action") or ""
        if row:
            action, _sep, pk = row.partition(":")
            if action not in BULK_ACTIONS or not pk.isdigit():
                raise forms.ValidationError(_("Unknown action."))
            data["action"], data["ids"] = action, [int(pk)]
        elif not data.get("action"):
            raise forms.ValidationError(_("Choose an action."))
        if not data.get("ids"):
            raise forms.ValidationError(_("Tick at least one registration first."))
        return data


class RegistrationDetailsForm(forms.Form):
    """An organiser corrects what the registrant typed (the e-mail address is their identity and stays)."""

    name = PlainTextField(label=_("Name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False)
    city = PlainTextField(label=_("City"), max_length=200, required=False)
    organisation = PlainTextField(label=_("Organisation (museum)"), max_length=300, required=False)
    position = PlainTextField(label=_("Position"), max_length=200, required=False)
    institution_type = forms.ChoiceField(label=_("Institution type"), required=False, choices=[("", "—"), *InstitutionType.choices])
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=[("", "—"), *Registration._meta.get_field("gender").choices])
    language = forms.ChoiceField(label=_("Preferred language"), help_text=_("E-mails go out in this language."))
    consent_recording = forms.BooleanField(label=_("Agrees to being recorded"), required=False)
    updated_at = forms.DateTimeField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, registration: Registration, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(registration, name) for name in PERSONAL_FIELDS})
        kwargs["initial"]["country"] = registration.country.code if registration.country else ""
        kwargs["initial"]["updated_at"] = registration.updated_at.isoformat()
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *countries]
        languages = list(settings.LANGUAGES) + [(c, n) for c, n in CONTENT_LANGUAGES if c not in dict(settings.LANGUAGES)]
        if registration.language and registration.language not in dict(languages):
            languages.append((registration.language, registration.language))
        self.fields["language"].choices = languages

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PERSONAL_FIELDS if name in self.cleaned_data}
