"""The feedback survey: a rating, usefulness and three optional free texts."""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from webinars.registrations.forms import BIDI_CONTROLS

from .models import TEXT_MAX_LENGTH, Rating, Usefulness

# Line breaks and tabs are welcome in long answers; other control characters are not.
ALLOWED_CONTROLS = {"\n", "\t"}


def validate_long_text(value: str) -> None:
    """Like ``registrations.forms.validate_plain_text`` for several lines of prose.

    Control characters (but line breaks and tabs) and direction overrides are refused;
    ``< > { } `` are allowed: they are ordinary characters in a comment, and every page
    shows the text escaped.
    """
    for char in value:
        if char in BIDI_CONTROLS:
            raise ValidationError(_("Remove the invisible direction marks from this text."), code="bidi")
        if unicodedata.category(char) == "Cc" and char not in ALLOWED_CONTROLS:
            raise ValidationError(_("Remove the control characters from this text."), code="control")


class LongTextField(forms.CharField):
    """Several lines of text: line breaks unified to ``\\n``, NFC, surrounding blanks removed."""

    default_validators = [validate_long_text]

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", TEXT_MAX_LENGTH)
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("Optional, up to 5,000 characters."))
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        value = super().to_python(value)
        return unicodedata.normalize("NFC", value) if value else value


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How would you rate the webinar overall?"),
        choices=Rating.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )
    usefulness = forms.TypedChoiceField(
        label=_("How useful was it for your work?"),
        choices=Usefulness.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the answers.")},
    )
    improve = LongTextField(label=_("What could we improve?"))
    topics_next = LongTextField(label=_("Which topics would you like in future webinars?"))
    comments = LongTextField(label=_("Anything else you would like to tell us?"))
