"""Forms of the certificates section: the design (wording in the printed languages, hours, colours),
its signatures, and the reason for revoking.

The design's texts are translatable (one JSON value per field); the form shows a box per
*printed* language only (one or two), and keeps what the other languages hold.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from i18nfield.strings import LazyI18nString

from webinars.certificates.models import CertificateSignature, CertificateTemplate
from webinars.core.languages import CONTENT_LANGUAGE_NAMES, CONTENT_LANGUAGES

DESIGN_TEXTS = [
    ("title", _("Title"), False, _("Empty: “Certificate of attendance”.")),
    ("intro", _("Line before the name"), False, _("Empty: “This is to certify that”.")),
    (
        "webinar_text",
        _("Line after the name"),
        False,
        _("{webinar} and {date} are replaced. Empty: “attended the webinar «{webinar}» on {date}”."),
    ),
    ("body", _("Further text"), True, _("Printed under the statement, e.g. the programme.")),
]


def _language_name(code: str) -> str:
    return str(CONTENT_LANGUAGE_NAMES.get(code, code))


def _data(value: Any) -> dict[str, str]:
    data = getattr(value, "data", value)
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if v}
    return {"en": data} if isinstance(data, str) and data else {}


class DesignForm(forms.ModelForm):
    first_language = forms.ChoiceField(label=_("First language"), choices=CONTENT_LANGUAGES)
    second_language = forms.ChoiceField(
        label=_("Second language"),
        choices=[("", _("none: one language only")), *CONTENT_LANGUAGES],
        required=False,
        help_text=_("Printed side by side with the first."),
    )

    class Meta:
        model = CertificateTemplate
        fields = ["hours", "primary_colour", "accent_colour"]
        widgets = {
            "hours": forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "inputmode": "decimal"}),
            "primary_colour": forms.TextInput(attrs={"type": "color"}),
            "accent_colour": forms.TextInput(attrs={"type": "color"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        languages = list(self.instance.languages or ["en", "ru"])[:2]
        self.initial.setdefault("first_language", languages[0])
        self.initial.setdefault("second_language", languages[1] if len(languages) > 1 else "")
        self.languages = languages
        for name, label, long, help_text in DESIGN_TEXTS:
            current = _data(getattr(self.instance, name, None))
            for code in languages:
                self.fields[f"{name}__{code}"] = forms.CharField(
                    label=f"{label} ({_language_name(code)})",
                    required=False,
                    max_length=4000 if long else 255,
                    initial=current.get(code, ""),
                    help_text=help_text,
                    widget=forms.Textarea(attrs={"rows": 3, "lang": code}) if long else forms.TextInput(attrs={"lang": code}),
                )

    def text_fields(self) -> list:
        return [self[name] for name in self.fields if "__" in name]

    def setting_fields(self) -> list:
        return [self[name] for name in ("first_language", "second_language", "hours", "primary_colour", "accent_colour")]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("first_language"), data.get("second_language")
        if first and second == first:
            self.add_error("second_language", gettext("Choose a different language, or none."))
        return data

    def save(self, commit: bool = False) -> CertificateTemplate:
        """The design with the form's values applied (not stored: the service stores it)."""
        design = super().save(commit=False)
        design.languages = [code for code in (self.cleaned_data["first_language"], self.cleaned_data.get("second_language")) if code]
        for name, _label, _long, _help in DESIGN_TEXTS:
            values = _data(getattr(design, name, None))
            for code in self.languages:
                text = (self.cleaned_data.get(f"{name}__{code}") or "").strip()
                if text:
                    values[code] = text
                else:
                    values.pop(code, None)
            setattr(design, name, LazyI18nString(values) if values else "")
        return design


class SignatureForm(forms.ModelForm):
    """A signature: image, the signer's name (as printed in every language), their title per printed language."""

    signer = forms.CharField(label=_("Name of the signer"), max_length=200)

    class Meta:
        model = CertificateSignature
        fields = ["image", "order"]
        widgets = {"image": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"})}

    def __init__(self, *args: Any, languages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.languages = languages
        names = _data(self.instance.name) if self.instance.pk else {}
        self.fields["signer"].initial = names.get(languages[0]) or next(iter(names.values()), "")
        roles = _data(self.instance.role) if self.instance.pk else {}
        for code in languages:
            self.fields[f"role__{code}"] = forms.CharField(
                label=gettext("Title (%(language)s)") % {"language": _language_name(code)},
                required=False,
                max_length=200,
                initial=roles.get(code, ""),
                help_text=_("For example “Director, Central State Museum”."),
                widget=forms.TextInput(attrs={"lang": code}),
            )
        self.fields["image"].label = _("Signature image")
        self.fields["image"].help_text = _("PNG or JPEG on a white or transparent background.")
        self.fields["order"].label = _("Order")

    def save(self, commit: bool = False) -> CertificateSignature:
        signature = super().save(commit=False)
        signature.name = (self.cleaned_data.get("signer") or "").strip()
        roles = _data(signature.role) if signature.pk else {}
        for code in self.languages:
            text = (self.cleaned_data.get(f"role__{code}") or "").strip()
            if text:
                roles[code] = text
            else:
                roles.pop(code, None)
        signature.role = LazyI18nString(roles) if roles else ""
        return signature


SignatureFormSet = inlineformset_factory(
    CertificateTemplate, CertificateSignature, form=SignatureForm, extra=1, max_num=3, validate_max=True, can_delete=True
)


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the record; never shown publicly. The verification page will say “revoked”."),
    )
