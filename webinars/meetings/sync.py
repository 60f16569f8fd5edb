"""What each job does on the platform: bring the meeting, a registrant, the attendance in line.

Every handler compares what is wanted now (the webinar's status and time, the registration's
status) with what the platform was last told (``Meeting.synced``, ``PlatformRegistrant``), so
running it twice, late, or after a newer change is harmless. Handlers raise
``PlatformError``; the queue keeps the job and tries again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from webinars.attendance.models import AttendanceImport
from webinars.attendance.services import ParseError, import_attendance
from webinars.audit.services import log_action
from webinars.core.i18n import i18n_text
from webinars.programme.models import Webinar
from webinars.registrations.models import Registration

from . import crypto, queue
from .clients import bigbluebutton, zoom
from .clients.http import PlatformError
from .models import Connection, Meeting, Platform, PlatformJob, PlatformRegistrant

Kind = PlatformJob.Kind
#: userID prefix of organisers and speakers joining from the workspace: never a registrant.
STAFF_PREFIX = "staff-"


# -- clients --------------------------------------------------------------------------------


def bbb_client(connection: Connection) -> bigbluebutton.Client:
    return bigbluebutton.Client(
        server_url=connection.server_url,
        secret=crypto.decrypt(connection.secret_encrypted),
        algorithm=connection.checksum_algorithm or "sha256",
    )


def zoom_client(connection: Connection) -> zoom.Client:
    return zoom.Client(
        account_id=connection.account_id,
        client_id=connection.client_id,
        client_secret=crypto.decrypt(connection.secret_encrypted),
        kind=connection.zoom_kind,
    )


# -- the meeting ----------------------------------------------------------------------------


def wanted(webinar: Webinar, now: dt.datetime | None = None) -> bool:
    """A meeting should exist: published, with a time, not over."""
    now = now or timezone.now()
    return webinar.status == Webinar.Status.PUBLISHED and webinar.starts_at is not None and webinar.ends_at > now


def description(webinar: Webinar) -> dict[str, Any]:
    """What the platform is told about the webinar (a change of any of it is an update)."""
    assert webinar.starts_at is not None
    return {
        "title": i18n_text(webinar.title, original=webinar.original_language)[:200],
        "start": webinar.starts_at.astimezone(dt.UTC).isoformat(),
        "duration": webinar.duration_minutes,
        "time_zone": webinar.time_zone,
    }


def new_bbb_meeting_id(webinar: Webinar) -> str:
    # Not guessable: with the shared secret unknown, nobody can join anyway, but the ID also
    # names the meeting in callbacks, where it must not be enumerable.
    return f"mw-{webinar.pk}-{secrets.token_hex(6)}"


def bbb_create_params(meeting: Meeting, connection: Connection) -> dict[str, Any]:
    webinar = meeting.webinar
    callback = settings.SITE_URL + reverse("meetings:bbb_analytics", args=[connection.hook_key])
    return {
        "name": i18n_text(webinar.title, original=webinar.original_language)[:200],
        "meetingID": meeting.external_id,
        "attendeePW": meeting.attendee_password,
        "moderatorPW": meeting.moderator_password,
        # The room closes by itself an hour after the planned end.
        "duration": webinar.duration_minutes + 60,
        # Keeps events.xml, from which the server's post_events script sends the learning-dashboard data.
        "meetingKeepEvents": "true",
        "logoutURL": settings.SITE_URL + webinar.get_absolute_url(),
        "meta_analytics-callback-url": callback,
        "meta_bbb-origin": "Museum Webinars",
        "meta_bbb-origin-server-name": settings.SITE_URL.split("://", 1)[-1],
    }


def bbb_ensure_running(meeting: Meeting) -> None:
    """``create`` again (idempotent for one meetingID): a room nobody joined closes after minutes."""
    assert meeting.connection is not None
    bbb_client(meeting.connection).create(bbb_create_params(meeting, meeting.connection))


def sync_meeting(job: PlatformJob) -> None:
    meeting = job.meeting
    connection = meeting.connection
    webinar = Webinar.objects.select_related("series").get(pk=meeting.webinar_id)
    meeting.webinar = webinar
    if connection is None or connection.platform != meeting.platform:
        # The series left this platform: nothing more to tell it.
        Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.REMOVED)
        return
    if meeting.platform == Platform.BIGBLUEBUTTON:
        _sync_bbb(meeting, connection, webinar)
    elif meeting.platform == Platform.ZOOM:
        _sync_zoom(meeting, connection, webinar)


def _sync_bbb(meeting: Meeting, connection: Connection, webinar: Webinar) -> None:
    client = bbb_client(connection)
    if wanted(webinar):
        about = description(webinar)
        if meeting.state == Meeting.State.READY and meeting.synced == about:
            return
        first = meeting.state != Meeting.State.READY
        if first and meeting.state == Meeting.State.REMOVED:
            meeting.external_id = new_bbb_meeting_id(webinar)
        # BigBlueButton keeps no schedule: the call checks the server accepts the meeting; it is
        # made again at each join (bbb_ensure_running), with the then current title.
        client.create(bbb_create_params(meeting, connection))
        meeting.state, meeting.synced = Meeting.State.READY, about
        meeting.save(update_fields=["external_id", "state", "synced", "updated_at"])
        log_action("meetings.meeting_created" if first else "meetings.meeting_updated", obj=webinar, data={"platform": meeting.platform})
    elif meeting.state == Meeting.State.READY:
        client.end(meeting.external_id, meeting.moderator_password)
        meeting.state = Meeting.State.REMOVED
        meeting.save(update_fields=["state", "updated_at"])
        log_action("meetings.meeting_deleted", obj=webinar, data={"platform": meeting.platform, "status": webinar.status})


def _sync_zoom(meeting: Meeting, connection: Connection, webinar: Webinar) -> None:
    client = zoom_client(connection)
    if wanted(webinar):
        about = description(webinar)
        assert webinar.starts_at is not None
        if meeting.state == Meeting.State.READY and meeting.external_id:
            if meeting.synced == about:
                return
            client.update(
                meeting.external_id,
                topic=about["title"],
                start=webinar.starts_at,
                duration=webinar.duration_minutes,
                time_zone=webinar.time_zone,
            )
            meeting.synced = about
            meeting.save(update_fields=["synced", "updated_at"])
            log_action("meetings.meeting_updated", obj=webinar, data={"platform": meeting.platform})
            return
        made = client.create(topic=about["title"], start=webinar.starts_at, duration=webinar.duration_minutes, time_zone=webinar.time_zone)
        if not made.get("id"):
            raise PlatformError(_("Zoom did not return the new meeting's ID."))
        with transaction.atomic():
            meeting.external_id, meeting.join_url = str(made["id"]), str(made.get("join_url", ""))[:1000]
            meeting.state, meeting.synced = Meeting.State.READY, about
            meeting.save(update_fields=["external_id", "join_url", "state", "synced", "updated_at"])
            log_action("meetings.meeting_created", obj=webinar, data={"platform": meeting.platform})
            # Registrations confirmed before the meeting existed are added now.
            PlatformRegistrant.objects.filter(meeting=meeting).delete()
            for registration in Registration.objects.filter(webinar=webinar, status=Registration.Status.CONFIRMED):
                queue.job_request(kind=Kind.SYNC_REGISTRANT, meeting=meeting, registration=registration)
    elif meeting.state == Meeting.State.READY and meeting.external_id:
        client.delete(meeting.external_id)
        meeting.state = Meeting.State.REMOVED
        meeting.save(update_fields=["state", "updated_at"])
        log_action("meetings.meeting_deleted", obj=webinar, data={"platform": meeting.platform, "status": webinar.status})


# -- Zoom registrants ---------------------------------------------------------------------


def sync_registrant(job: PlatformJob) -> None:
    meeting, registration = job.meeting, job.registration
    if registration is None or meeting.platform != Platform.ZOOM or meeting.connection is None:
        return
    registration = Registration.objects.get(pk=registration.pk)
    current = PlatformRegistrant.objects.filter(registration=registration).first()
    active = current is not None and current.removed_at is None and current.meeting_id == meeting.pk and bool(current.registrant_id)
    wants = (
        registration.status == Registration.Status.CONFIRMED
        and registration.erased_at is None
        and meeting.state == Meeting.State.READY
        and bool(meeting.external_id)
    )
    client = zoom_client(meeting.connection)
    if wants and not active:
        made = client.add_registrant(meeting.external_id, email=registration.email, name=registration.name)
        if not made.get("registrant_id"):
            raise PlatformError(_("Zoom did not return the registrant's ID."))
        PlatformRegistrant.objects.update_or_create(
            registration=registration,
            defaults={
                "meeting": meeting,
                "registrant_id": str(made["registrant_id"]),
                "join_url": str(made.get("join_url", ""))[:1000],
                "added_at": timezone.now(),
                "removed_at": None,
            },
        )
        log_action("meetings.registrant_added", obj=registration, data={"platform": meeting.platform})
    elif not wants and active and current is not None:
        if meeting.state == Meeting.State.READY:
            client.delete_registrant(meeting.external_id, current.registrant_id)
        current.removed_at, current.join_url = timezone.now(), ""
        current.save(update_fields=["removed_at", "join_url"])
        log_action("meetings.registrant_removed", obj=registration, data={"platform": meeting.platform})


# -- attendance -----------------------------------------------------------------------------


@dataclass
class Presence:
    """One stretch in the meeting of one person, as a platform reports it (times in UTC)."""

    name: str
    email: str
    joined: dt.datetime
    left: dt.datetime
    key: str  # registration id or platform registrant id: exact matching


MAPPING = {"name": "name", "email": "email", "join": "join", "leave": "leave", "registration_id": "registration_id"}


def presence_csv(rows: Iterable[Presence]) -> bytes:
    """The platform's data as the attendance app's generic CSV (UTC times): one import path for files and platforms."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(MAPPING))
    fmt = "%Y-%m-%d %H:%M:%S"
    for row in sorted(rows, key=lambda r: (r.joined, r.key, r.name)):
        writer.writerow(
            [row.name, row.email, row.joined.astimezone(dt.UTC).strftime(fmt), row.left.astimezone(dt.UTC).strftime(fmt), row.key]
        )
    return out.getvalue().encode()


