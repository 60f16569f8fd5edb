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

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from webinars.core.errors import NotAllowed
from webinars.core.timezones import get_zone
from webinars.programme.models import Webinar

from .models import AttendanceImport
from .parsers import AUTO, read_report
from .parsers.base import DAY, NotAReport, NotRecognised
from .parsers.detect import detect_format
from .services import import_attendance

logger = logging.getLogger(__name__)

STASH_DIR = "private/attendance-uploads"
MAX_AGE = dt.timedelta(days=1)
UNKNOWN_FORMAT = "unknown_report_format"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

__all__ = [
    "ReportPreview",
    "UploadGone",
    "detect_format",
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
    )
    upload_discard(token)
    return imported
