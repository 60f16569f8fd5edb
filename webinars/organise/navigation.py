"""The sections of a webinar's page and of a series' page, in the order of a webinar's life.

Each section names its URL and the rule needed to see it; the tabs show only the sections a
user may open. Sections are added by naming them here and in ``urls.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from webinars.programme.rules import may


@dataclass(frozen=True)
class Section:
    url_name: str
    label: Any
    permission: str


WEBINAR_SECTIONS = [
    Section("organise:webinar", _("Overview"), "programme.view_webinar"),
    Section("organise:webinar_edit", _("Edit"), "programme.change_webinar"),
    Section("organise:webinar_meeting", _("Meeting"), "meetings.manage_meeting"),
    Section("organise:webinar_registrations", _("Registrations"), "registrations.view_registrations"),
    Section("organise:webinar_messages", _("Messages"), "registrations.message_registrants"),
    Section("organise:webinar_attendance", _("Attendance"), "attendance.view_attendance"),
    Section("organise:webinar_certificates", _("Certificates"), "certificates.view_certificates"),
    Section("organise:webinar_feedback", _("Feedback"), "feedback.view_feedback"),
    Section("organise:webinar_report", pgettext_lazy("reach report", "Report"), "reports.view_reports"),
]

SERIES_SECTIONS = [
    Section("organise:series", _("Webinars"), "programme.view_series"),
    Section("organise:series_library", _("Library"), "library.view_items"),
    Section("organise:series_edit", _("Settings"), "programme.change_series"),
    Section("organise:series_team", _("Team"), "programme.manage_series_team"),
    Section("organise:series_platform", _("Meeting platform"), "meetings.manage_connection"),
    Section("organise:series_activity", _("Activity"), "programme.manage_series_team"),
    Section("organise:series_report", pgettext_lazy("reach report", "Report"), "reports.view_reports"),
]


def tabs(sections: list[Section], *, user: Any, obj: Any, current: str) -> list[dict[str, Any]]:
    """The sections ``user`` may open on ``obj``, with their addresses; sections not built yet are skipped."""
    found = []
    for section in sections:
        if not may(user, section.permission, obj):
            continue
        try:
            url = reverse(section.url_name, args=[obj.pk])
        except NoReverseMatch:
            continue
        found.append({"url": url, "label": section.label, "current": section.url_name == current})
    return found
