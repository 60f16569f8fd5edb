"""Writes of the meeting platforms: connect a series, follow the programme, take in callbacks, build joins.

A series owner connects the series (``connection_save``): the secrets are encrypted, the
connection tested at once and the result kept ("connection works" or the platform's error).
The programme's and registrations' domain events (``receivers``) become jobs (``queue``) run
after commit by background tasks; nothing here calls a platform inside a user's transaction,
so a platform that is down never blocks publishing or registering. Callbacks and webhooks are
verified (signature, freshness, replay, known meeting) before anything is stored; a refused one
is logged.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from webinars.audit.services import log_action
from webinars.core.errors import DomainError
from webinars.programme.models import Series, Webinar
from webinars.registrations.models import Registration

from . import crypto, queue, sync
from .clients import bigbluebutton
from .clients.http import PlatformError
from .models import Connection, Meeting, Platform, PlatformJob, PlatformRegistrant, WebhookReceipt

Kind = PlatformJob.Kind
#: How old a Zoom webhook's timestamp may be (Zoom's own samples use five minutes).
WEBHOOK_WINDOW_SECONDS = 300


class PlatformConnectionError(DomainError):
    code = "platform_connection"


# -- connecting a series --------------------------------------------------------------------


@dataclass
class Check:
    ok: bool
    message: str


def connection_check(connection: Connection) -> Check:
    """Call the platform with the stored credentials; the answer in plain words (also stored)."""
    try:
        if connection.platform == Platform.BIGBLUEBUTTON:
            client = sync.bbb_client(connection)
            algorithm = client.detect_algorithm()
            connection.checksum_algorithm = algorithm
            result = Check(True, _("Connection works (BigBlueButton accepts %(algorithm)s checksums).") % {"algorithm": algorithm.upper()})
        elif connection.platform == Platform.ZOOM:
            user = sync.zoom_client(connection).check()
            connection.host_email = user if "@" in user else ""
            result = Check(True, _("Connection works (Zoom account user %(user)s).") % {"user": user or "?"})
        else:
            result = Check(True, _("Meeting addresses are pasted into each webinar."))
    except PlatformError as error:
        result = Check(False, error.message)
    connection.checked_at, connection.check_ok, connection.check_message = timezone.now(), result.ok, result.message[:500]
    return result


def connection_save(
    *,
    series: Series,
    platform: str,
    actor: Any,
    server_url: str = "",
    secret: str = "",
    account_id: str = "",
    client_id: str = "",
    webhook_secret: str = "",
    zoom_kind: str = Connection.ZoomKind.MEETING,
) -> tuple[Connection, Check]:
    """Connect ``series`` to a platform (or back to pasted addresses), test it, log it.

    A secret left empty keeps the one stored for the same platform (secrets are never shown
    again, so the form cannot fill them in); a new platform needs its secrets.
    """
    if platform not in Platform.values:
        raise PlatformConnectionError(_("Unknown platform."), field="platform")
    connection = Connection.objects.filter(series=series).first() or Connection(series=series)
    same_platform = connection.pk is not None and connection.platform == platform
    if platform == Platform.BIGBLUEBUTTON:
        if not server_url:
            raise PlatformConnectionError(_("Give the server's address."), field="server_url")
        if not secret and not (same_platform and connection.secret_encrypted):
            raise PlatformConnectionError(_("Give the server's shared secret."), field="secret")
        connection.server_url = bigbluebutton.api_base(server_url)
    elif platform == Platform.ZOOM:
        for value, field, label in ((account_id, "account_id", _("account ID")), (client_id, "client_id", _("client ID"))):
            if not value.strip():
                raise PlatformConnectionError(_("Give the app's %(what)s.") % {"what": label}, field=field)
        if not secret and not (same_platform and connection.secret_encrypted):
            raise PlatformConnectionError(_("Give the app's client secret."), field="secret")
        if not webhook_secret and not (same_platform and connection.webhook_secret_encrypted):
            raise PlatformConnectionError(_("Give the app's webhook secret token."), field="webhook_secret")
        connection.account_id, connection.client_id, connection.zoom_kind = account_id.strip(), client_id.strip(), zoom_kind
    if not same_platform:
        connection.secret_encrypted = connection.webhook_secret_encrypted = ""
        connection.checksum_algorithm = connection.host_email = ""
    if secret:
        connection.secret_encrypted = crypto.encrypt(secret.strip())
    if webhook_secret:
        connection.webhook_secret_encrypted = crypto.encrypt(webhook_secret.strip())
    connection.platform = platform
    connection.updated_by = actor if getattr(actor, "pk", None) else None
    result = connection_check(connection)  # before the transaction: a slow platform holds no lock
    with transaction.atomic():
        connection.save()
        log_action(
            "meetings.connection_saved",
            actor=actor,
            obj=series,
            data={"platform": platform, "works": result.ok, "new_secret": bool(secret or webhook_secret)},
        )
        # Webinars published before the series was connected get their meeting now.
        for webinar in Webinar.objects.filter(series=series, status=Webinar.Status.PUBLISHED, ends_at__gt=timezone.now()):
            meeting_follow(webinar=webinar)
    return connection, result


def connection_remove(*, series: Series, actor: Any) -> None:
    """Back to pasted addresses; the stored secrets are deleted. Meetings already made stay on the platform."""
    with transaction.atomic():
        deleted, _rows = Connection.objects.filter(series=series).delete()
        if deleted:
            log_action("meetings.connection_removed", actor=actor, obj=series, data={})


# -- following the programme and registrations ----------------------------------------------


def automatic_connection(series_id: int) -> Connection | None:
    return Connection.objects.filter(series_id=series_id, platform__in=(Platform.BIGBLUEBUTTON, Platform.ZOOM)).first()


def meeting_follow(*, webinar: Webinar) -> Meeting | None:
    """The webinar was published, moved, cancelled…: make its meeting follow (a job, after commit)."""
    connection = automatic_connection(webinar.series_id)
    meeting = Meeting.objects.filter(webinar=webinar).select_related("connection").first()
    if meeting is None:
        if connection is None or not sync.wanted(webinar):
            return None
        meeting = Meeting.objects.create(
            webinar=webinar,
            connection=connection,
            platform=connection.platform,
            external_id=sync.new_bbb_meeting_id(webinar) if connection.platform == Platform.BIGBLUEBUTTON else "",
            attendee_password=secrets.token_urlsafe(12),
            moderator_password=secrets.token_urlsafe(12),
        )
    elif (
        connection is not None
        and meeting.state == Meeting.State.REMOVED
        and (meeting.connection_id != connection.pk or meeting.platform != connection.platform)
    ):
        # Re-published after the series moved to another platform: a new meeting there.
        meeting.connection, meeting.platform = connection, connection.platform
        meeting.external_id = sync.new_bbb_meeting_id(webinar) if connection.platform == Platform.BIGBLUEBUTTON else ""
        meeting.synced, meeting.join_url = {}, ""
        meeting.save()
    queue.job_request(kind=Kind.SYNC_MEETING, meeting=meeting)
    return meeting


def registrant_follow(*, registration: Registration) -> None:
    """A registration was confirmed or cancelled: add or remove the Zoom registrant (a job)."""
    meeting = Meeting.objects.filter(webinar_id=registration.webinar_id, platform=Platform.ZOOM).first()
    if meeting is None:
        return
    known = PlatformRegistrant.objects.filter(registration=registration, removed_at__isnull=True).exists()
    if registration.status == Registration.Status.CONFIRMED or known:
        queue.job_request(kind=Kind.SYNC_REGISTRANT, meeting=meeting, registration=registration)


def retry(*, job: PlatformJob, actor: Any) -> PlatformJob:
    return queue.job_retry(job=job, actor=actor)


# -- joining ----------------------------------------------------------------------------------


def registrant_join_url(registration: Registration) -> str | None:
    """The registrant's own address at click time (see ``registrations.joining``); None: not now."""
    meeting = Meeting.objects.select_related("connection", "webinar").filter(webinar_id=registration.webinar_id).first()
    if meeting is None or meeting.connection is None:
        return None
    if meeting.platform == Platform.BIGBLUEBUTTON and meeting.state == Meeting.State.READY:
        try:
            sync.bbb_ensure_running(meeting)
        except PlatformError:
            return None
        return sync.bbb_client(meeting.connection).join_url(
            {
                "fullName": registration.name[:200] or _("Participant"),
                "meetingID": meeting.external_id,
                "role": "VIEWER",
                "password": meeting.attendee_password,  # servers before 2.7 read the role from the password
                "userID": str(registration.pk),
                "redirect": "true",
            }
        )
    if meeting.platform == Platform.ZOOM:
        own = PlatformRegistrant.objects.filter(registration=registration, removed_at__isnull=True).exclude(join_url="").first()
        if own is not None:
            return own.join_url
        if meeting.state == Meeting.State.READY and registration.status == Registration.Status.CONFIRMED:
            registrant_follow(registration=registration)  # not added yet (a failed call): try again now
    return None


