"""The registration form: one set of validation rules for the web form and the JSON API."""

from __future__ import annotations

import copy
import unicodedata
from functools import lru_cache

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from webinars.core.countries import sorted_by_name
from webinars.core.i18n import i18n_dict, i18n_text
from webinars.core.timezones import parse_time_zone

from .models import Gender, InstitutionType, RegistrationQuestion

# Bidirectional embedding/override/isolate controls can make a name display as
# something else (spoofing) in organiser lists and certificates; right-to-left *text*
# itself is fine.
BIDI_CONTROLS = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f"}
# Markup characters have no place in a name, city or organisation.
MARKUP_CHARACTERS = set("<>{}`")


def validate_plain_text(value: str) -> None:
    for char in value:
        if char in BIDI_CONTROLS:
            raise ValidationError(_("Remove the invisible direction marks from this text."), code="bidi")
        if unicodedata.category(char) == "Cc":
            raise ValidationError(_("Remove the control characters from this text."), code="control")
        if char in MARKUP_CHARACTERS:
            raise ValidationError(_("This text may not contain < > { } or `."), code="markup")


class PlainTextField(forms.CharField):
    default_validators = [validate_plain_text]

    def to_python(self, value):
        value = super().to_python(value)
        return unicodedata.normalize("NFC", " ".join(value.split())) if value else value


def country_choices(region: list[str]) -> list[tuple[str, str]]:
    """ISO 3166 countries in the active language, the series' region first."""
    return list(_country_choices(tuple(region), get_language() or "en"))


@lru_cache(maxsize=256)
def _country_choices(region: tuple[str, ...], language: str) -> tuple[tuple[str, str], ...]:
    # Sorting ~250 translated names costs milliseconds; cache per region and language.
    return tuple(_build_country_choices(list(region)))


def _build_country_choices(region: list[str]) -> list[tuple[str, str]]:
    region_set = set(region)
    ordered = sorted_by_name((code, str(name)) for code, name in countries)
    first = [(code, name) for code, name in ordered if code in region_set]
    rest = [(code, name) for code, name in ordered if code not in region_set]
    return [("", _("Choose a country"))] + first + ([("", "──────────")] if first else []) + rest


class _SharedFields(dict):
    """A form's fields that its instances share: "deep-copied" as a new dictionary of the same fields."""

    def __deepcopy__(self, memo: dict) -> dict:
        return dict(self)


def _question_key(question: RegistrationQuestion) -> tuple:
    """What a question's field is built from (the cache key of the fields built for it)."""
    return (
        question.pk,
        question.kind,
        question.required,
        tuple(sorted(i18n_dict(question.label).items())),
        tuple(sorted(i18n_dict(question.help_text).items())),
        tuple(str(c) for c in question.choices or []),
    )


@lru_cache(maxsize=256)  # field sets of (form class, region, language, questions): a few per series
def _built_fields(
    form_class: type[RegistrationForm], region: tuple[str, ...], language: str, question_keys: tuple, questions: tuple
) -> dict[str, forms.Field]:
    """The fields of ``form_class`` for a region, language and questions (``question_keys``
    tells an edited question apart), built once and kept."""
    with translation.override(language):
        return form_class._build_fields(region, language, list(questions))


