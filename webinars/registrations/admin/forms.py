"""Forms of the registrations' back-office pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .. import services
from ..forms import PlainTextField
from ..models import Registration, RegistrationQuestion

EDITABLE_FIELDS = tuple(services.PERSONAL_FIELDS)


class RegistrationAdminForm(forms.ModelForm):
    """Organisers correct the same details registrants may, under the same rules."""

    class Meta:
        model = Registration
        fields = list(EDITABLE_FIELDS)
        field_classes = {"name": PlainTextField, "city": PlainTextField, "organisation": PlainTextField, "position": PlainTextField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "language" in self.fields:
            choices = list(settings.LANGUAGES)
            current = self.instance.language
            if current and current not in dict(choices):
                choices.append((current, current))
            self.fields["language"] = forms.ChoiceField(label=Registration._meta.get_field("language").verbose_name, choices=choices)


class WebinarMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 80}),
        help_text=_("Plain text. Each registrant receives it in a separate e-mail, with their own links to manage the registration."),
    )

    def clean_subject(self) -> str:
        return " ".join(self.cleaned_data["subject"].split())


class RegistrationQuestionForm(forms.ModelForm):
    class Meta:
        model = RegistrationQuestion
        fields = ["series", "label", "help_text", "kind", "choices", "required", "order"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        choices = data.get("choices")
        if data.get("kind") == RegistrationQuestion.Kind.CHOICE:
            if not isinstance(choices, list) or not choices or not all(isinstance(c, str) and c.strip() for c in choices):
                self.add_error("choices", _('Give the choices as a list of texts, for example ["Yes, in person", "Online"].'))
        elif choices:
            data["choices"] = []
        return data