def moderator_join_url(*, webinar: Webinar, user: Any) -> str | None:
    """An organiser's or speaker's way in, as moderator (BigBlueButton) or by the meeting's address (Zoom)."""
    meeting = Meeting.objects.select_related("connection", "webinar").filter(webinar=webinar).first()
    if meeting is None or meeting.connection is None or meeting.state != Meeting.State.READY:
        return None
    if meeting.platform == Platform.BIGBLUEBUTTON:
        try:
            sync.bbb_ensure_running(meeting)
        except PlatformError as error:
            raise PlatformConnectionError(error.message) from error
        name = (user.get_full_name() or user.email or user.get_username())[:200]
        log_action("meetings.moderator_joined", actor=user, obj=webinar, data={"platform": meeting.platform})
        return sync.bbb_client(meeting.connection).join_url(
            {
                "fullName": name,
                "meetingID": meeting.external_id,
                "role": "MODERATOR",
                "password": meeting.moderator_password,
                "userID": f"{sync.STAFF_PREFIX}{user.pk}",
                "redirect": "true",
            }
        )
    return meeting.join_url or None


# -- callbacks and webhooks ---------------------------------------------------------------------


class Refused(Exception):
    """A callback or webhook that is not accepted; ``status`` is the HTTP answer, ``reason`` a code."""

    def __init__(self, status: int, reason: str, connection: Connection | None = None) -> None:
        super().__init__(reason)
        self.status, self.reason, self.connection = status, reason, connection


