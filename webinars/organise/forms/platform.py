"""The meeting platform form of a series (owners): which platform, its address and credentials."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from webinars.meetings.models import Connection, Platform

SECRET_HELP = _("Stored encrypted and never shown again. Leave empty to keep the one saved.")


class PlatformForm(forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices, widget=forms.RadioSelect)
    server_url = forms.URLField(
        label=_("BigBlueButton server address"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=_("For example https://bbb.example.org/bigbluebutton/ (the command bbb-conf --secret prints it)."),
    )
    secret = forms.CharField(
        label=_("Shared secret (BigBlueButton) or client secret (Zoom)"),
        required=False,
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=SECRET_HELP,
    )
    account_id = forms.CharField(label=_("Zoom account ID"), required=False, max_length=100)
    client_id = forms.CharField(label=_("Zoom client ID"), required=False, max_length=100)
    webhook_secret = forms.CharField(
        label=_("Zoom webhook secret token"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=SECRET_HELP,
    )
    zoom_kind = forms.ChoiceField(
        label=_("Create on Zoom"), choices=Connection.ZoomKind.choices, initial=Connection.ZoomKind.MEETING, required=False
    )

    def clean_server_url(self) -> str:
        value = self.cleaned_data.get("server_url", "")
        if value and not value.startswith(("https://", "http://")):
            raise forms.ValidationError(_("Give an http(s) address."))
        return value

    @classmethod
    def initial_for(cls, connection: Connection | None) -> dict[str, Any]:
        if connection is None:
            return {"platform": Platform.MANUAL}
        return {
            "platform": connection.platform,
            "server_url": connection.server_url,
            "account_id": connection.account_id,
            "client_id": connection.client_id,
            "zoom_kind": connection.zoom_kind,
        }
