"""The messages section's figures, composed from the registrations, attendance, audit and mail apps
(as ``dashboard.py`` composes the dashboard): who is in each audience, in which languages, and
what was sent before with its delivery status. A fixed number of queries whatever the size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from webinars.attendance import selectors as attendance_selectors
from webinars.audit.models import LogEntry
from webinars.audit.selectors import log_entries_for
from webinars.mail import selectors as mail_selectors
from webinars.programme.models import Webinar
from webinars.registrations import selectors as registration_selectors
from webinars.registrations.broadcasts import Audience, batch_key_prefix
from webinars.registrations.models import Registration

HISTORY_ACTIONS = ("webinar.message_sent", "webinar.message_tested", "webinar.recording_announced")
HISTORY_LENGTH = 20


@dataclass
class AudienceChoice:
    value: str
    label: Any
    languages: dict[str, int]

    @property
    def count(self) -> int:
        return sum(self.languages.values())


@dataclass
class Audiences:
    choices: list[AudienceChoice]
    attended_ids: set[int] | None  # None: no attendance imported yet

    @property
    def languages(self) -> list[str]:
        """Every language present among the people of any audience, most people first."""
        totals: dict[str, int] = {}
        for choice in self.choices:
            for language, n in choice.languages.items():
                totals[language] = totals.get(language, 0) + n
        return sorted(totals, key=lambda language: (-totals[language], language))

    def get(self, value: str) -> AudienceChoice | None:
        return next((c for c in self.choices if c.value == value), None)


def webinar_audiences(webinar: Webinar) -> Audiences:
    """The audiences a message can go to; "attended" and "not attended" once attendance is imported."""
    attended = attendance_selectors.attended_registration_ids(webinar) if attendance_selectors.current_import(webinar) else None
    languages = registration_selectors.webinar_audience_languages(webinar=webinar, attended_ids=attended)
    choices = [AudienceChoice(a.value, a.label, languages[a.value]) for a in Audience if a.value in languages]
    return Audiences(choices=choices, attended_ids=attended)


def audience_recipients(webinar: Webinar, audiences: Audiences, audience: str):  # type: ignore[no-untyped-def]
    return registration_selectors.webinar_audience(webinar=webinar, audience=audience, attended_ids=audiences.attended_ids)


def preview_samples(webinar: Webinar, audiences: Audiences, audience: str) -> dict[str, Registration]:
    return registration_selectors.audience_samples(recipients=audience_recipients(webinar, audiences, audience))


@dataclass
class Sending:
    """One line of the history: a message (or test, or recording announcement) and its delivery."""

    entry: LogEntry
    statuses: dict[str, int] = field(default_factory=dict)
    subject: str = ""
    batch: str = ""

    @property
    def delivered(self) -> int:
        return self.statuses.get("sent", 0)

    @property
    def waiting(self) -> int:
        return self.statuses.get("queued", 0) + self.statuses.get("sending", 0)

    @property
    def failed(self) -> int:
        return self.statuses.get("failed", 0)


def message_history(webinar: Webinar) -> list[Sending]:
    """The latest sendings of this webinar with their messages by status (four queries)."""
    entries = list(log_entries_for(webinar).filter(action__in=HISTORY_ACTIONS).order_by("-created_at", "-id")[:HISTORY_LENGTH])
    sendings = [Sending(entry=e, batch=str((e.data or {}).get("batch", ""))) for e in entries]
    prefixes = [batch_key_prefix(s.batch) for s in sendings if s.batch]
    counts = mail_selectors.status_counts_by_key_prefix(prefixes=prefixes, series_id=webinar.series_id)
    firsts = mail_selectors.first_message_by_key_prefix(prefixes=prefixes, series_id=webinar.series_id)
    recording = None
    for sending in sendings:
        if sending.batch:
            prefix = batch_key_prefix(sending.batch)
            sending.statuses = counts.get(prefix, {})
            first = firsts.get(prefix)
            sending.subject = (first.context or {}).get("subject", "") if first else ""
        elif sending.entry.action == "webinar.recording_announced":
            if recording is None:
                recording = mail_selectors.status_counts_about(kind="recording", about=Registration.objects.filter(webinar=webinar))
            sending.statuses = recording
    return sendings
