"""The two-step upload of a meeting report: keep the file, show what it is, import on confirmation.

An organiser uploads a report and is told what it was read as ("a Zoom webinar attendee
report: 312 rows, 250 people, 22 April 2021") before anything is stored in the database.
Between the two requests the bytes are kept as a file in the default storage's private
area (``private/attendance-uploads/``, never served; certificates' PDFs live in the same
storage), named by a random token that the interface keeps in the signed-in user's
session. The file is deleted as soon as it is imported or discarded, and the periodic job
deletes any left behind after a day (the organiser closed the tab).

Why not ask for the file again on the confirmation page: a browser cannot pre-fill a file
input, so the organiser would pick the same file twice; and why not keep it in the
session: reports reach tens of megabytes, sessions live in the database or a cache.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from webinars.core.errors import DomainError, NotAllowed
from webinars.core.timezones import get_zone
from webinars.programme.models import Webinar

from .models import AttendanceImport
from .parsers import AUTO, check_mapping, read_report
from .parsers.base import DAY, NotAReport, NotRecognised
from .parsers.detect import SNIFF_BYTES, detect_format
from .services import Progress, import_attendance

logger = logging.getLogger(__name__)

STASH_DIR = "private/attendance-uploads"
MAX_AGE = dt.timedelta(days=1)
UNKNOWN_FORMAT = "unknown_report_format"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

__all__ = [
    "ReportPreview",
    "UploadGone",
    "detect_format",
    "import_job",
    "import_job_clear",
    "import_job_queued",
    "is_large",
    "upload_import_job",
    "upload_receive_large",
    "report_preview",
    "upload_discard",
    "upload_import",
    "upload_read",
    "upload_receive",
    "upload_stash",
    "uploads_expire",
]


def _path(token: str) -> str:
    if not _TOKEN.match(token or ""):
        raise ValueError("not an upload token")
    return f"{STASH_DIR}/{token}.upload"


def upload_stash(data: bytes) -> str:
    """Keep ``data`` until it is imported; returns the random token that names it."""
    token = secrets.token_urlsafe(24)
    default_storage.save(_path(token), ContentFile(data))
    return token


def upload_read(token: str) -> bytes | None:
    """The bytes kept under ``token``; None when they are gone (imported, expired or never there)."""
    try:
        path = _path(token)
    except ValueError:
        return None
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as handle:
        return handle.read()


def upload_discard(token: str) -> None:
    try:
        default_storage.delete(_path(token))
    except (ValueError, OSError):
        logger.warning("Could not delete the kept upload %s", token, exc_info=True)


def uploads_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the kept uploads older than a day; how many were deleted."""
    now = now or timezone.now()
    try:
        _dirs, files = default_storage.listdir(STASH_DIR)
    except (FileNotFoundError, NotImplementedError):
        return 0
    deleted = 0
    for name in files:
        path = f"{STASH_DIR}/{name}"
        try:
            if now - default_storage.get_modified_time(path) > MAX_AGE:
                default_storage.delete(path)
                deleted += 1
        except (OSError, NotImplementedError):
            logger.warning("Could not expire the kept upload %s", path, exc_info=True)
    return deleted


@dataclass
class ReportPreview:
    """What a report was read as, for the organiser to confirm."""

    format: str
    rows: int
    people: int
    participants: int
    staff: int
    date: dt.date | None
    expected_date: dt.date

    @property
    def date_differs(self) -> bool:
        return self.date is not None and self.date != self.expected_date


def _expected_date(webinar: Webinar, zone) -> dt.date:
    return webinar.starts_at.astimezone(zone).date() if webinar.starts_at else webinar.start_date