def refusal_log(*, refused: Refused, platform: str) -> None:
    connection = refused.connection
    log_action(
        "meetings.callback_refused",
        obj=connection.series if connection is not None else None,
        data={"platform": platform, "reason": refused.reason, "status": refused.status},
    )


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_bbb_jwt(token: str, secret: str, *, now: dt.datetime | None = None) -> dict:
    """BigBlueButton's callback token: a JWT signed HS512 with the shared secret, carrying ``exp``."""
    now = now or timezone.now()
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = json.loads(_b64url(header_b64))
        payload = json.loads(_b64url(payload_b64))
        signature = _b64url(signature_b64)
    except (ValueError, TypeError):
        raise Refused(401, "malformed_token") from None
    if not isinstance(header, dict) or header.get("alg") != "HS512" or not isinstance(payload, dict):
        raise Refused(401, "bad_algorithm")
    expected = hmac.new(secret.encode(), f"{header_b64}.{payload_b64}".encode(), hashlib.sha512).digest()
    if not secret or not hmac.compare_digest(expected, signature):
        raise Refused(401, "bad_signature")
    exp = payload.get("exp")
    if not isinstance(exp, int | float) or exp < now.timestamp():
        raise Refused(401, "expired")
    return payload


def _receipt(connection: Connection, digest: str, now: dt.datetime) -> None:
    try:
        with transaction.atomic():
            WebhookReceipt.objects.create(connection=connection, digest=digest, received_at=now)
    except IntegrityError:
        raise Refused(400, "replayed", connection) from None


def bbb_callback_accept(*, hook_key: str, authorization: str, body: bytes, now: dt.datetime | None = None) -> PlatformJob:
    """Verify BigBlueButton's analytics callback and queue its import; raises ``Refused``."""
    now = now or timezone.now()
    connection = Connection.objects.filter(hook_key=hook_key, platform=Platform.BIGBLUEBUTTON).select_related("series").first()
    if connection is None:
        raise Refused(404, "unknown_connection")
    scheme, _sep, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Refused(401, "no_token", connection)
    try:
        verify_bbb_jwt(token.strip(), crypto.decrypt(connection.secret_encrypted), now=now)
    except Refused as refused:
        refused.connection = connection
        raise
    try:
        data = json.loads(body)
    except ValueError:
        raise Refused(400, "not_json", connection) from None
    if not isinstance(data, dict) or not isinstance(data.get("data"), dict):
        raise Refused(400, "not_analytics_data", connection)
    meeting = Meeting.objects.filter(connection=connection, external_id=str(data.get("meeting_id") or "")).select_related("webinar").first()
    if meeting is None or not meeting.external_id:
        raise Refused(404, "unknown_meeting", connection)
    with transaction.atomic():
        _receipt(connection, hashlib.sha256(token.encode() + b"." + hashlib.sha256(body).digest()).hexdigest(), now)
        return queue.job_request(kind=Kind.FETCH_ATTENDANCE, meeting=meeting, payload={"data": data})


