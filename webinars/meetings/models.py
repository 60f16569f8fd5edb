"""A series' meeting platform, the meeting made for each webinar, Zoom registrants, and the work queue.

``Connection``: one per series (manual address, BigBlueButton or Zoom), its secrets encrypted
(``crypto``). ``Meeting``: the platform's meeting of one webinar. ``PlatformRegistrant``: a
registration added to a Zoom meeting, with its personal join address. ``PlatformJob``: every
call to a platform is a job row written in the transaction of the change that needs it and
run by a background task after commit; a failure keeps the row with its error and the time
of the next try (exponential back-off, or the platform's ``Retry-After``), so a platform that
is down delays work without losing it. ``WebhookReceipt``: signatures already seen (replays).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from webinars.programme.models import Series, Webinar
from webinars.registrations.models import Registration


def new_hook_key() -> str:
    return secrets.token_urlsafe(18)


class Platform(models.TextChoices):
    MANUAL = "manual", _("a meeting address pasted into each webinar")
    BIGBLUEBUTTON = "bigbluebutton", "BigBlueButton"
    ZOOM = "zoom", "Zoom"


class Connection(models.Model):
    class ZoomKind(models.TextChoices):
        MEETING = "meeting", _("Zoom meetings")
        WEBINAR = "webinar", _("Zoom webinars")

    series = models.OneToOneField(Series, on_delete=models.CASCADE, related_name="platform_connection")
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices, default=Platform.MANUAL)
    # BigBlueButton: the API's address (…/bigbluebutton/api) and the checksum algorithm the server accepts.
    server_url = models.URLField(_("server address"), max_length=300, blank=True)
    checksum_algorithm = models.CharField(max_length=10, blank=True)
    # Zoom Server-to-Server OAuth app.
    account_id = models.CharField(_("account ID"), max_length=100, blank=True)
    client_id = models.CharField(_("client ID"), max_length=100, blank=True)
    # The Zoom account's user (its host in reports), read when the connection is tested.
    host_email = models.EmailField(blank=True)
    zoom_kind = models.CharField(_("Zoom meeting kind"), max_length=10, choices=ZoomKind.choices, default=ZoomKind.MEETING)
    # Encrypted (Fernet, PLATFORM_SECRETS_KEY); never shown again once saved.
    secret_encrypted = models.TextField(blank=True, default="")
    webhook_secret_encrypted = models.TextField(blank=True, default="")
    # Names the connection in callback and webhook addresses (the series id would be guessable).
    hook_key = models.CharField(max_length=40, unique=True, default=new_hook_key, editable=False)
    checked_at = models.DateTimeField(null=True, blank=True)
    check_ok = models.BooleanField(default=False)
    check_message = models.CharField(max_length=500, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting platform connection")

    def __str__(self) -> str:
        return f"{self.series_id}: {self.platform}"

    @property
    def is_automatic(self) -> bool:
        return self.platform in (Platform.BIGBLUEBUTTON, Platform.ZOOM)


class Meeting(models.Model):
    """The platform's meeting of one webinar. ``external_id`` is empty until the platform made it."""

    class State(models.TextChoices):
        PENDING = "pending", _("being created")
        READY = "ready", _("created")
        REMOVED = "removed", _("deleted on the platform")

    webinar = models.OneToOneField(Webinar, on_delete=models.CASCADE, related_name="platform_meeting")
    connection = models.ForeignKey(Connection, null=True, on_delete=models.SET_NULL, related_name="meetings")
    platform = models.CharField(max_length=20, choices=Platform.choices)
    external_id = models.CharField(max_length=100, blank=True, db_index=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    # What the platform was last told (title, start, duration, zone): a change means an update.
    synced = models.JSONField(default=dict, blank=True)
    join_url = models.URLField(max_length=1000, blank=True)
    # BigBlueButton's passwords of the meeting (servers before 2.7 still need them to join).
    attendee_password = models.CharField(max_length=64, blank=True)
    moderator_password = models.CharField(max_length=64, blank=True)
    attendance_received_at = models.DateTimeField(null=True, blank=True)
    # BigBlueButton without its analytics callback: who getMeetingInfo showed, and when
    # ({userID: {"name", "spans": [[first seen, last seen] epoch seconds]}}).
    polled = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("platform meeting")

    def __str__(self) -> str:
        return f"{self.platform} {self.external_id or '(not created)'}"


class PlatformRegistrant(models.Model):
    """A registration known to the platform (Zoom registrants): its id there and personal join address."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="platform_registrant")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrants")
    registrant_id = models.CharField(max_length=100, blank=True, db_index=True)
    join_url = models.URLField(max_length=1000, blank=True)
    added_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("platform registrant")

    def __str__(self) -> str:
        return f"{self.registration_id}: {self.registrant_id or '(not added)'}"


class PlatformJob(models.Model):
    """One piece of work for a platform, retried until it succeeds (see the module docstring)."""

    class Kind(models.TextChoices):
        SYNC_MEETING = "sync_meeting", _("create, update or delete the meeting")
        SYNC_REGISTRANT = "sync_registrant", _("add or remove a registrant")
        FETCH_ATTENDANCE = "fetch_attendance", _("import the attendance")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        FAILED = "failed", _("failed: retried later")
        GAVE_UP = "gave_up", _("failed: waits for a retry")
        DONE = "done", _("done")

    OPEN = (State.QUEUED, State.RUNNING, State.FAILED, State.GAVE_UP)

    kind = models.CharField(max_length=20, choices=Kind.choices)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="jobs")
    registration = models.ForeignKey(Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # kind:meeting:registration — one open job per piece of work (NULLs would not collide in a unique index).
    key = models.CharField(max_length=80)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    run_after = models.DateTimeField(db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # The desired state changed while the job ran: run it once more when it finishes.
    rerun = models.BooleanField(default=False)
    last_error = models.CharField(max_length=500, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("platform job")
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=Q(state__in=["queued", "running", "failed", "gave_up"]), name="one_open_platform_job_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"


class WebhookReceipt(models.Model):
    """A callback or webhook already accepted, by its signature: the same one again is a replay."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=128)
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "digest"], name="webhook_receipt_once")]

    def __str__(self) -> str:
        return f"{self.connection_id}: {self.received_at:%Y-%m-%d %H:%M}"