def import_presence(
    *, meeting: Meeting, rows: list[Presence], source: str, registrants: dict[str, int] | None = None, host_emails: Iterable[str] = ()
) -> AttendanceImport:
    """Store the platform's attendance as the webinar's current import (same rules as a file)."""
    if not rows:
        raise PlatformError(_("The platform reported nobody in the meeting."), temporary=False)
    try:
        imported = import_attendance(
            webinar=meeting.webinar,
            data=presence_csv(rows),
            file_name=f"{meeting.platform}-{source}-{meeting.external_id}.csv",
            fmt=AttendanceImport.Format.GENERIC,
            column_mapping=MAPPING,
            time_zone="UTC",
            accept_other_date=True,  # the platform's own meeting of this webinar, whenever it was held
            host_emails=host_emails,
            registrants=registrants,
        )
    except ParseError as error:
        raise PlatformError(_("The platform's attendance could not be imported: %(error)s") % {"error": error}, temporary=False) from error
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(attendance_received_at=now)
    log_action(
        "meetings.attendance_received",
        obj=meeting.webinar,
        data={"platform": meeting.platform, "source": source, "people": (imported.summary or {}).get("people", 0)},
    )
    return imported


def _when(value: Any) -> dt.datetime | None:
    if not value:
        return None
    text = str(value).strip().replace(" UTC", "+00:00")
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def bbb_presence(data: dict) -> list[Presence]:
    """The learning-dashboard data (``post_events_analytics_callback.rb``): per attendee, its sessions' joins and leaves.

    ``ext_user_id`` is the ``userID`` our join call gave (the registration id); organisers and
    speakers who joined from the workspace (``staff-…``) are left out.
    """
    body = data.get("data") or {}
    finish = _when(body.get("finish"))
    rows = []
    for attendee in body.get("attendees") or []:
        key = str(attendee.get("ext_user_id") or "")
        if key.startswith(STAFF_PREFIX):
            continue
        name = str(attendee.get("name") or "")[:300]
        spans: list[tuple[dt.datetime, dt.datetime]] = []
        sessions = attendee.get("sessions") or {}
        for session in sessions.values() if isinstance(sessions, dict) else []:
            joins = [_when(j.get("timestamp")) for j in session.get("joins") or []]
            lefts = [_when(j.get("timestamp")) for j in session.get("lefts") or []]
            for i, joined in enumerate(joins):
                left = lefts[i] if i < len(lefts) else finish
                if joined and left and left > joined:
                    spans.append((joined, left))
        if not spans:
            joins = [_when(j) for j in attendee.get("joins") or []]
            leaves = [_when(j) for j in attendee.get("leaves") or []]
            for i, joined in enumerate(joins):
                left = leaves[i] if i < len(leaves) else finish
                if joined and left and left > joined:
                    spans.append((joined, left))
        rows.extend(Presence(name=name, email="", joined=a, left=b, key=key) for a, b in spans)
    return rows


