"""Forms of the messages section: a message in each registrant language, the recording's address."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from webinars.core.languages import language_name
from webinars.registrations.broadcasts import BODY_MAX, SUBJECT_MAX

from ..outreach import Audiences

MESSAGE_ACTIONS = ("preview", "test", "send")
RECORDING_ACTIONS = ("recording_preview", "recording_send")


class MessageForm(forms.Form):
    """Who gets it, the fallback text, and an optional text per language present among the registrants."""

    audience = forms.ChoiceField(label=_("To"), widget=forms.RadioSelect)
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    body = forms.CharField(
        label=_("Message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text. Goes to everyone whose language has no text of its own below."),
    )
    action = forms.ChoiceField(choices=[(a, a) for a in MESSAGE_ACTIONS], widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, audiences: Audiences, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.audiences = audiences
        self.fields["audience"].choices = [
            (
                choice.value,
                ngettext("%(label)s (%(count)d person)", "%(label)s (%(count)d people)", choice.count)
                % {"label": choice.label, "count": choice.count},
            )
            for choice in audiences.choices
        ]
        if audiences.choices and not self.is_bound:
            self.initial.setdefault("audience", audiences.choices[0].value)
        self.languages = audiences.languages
        for language in self.languages:
            name = language_name(language)
            self.fields[f"subject_{language}"] = forms.CharField(
                label=_("Subject (%(language)s)") % {"language": name}, max_length=SUBJECT_MAX, required=False
            )
            self.fields[f"body_{language}"] = forms.CharField(
                label=_("Message (%(language)s)") % {"language": name},
                max_length=BODY_MAX,
                required=False,
                widget=forms.Textarea(attrs={"rows": 10, "lang": language}),
                help_text=_("Optional: registrants whose language is %(language)s get this text instead.") % {"language": name},
            )
            self.fields[f"subject_{language}"].widget.attrs["lang"] = language

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for language in self.languages:
            subject, body = (data.get(f"subject_{language}") or "").strip(), (data.get(f"body_{language}") or "").strip()
            if subject and not body:
                self.add_error(f"body_{language}", _("Write the message in this language too, or clear its subject."))
            if body and not subject:
                self.add_error(f"subject_{language}", _("Write the subject in this language too, or clear its message."))
        return data

    def texts(self) -> dict[str, tuple[str, str]]:
        return {
            language: (self.cleaned_data.get(f"subject_{language}") or "", self.cleaned_data.get(f"body_{language}") or "")
            for language in self.languages
            if (self.cleaned_data.get(f"subject_{language}") or "").strip()
        }

    def fallback(self) -> tuple[str, str]:
        return self.cleaned_data["subject"], self.cleaned_data["body"]

    def language_tabs(self) -> list[dict[str, Any]]:
        """For the template: each language's fields, its name and how many registrants use it."""
        tabs = []
        for language in self.languages:
            people = sum(choice.languages.get(language, 0) for choice in self.audiences.choices)
            tabs.append(
                {
                    "code": language,
                    "name": language_name(language),
                    "people": people,
                    "subject": self[f"subject_{language}"],
                    "body": self[f"body_{language}"],
                    "filled": bool(self[f"subject_{language}"].value()),
                }
            )
        return tabs


class RecordingForm(forms.Form):
    recording_url = forms.URLField(
        label=_("Address of the recording"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Paste the link to the video (YouTube, Vimeo, a cloud folder…). Confirmed registrants get it once."),
    )
