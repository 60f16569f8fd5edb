"""The dashboard's figures: one aggregate query per domain app, whatever the number of webinars."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from webinars.attendance import selectors as attendance_selectors
from webinars.audit import selectors as audit_selectors
from webinars.certificates import selectors as certificate_selectors
from webinars.mail import selectors as mail_selectors
from webinars.meetings import selectors as meeting_selectors
from webinars.programme import selectors as programme_selectors
from webinars.programme.models import Series, Webinar
from webinars.registrations import selectors as registration_selectors


@dataclass
class Attention:
    """One thing that needs the organiser: what, where, and the page that resolves it."""

    kind: str
    webinar: Webinar | None = None
    series: Series | None = None
    count: int = 0


@dataclass
class Dashboard:
    series: list[Series]
    upcoming: list[dict[str, Any]] = field(default_factory=list)
    recent: list[dict[str, Any]] = field(default_factory=list)
    attention: list[Attention] = field(default_factory=list)


def dashboard_for(user: Any, *, now: dt.datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    series = list(programme_selectors.series_for(user, "programme.view_series").select_related("organiser").order_by("slug"))
    series_ids = [s.pk for s in series]
    webinars = programme_selectors.workspace_webinars(series_ids=series_ids, now=now)
    all_webinars = webinars["upcoming"] + webinars["recent"]
    ids = [w.pk for w in all_webinars]
    counts = registration_selectors.registration_counts(webinar_ids=ids, now=now)
    board = Dashboard(series=series)
    for webinar in webinars["upcoming"]:
        board.upcoming.append({"webinar": webinar, "counts": counts[webinar.pk], "days": _days_to_go(webinar, now)})
    attendance = attendance_selectors.attendance_state(webinar_ids=[w.pk for w in webinars["recent"]])
    certificates = certificate_selectors.certificate_counts(webinar_ids=list(attendance))
    announced = audit_selectors.webinars_with_action(webinar_ids=[w.pk for w in webinars["recent"]], action="webinar.recording_announced")
    for webinar in webinars["recent"]:
        board.recent.append({"webinar": webinar, "counts": counts[webinar.pk], "attendance": attendance.get(webinar.pk)})
        if webinar.status == Webinar.Status.CANCELLED:
            continue
        state = attendance.get(webinar.pk)
        if state is None:
            board.attention.append(Attention("no_attendance", webinar=webinar, series=webinar.series))
        else:
            if state["to_review"]:
                board.attention.append(Attention("review", webinar=webinar, series=webinar.series, count=state["to_review"]))
            if state["attended"] and not certificates.get(webinar.pk):
                board.attention.append(Attention("certificates", webinar=webinar, series=webinar.series, count=state["attended"]))
        if webinar.recording_url and webinar.pk not in announced:
            board.attention.append(Attention("recording", webinar=webinar, series=webinar.series))
    by_id = {s.pk: s for s in series}
    for series_id, failed in sorted(mail_selectors.failed_counts(series_ids=series_ids).items()):
        board.attention.append(Attention("failed_mail", series=by_id.get(series_id), count=failed))
    # Meeting platform work that failed (publishing went ahead; the meeting, a registrant or the
    # attendance waits): one line per webinar, to its meeting page with the Retry buttons.
    failing: dict[int, Attention] = {}
    for job in meeting_selectors.failing_jobs(series_ids=series_ids):
        webinar = job.meeting.webinar
        if webinar.pk not in failing:
            failing[webinar.pk] = Attention("platform", webinar=webinar, series=webinar.series)
            board.attention.append(failing[webinar.pk])
        failing[webinar.pk].count += 1
    for draft in programme_selectors.drafts_without_time(series_ids=series_ids):
        board.attention.append(Attention("no_time", webinar=draft, series=draft.series))
    return board


def _days_to_go(webinar: Webinar, now: dt.datetime) -> int | None:
    start = webinar.starts_at
    if start is None:
        return (webinar.start_date - timezone.localdate(now)).days
    return max(0, (start - now).days)