def zoom_presence(participants: Iterable[dict]) -> list[Presence]:
    """Zoom's participants report: one row per join, ``registrant_id`` when the person came by their own link."""
    rows = []
    for row in participants:
        joined, left = _when(row.get("join_time")), _when(row.get("leave_time"))
        if joined is None or left is None or left <= joined:
            continue
        if str(row.get("status", "in_meeting")) == "in_waiting_room":
            continue
        rows.append(
            Presence(
                name=str(row.get("name") or "")[:300],
                email=str(row.get("user_email") or "")[:254],
                joined=joined,
                left=left,
                key=str(row.get("registrant_id") or ""),
            )
        )
    return rows


#: Seen again within this long: the same stretch (the worker polls about every 30 seconds).
POLL_GAP_SECONDS = 90


def bbb_poll(meeting: Meeting, now: dt.datetime) -> int:
    """Note who is in the running meeting now (``getMeetingInfo``); returns how many were seen."""
    assert meeting.connection is not None
    people = bbb_client(meeting.connection).meeting_info(meeting.external_id)
    if not people:
        return 0
    stamp = now.timestamp()
    polled = dict(meeting.polled or {})
    for person in people:
        key = person.get("userID", "")
        if not key or key.startswith(STAFF_PREFIX):
            continue
        entry = polled.setdefault(key, {"name": person.get("fullName", "")[:300], "spans": []})
        spans = entry["spans"]
        if spans and stamp - spans[-1][1] <= POLL_GAP_SECONDS:
            spans[-1][1] = stamp
        else:
            spans.append([stamp, stamp])
    Meeting.objects.filter(pk=meeting.pk).update(polled=polled)
    meeting.polled = polled
    return len(people)