def report_preview(
    *, webinar: Webinar, data: bytes, fmt: str | None = None, column_mapping: dict | None = None, time_zone: str | None = None
) -> ReportPreview:
    """Read the whole report once, as the import will (nothing is stored): its rows, people and date.

    ``fmt`` None: detected from the file. Raises ParseError (naming the line and column) for
    a file that cannot be read, or one whose format is not recognised.
    """
    if not fmt or fmt == AUTO:
        try:
            fmt = detect_format(data)
        except NotAReport:
            raise  # not text at all: no column mapping would help
        except NotRecognised as unknown:
            # Its message names the headers found and suggests the generic mapping.
            unknown.code = UNKNOWN_FORMAT
            raise
    zone = get_zone(time_zone or webinar.time_zone)
    expected = _expected_date(webinar, zone)
    report = read_report(data, fmt, column_mapping=column_mapping, expected_date=expected, zone=zone)
    firsts = [p.first for p in report.people if p.first is not None and not p.is_staff] or [
        p.first for p in report.people if p.first is not None
    ]
    date = dt.date.fromordinal(min(firsts) // DAY) if firsts else None
    staff = sum(1 for p in report.people if p.is_staff)
    return ReportPreview(
        format=fmt,
        rows=report.rows,
        people=len(report.people),
        participants=len(report.people) - staff,
        staff=staff,
        date=date,
        expected_date=expected,
    )


def upload_receive(
    *, webinar: Webinar, data: bytes, fmt: str | None = None, column_mapping: dict | None = None, time_zone: str | None = None
) -> tuple[str, ReportPreview]:
    """Step one: read the report (ParseError when it cannot be read: nothing is kept), then keep it for step two."""
    preview = report_preview(webinar=webinar, data=data, fmt=fmt, column_mapping=column_mapping, time_zone=time_zone)
    return upload_stash(data), preview


class UploadGone(NotAllowed):
    code = "upload_gone"


def upload_import(
    *,
    webinar: Webinar,
    token: str,
    file_name: str,
    fmt: str,
    column_mapping: dict | None = None,
    time_zone: str | None = None,
    actor=None,
    accept_other_date: bool = False,
    progress: Progress | None = None,
) -> AttendanceImport:
    """Step two, on the organiser's confirmation: import the kept file, then delete it.

    ``accept_other_date``: the organiser confirmed that a report dated outside the webinar is its
    report (``import_attendance`` refuses such a file otherwise)."""
    data = upload_read(token)
    if data is None:
        raise UploadGone(_("The uploaded file is no longer here (it is kept for a day): upload it again."))
    imported = import_attendance(
        webinar=webinar,
        data=data,
        file_name=file_name,
        fmt=fmt,
        column_mapping=column_mapping,
        time_zone=time_zone,
        actor=actor,
        accept_other_date=accept_other_date,
        progress=progress,
    )
    upload_discard(token)
    return imported


# --- large files: kept as they stream in, read and imported by the background worker ---------------------


def is_large(size: int) -> bool:
    """Whether a report of ``size`` bytes is imported in the background (``ATTENDANCE_BACKGROUND_BYTES``)."""
    return size > settings.ATTENDANCE_BACKGROUND_BYTES


def upload_receive_large(*, upload: File, fmt: str | None = None, column_mapping: dict | None = None) -> tuple[str, str]:
    """Step one for a large file: keep it (copied to storage in chunks, never whole in memory) and
    recognise its format from its first lines; the rows are read by the import, in the background.

    Returns (token, format). Raises ParseError (nothing kept) for a file that is not a report or
    whose format is not recognised."""
    token = secrets.token_urlsafe(24)
    upload.seek(0)
    default_storage.save(_path(token), upload)
    try:
        with default_storage.open(_path(token), "rb") as handle:
            head = handle.read(SNIFF_BYTES)
        if not fmt or fmt == AUTO:
            try:
                fmt = detect_format(head)
            except NotAReport:
                raise
            except NotRecognised as unknown:
                unknown.code = UNKNOWN_FORMAT
                raise
        elif fmt == AttendanceImport.Format.GENERIC:
            check_mapping(column_mapping or {})
    except DomainError:
        upload_discard(token)
        raise
    return token, fmt


JOB_TTL_SECONDS = 2 * 24 * 3600
#: The state of a webinar's background import, for its attendance page: queued → running → done | failed.
_JOB = "attendance:import-job:{webinar_id}"


#: A job whose progress has not moved for this long lost its worker (killed, restarted): it is reported as stopped.
JOB_STALE = dt.timedelta(hours=1)


def import_job(webinar_id: int, *, now: dt.datetime | None = None) -> dict[str, Any] | None:
    """The webinar's background import (``state``, ``step``, ``percent``, ``file_name``, ``message``), if any."""
    job = caches["shared"].get(_JOB.format(webinar_id=webinar_id))
    if job and job.get("state") in ("queued", "running") and (now or timezone.now()) - job["updated_at"] > JOB_STALE:
        job = {**job, "state": "failed", "message": _("the background import stopped without finishing: upload the file again.")}
    return job


def _job_set(webinar_id: int, **values: Any) -> dict[str, Any]:
    job = {**(caches["shared"].get(_JOB.format(webinar_id=webinar_id)) or {}), **values, "updated_at": timezone.now()}
    caches["shared"].set(_JOB.format(webinar_id=webinar_id), job, JOB_TTL_SECONDS)
    return job


def import_job_clear(webinar_id: int) -> None:
    caches["shared"].delete(_JOB.format(webinar_id=webinar_id))


def import_job_queued(*, webinar: Webinar, file_name: str) -> dict[str, Any]:
    """Record that the webinar's kept upload was handed to the worker (before the task is enqueued)."""
    import_job_clear(webinar.pk)
    return _job_set(webinar.pk, state="queued", step="", percent=0, file_name=file_name[:255], message="")


# The steps of an import and their share of the bar: reading the file is most of the time.
_STEPS = {"read": (0, 70), "match": (70, 80), "save": (80, 100)}


def upload_import_job(
    *,
    webinar_id: int,
    token: str,
    file_name: str,
    fmt: str,
    column_mapping: dict | None = None,
    time_zone: str | None = None,
    actor_id: int | None = None,
    accept_other_date: bool = False,
) -> dict[str, Any]:
    """The background import of a kept upload (the worker's task), with its progress and outcome in
    ``import_job``. A refusal of the file (``DomainError``: a line that cannot be read, a report of
    another session...) ends the job as "failed" with the message; the kept file is deleted then."""
    webinar = Webinar.objects.select_related("series").filter(pk=webinar_id).first()
    if webinar is None:
        upload_discard(token)
        return {"state": "failed", "message": "the webinar was deleted"}
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    shown = {"percent": -1}

    def progress(step: str, done: int, total: int) -> None:
        low, high = _STEPS.get(step, (0, 100))
        percent = low + (high - low) * done // max(total, 1)
        if percent != shown["percent"]:  # one write per percent, not per row
            shown["percent"] = percent
            _job_set(webinar_id, state="running", step=step, percent=percent)

    _job_set(webinar_id, state="running", step="read", percent=0)
    try:
        imported = upload_import(
            webinar=webinar,
            token=token,
            file_name=file_name,
            fmt=fmt,
            column_mapping=column_mapping,
            time_zone=time_zone,
            actor=actor,
            accept_other_date=accept_other_date,
            progress=progress,
        )
    except DomainError as refused:
        upload_discard(token)
        return _job_set(webinar_id, state="failed", message=str(refused), code=refused.code)
    except Exception:
        _job_set(webinar_id, state="failed", message=_("The import stopped on an unexpected error; the file was kept: try again."))
        raise
    summary = imported.summary or {}
    return _job_set(
        webinar_id,
        state="done",
        percent=100,
        import_id=imported.pk,
        attended=summary.get("attended", 0),
        to_review=summary.get("to_review", 0),
    )
