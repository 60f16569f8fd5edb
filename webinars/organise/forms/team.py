"""Forms of the team section (owners only) and of the activity log's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from webinars.audit.selectors import NO_ACTOR
from webinars.core.i18n import i18n_text
from webinars.programme.models import SeriesRole

ROLE_HELP = _(
    "Owner: everything, including the team. Editor: content, registrations, messages, attendance, certificates. "
    "Viewer: read-only and reports."
)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"), choices=SeriesRole.Role.choices, initial=SeriesRole.Role.EDITOR, help_text=ROLE_HELP)


class MemberForm(forms.Form):
    """An action on one member: change the role, remove (after confirming), re-send the invitation."""

    ACTIONS = ("role", "remove", "resend")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    user = forms.IntegerField(min_value=1)
    role = forms.ChoiceField(choices=SeriesRole.Role.choices, required=False)
    confirmed = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") == "role" and not data.get("role"):
            self.add_error("role", _("Choose a role."))
        return data


#: Kinds of action in the activity log: the code's domain.
ACTIVITY_KINDS = [
    ("registration.", _("Registrations")),
    ("webinar.", _("Webinars and messages")),
    ("series.", _("Series and team")),
    ("attendance.", _("Attendance")),
    ("certificate.", _("Certificates")),
    ("export.", _("Exports of data")),
]


class ActivityFilterForm(forms.Form):
    webinar = forms.TypedChoiceField(label=_("Webinar"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind of action"), required=False, choices=[("", _("All kinds")), *ACTIVITY_KINDS])
    who = forms.ChoiceField(label=_("Who"), required=False)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, webinars: list, members: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["webinar"].choices = [
            ("", _("All webinars")),
            *((w.pk, f"{w.start_date:%Y-%m-%d} · {i18n_text(w.title)}") for w in webinars),
        ]
        self.fields["who"].choices = [
            ("", _("Anyone")),
            (NO_ACTOR, _("Registrants and the system")),
            *((str(member.user_id), member.user.email or member.user.username) for member in members),
        ]

    def selection(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        who = data.get("who") or None
        return {
            "webinar": data.get("webinar"),
            "action_prefix": data.get("kind") or None,
            "actor": who if who in (None, NO_ACTOR) else int(who),
            "page": data.get("page") or 1,
        }