def polled_presence(polled: dict) -> list[Presence]:
    rows = []
    for key, entry in polled.items():
        for first, last in entry.get("spans") or []:
            if last > first:
                joined, left = dt.datetime.fromtimestamp(first, dt.UTC), dt.datetime.fromtimestamp(last, dt.UTC)
                rows.append(Presence(name=entry.get("name", ""), email="", joined=joined, left=left, key=key))
    return rows


def fetch_attendance(job: PlatformJob) -> None:
    meeting = job.meeting
    if meeting.platform == Platform.BIGBLUEBUTTON and job.payload.get("polled"):
        if meeting.attendance_received_at is None:  # the callback came after all: it is the better source
            import_presence(meeting=meeting, rows=polled_presence(meeting.polled), source="getMeetingInfo-polling")
        return
    if meeting.platform == Platform.BIGBLUEBUTTON:
        import_presence(meeting=meeting, rows=bbb_presence(job.payload.get("data") or {}), source="analytics-callback")
        job.payload = {}  # the personal data of the callback is not kept once imported
        PlatformJob.objects.filter(pk=job.pk).update(payload={})
        return
    if meeting.platform == Platform.ZOOM and meeting.connection is not None:
        client = zoom_client(meeting.connection)
        try:
            participants = list(client.participants(meeting.external_id))
        except PlatformError as error:
            if error.status == 404:
                # Zoom builds the report some minutes after the meeting ends: ask again later.
                raise PlatformError(_("Zoom's participants report is not ready yet."), status=404) from error
            raise
        registrants = dict(
            PlatformRegistrant.objects.filter(meeting=meeting).exclude(registrant_id="").values_list("registrant_id", "registration_id")
        )
        host = meeting.connection.host_email
        import_presence(
            meeting=meeting,
            rows=zoom_presence(participants),
            source="participants-report",
            registrants=registrants,
            host_emails=[host] if host else [],
        )


queue.HANDLERS.update({Kind.SYNC_MEETING: sync_meeting, Kind.SYNC_REGISTRANT: sync_registrant, Kind.FETCH_ATTENDANCE: fetch_attendance})