def zoom_signature(secret: str, timestamp: str, body: bytes) -> str:
    message = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def zoom_webhook_accept(*, hook_key: str, signature: str, timestamp: str, body: bytes, now: dt.datetime | None = None) -> dict:
    """Verify a Zoom webhook; answer the URL validation, or queue the report of an ended meeting.

    Returns the JSON to answer with; raises ``Refused``. Verification: ``x-zm-signature`` is
    ``v0=HMAC-SHA256(secret token, "v0:{x-zm-request-timestamp}:{raw body}")``; timestamps older or
    newer than five minutes and signatures already seen are refused.
    """
    now = now or timezone.now()
    connection = Connection.objects.filter(hook_key=hook_key, platform=Platform.ZOOM).select_related("series").first()
    if connection is None:
        raise Refused(404, "unknown_connection")
    secret = crypto.decrypt(connection.webhook_secret_encrypted)
    if not secret or not signature or not timestamp:
        raise Refused(401, "no_signature", connection)
    if not hmac.compare_digest(zoom_signature(secret, timestamp, body), signature):
        raise Refused(401, "bad_signature", connection)
    try:
        sent = int(timestamp)
    except ValueError:
        raise Refused(401, "bad_timestamp", connection) from None
    if sent > 10**11:  # milliseconds
        sent //= 1000
    if abs(now.timestamp() - sent) > WEBHOOK_WINDOW_SECONDS:
        raise Refused(401, "stale", connection)
    try:
        event = json.loads(body)
    except ValueError:
        raise Refused(400, "not_json", connection) from None
    if not isinstance(event, dict):
        raise Refused(400, "not_json", connection)
    name = event.get("event")
    payload: dict = event["payload"] if isinstance(event.get("payload"), dict) else {}
    if name == "endpoint.url_validation":
        plain = str(payload.get("plainToken", ""))
        if not plain:
            raise Refused(400, "no_plain_token", connection)
        return {"plainToken": plain, "encryptedToken": hmac.new(secret.encode(), plain.encode(), hashlib.sha256).hexdigest()}
    if name not in ("meeting.ended", "webinar.ended"):
        return {"status": "ignored"}
    thing: dict = payload["object"] if isinstance(payload.get("object"), dict) else {}
    meeting = Meeting.objects.filter(connection=connection, platform=Platform.ZOOM, external_id=str(thing.get("id", ""))).first()
    if meeting is None or not meeting.external_id:
        raise Refused(404, "unknown_meeting", connection)
    with transaction.atomic():
        _receipt(connection, signature, now)
        queue.job_request(kind=Kind.FETCH_ATTENDANCE, meeting=meeting)
    return {"status": "accepted"}


def receipts_forget(*, now: dt.datetime | None = None) -> int:
    """Receipts older than any token still valid (BigBlueButton's last 24 hours) are not needed to refuse a replay."""
    now = now or timezone.now()
    deleted, _rows = WebhookReceipt.objects.filter(received_at__lt=now - dt.timedelta(days=2)).delete()
    return deleted


def secrets_rotate() -> int:
    """Re-encrypt every stored secret with the newest key (``manage.py rotate_platform_secrets``)."""
    count = 0
    with transaction.atomic():
        for connection in Connection.objects.select_for_update():
            connection.secret_encrypted = crypto.rotate(connection.secret_encrypted)
            connection.webhook_secret_encrypted = crypto.rotate(connection.webhook_secret_encrypted)
            connection.save(update_fields=["secret_encrypted", "webhook_secret_encrypted", "updated_at"])
            count += 1
    return count


#: Polling runs from a little before the start to this long after the planned end.
POLL_BEFORE = dt.timedelta(minutes=15)
POLL_AFTER = dt.timedelta(hours=1)
#: The analytics callback comes minutes after the end; without it by then, the polled presence is imported.
CALLBACK_WAIT = dt.timedelta(hours=2)


def meetings_poll(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The worker's periodic job for BigBlueButton meetings: ``getMeetingInfo`` while they run,
    and, when no analytics callback arrived (a server without the post_events script), the
    attendance from what polling saw."""
    now = now or timezone.now()
    bbb = Meeting.objects.filter(
        platform=Platform.BIGBLUEBUTTON, state=Meeting.State.READY, attendance_received_at__isnull=True, connection__isnull=False
    ).select_related("connection", "webinar")
    polled = 0
    for meeting in bbb.filter(webinar__starts_at__lte=now + POLL_BEFORE, webinar__ends_at__gte=now - POLL_AFTER):
        try:
            polled += sync.bbb_poll(meeting, now)
        except PlatformError:
            continue  # a missed round costs a minute of precision, nothing more
    imports = 0
    for meeting in bbb.filter(webinar__ends_at__lt=now - CALLBACK_WAIT).exclude(polled={}):
        if not PlatformJob.objects.filter(meeting=meeting, kind=Kind.FETCH_ATTENDANCE).exists():
            queue.job_request(kind=Kind.FETCH_ATTENDANCE, meeting=meeting, payload={"polled": True})
            imports += 1
    return {"bbb_polled": polled, "bbb_polled_imports": imports}