class RegistrationForm(forms.Form):
    name = PlainTextField(label=_("Full name"), max_length=200, help_text=_("As it should appear on your certificate, in any script."))
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    country = forms.ChoiceField(label=_("Country"))
    city = PlainTextField(label=_("City"), max_length=200, required=False)
    organisation = PlainTextField(label=_("Organisation (museum)"), max_length=300)
    position = PlainTextField(label=_("Position"), max_length=200, required=False)
    institution_type = forms.ChoiceField(label=_("Type of institution"), choices=[("", "—")] + list(InstitutionType.choices))
    gender = forms.ChoiceField(label=_("Gender (optional)"), choices=[("", "—")] + list(Gender.choices), required=False)
    language = forms.ChoiceField(label=_("Language for e-mails"), choices=settings.LANGUAGES)
    consent_privacy = forms.BooleanField(
        label=_("I agree that my details are used to organise this webinar, as the privacy notice explains."),
        error_messages={"required": _("Registration needs your agreement to the privacy notice.")},
    )
    consent_recording = forms.BooleanField(label=_("I agree to being recorded (video, voice, chat)."), required=False)
    time_zone = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # Honeypot: invisible to people, filled in by bots. A filled one stores nothing.
    website = forms.CharField(required=False, max_length=200, label=_("Leave this field empty"))

    def __init__(self, *args, series=None, **kwargs) -> None:
        region = series.country_codes if series is not None else ()
        self.questions: list[RegistrationQuestion] = list(series.registration_questions.all()) if series is not None else []
        # A form's fields are deep-copied for each instance (Django's BaseForm), a fifth of a
        # registration's time in Python. These fields are never changed after they are built
        # (the views and the API only validate and render them), so instances share the fields
        # built for the same class, region, language and questions; each instance still has
        # its own dictionary of them (``DetailsForm`` removes some).
        question_keys = tuple(_question_key(q) for q in self.questions)
        fields = _built_fields(type(self), region, get_language() or "en", question_keys, tuple(self.questions))
        self.base_fields = _SharedFields(fields)  # type: ignore[misc]  # per instance, on purpose
        super().__init__(*args, **kwargs)

    @classmethod
    def _build_fields(cls, region: tuple[str, ...], language: str, questions: list[RegistrationQuestion]) -> dict[str, forms.Field]:
        fields = copy.deepcopy(cls.declared_fields)
        # Already in Django's normalised shape and cached per region and language: set directly,
        # skipping the field's and the widget's re-normalisation of ~250 pairs.
        country = fields["country"]
        country._choices = country.widget._choices = _country_choices(region, language)  # type: ignore[attr-defined]
        for question in questions:
            fields[f"q_{question.pk}"] = cls._question_field(question)
        return fields

    @staticmethod
    def _question_field(question: RegistrationQuestion) -> forms.Field:
        label = i18n_text(question.label)
        help_text = i18n_text(question.help_text)
        if question.kind == RegistrationQuestion.Kind.YES_NO:
            return forms.ChoiceField(
                label=label, help_text=help_text, required=question.required, choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))]
            )
        if question.kind == RegistrationQuestion.Kind.CHOICE:
            options = [str(c)[:200] for c in question.choices or []]
            return forms.ChoiceField(
                label=label, help_text=help_text, required=question.required, choices=[("", "—")] + [(o, o) for o in options]
            )
        widget = forms.Textarea(attrs={"rows": 3}) if question.kind == RegistrationQuestion.Kind.LONG_TEXT else None
        return forms.CharField(
            label=label, help_text=help_text, required=question.required, max_length=2000, widget=widget, validators=[validate_plain_text]
        )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_time_zone(self) -> str:
        value = self.cleaned_data.get("time_zone") or ""
        return value if parse_time_zone(value) else ""

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def registration_data(self) -> dict:
        """The cleaned values in the shape ``services.registration_create`` takes."""
        data = {
            key: self.cleaned_data.get(key)
            for key in (
                "name",
                "email",
                "country",
                "city",
                "organisation",
                "position",
                "institution_type",
                "gender",
                "language",
                "consent_recording",
                "time_zone",
            )
        }
        data["answers"] = {str(q.pk): self.cleaned_data.get(f"q_{q.pk}") for q in self.questions if self.cleaned_data.get(f"q_{q.pk}")}
        return data


class DetailsForm(RegistrationForm):
    """What a registrant may correct on their self-service page (not the e-mail address)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("email", "consent_privacy", "website", "time_zone"):
            self.fields.pop(name)
        for name in [n for n in self.fields if n.startswith("q_")]:
            self.fields.pop(name)


class LinkRequestForm(forms.Form):
    """ "Send me fresh links": only the address the registrant registered with."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("The address you registered with. If it has registrations, we e-mail it fresh links within a few minutes."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
