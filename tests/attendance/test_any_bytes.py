"""Any bytes uploaded as an attendance report end in an import or in a message, never in a crash.

Property tests (hypothesis, deterministic: ``derandomize``) over random bytes, real exports
(``fixtures/``) mutated byte by byte, the same exports saved in other encodings (Windows-1251,
Latin-1, UTF-16 with and without a BOM) and cut anywhere, and Excel workbooks cut anywhere:
the service either reads the file or refuses it with a ``ParseError`` that names the line
(and the column where one cell is at fault) or says the file is not a report. Through the
workspace's upload page the same files answer 302 (read: confirm) or 400 with the message,
never 500. A NUL character never reaches the database (PostgreSQL text cannot hold one).
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import os
import random
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tests.attendance.conftest import FIXTURES
from tests.factories import RegistrationFactory, SeriesRoleFactory, UserFactory, WebinarFactory
from webinars.attendance import services, uploads
from webinars.attendance.models import Attendee
from webinars.attendance.parsers import NotRecognised, ParseError
from webinars.attendance.planning import ReportDoesNotFit
from webinars.programme.models import SeriesRole

pytestmark = pytest.mark.django_db

EXPORTS = {path.name: path.read_bytes() for path in sorted(FIXTURES.glob("*.csv"))}


def _decoded(data: bytes) -> str | None:
    for encoding in ("utf-16", "utf-8-sig", "cp1251"):
        if encoding == "utf-16" and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            continue
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


TEXTS = [text for text in (_decoded(data) for data in EXPORTS.values()) if text]
ENCODINGS = ["cp1251", "latin-1", "utf-16", "utf-16-le", "utf-16-be", "utf-8", "utf-8-sig", "cp1252"]
SPECIAL = [b"\0", b"\0\0\0\0", b'"', b",", b";", b"\t", b"\r", b"\n", b"\r\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"\xff", b"\x81\x8d"]


def _workbook() -> bytes:
    """An attendance report saved as an Excel workbook (what people upload instead of the CSV)."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)"])
    sheet.append(["Динара Халикова", "dinara@example.org", "04/22/2021 10:00:00 AM", "04/22/2021 11:30:00 AM", 90])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


WORKBOOK = _workbook()


def _with_nul_in_line_5() -> bytes:
    lines = EXPORTS["zoom_meeting_participants.csv"].split(b"\n")
    lines[4] = lines[4].replace(b"@", b"\0@", 1)  # the e-mail cell of "Programme Office"
    return b"\n".join(lines)


@st.composite
def mutated_export(draw) -> bytes:
    """A real export with a few bytes flipped, cut, inserted (NUL, quotes, delimiters, BOMs) or repeated."""
    data = bytearray(EXPORTS[draw(st.sampled_from(sorted(EXPORTS)))])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(["flip", "delete", "insert", "cut", "special", "repeat"]))
        if how == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif how == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif how == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif how == "cut":
            del data[at:]
        elif how == "special":
            data[at:at] = draw(st.sampled_from(SPECIAL))
        elif how == "repeat":
            start = draw(st.integers(0, len(data)))
            data[at:at] = data[start : start + draw(st.integers(1, 400))]
    return bytes(data)


@st.composite
def reencoded_export(draw) -> bytes:
    """A real export saved in another encoding, with or without its BOM, perhaps cut anywhere."""
    text = draw(st.sampled_from(TEXTS))
    data = text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


@st.composite
def cut_workbook(draw) -> bytes:
    return WORKBOOK[: draw(st.integers(0, len(WORKBOOK)))]


ANY_BYTES = st.one_of(st.binary(max_size=4096), mutated_export(), reencoded_export(), cut_workbook())
PROPERTY = settings(
    derandomize=True,  # the same files on every run
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def assert_explained(refusal: ParseError) -> None:
    """A refusal names where the file is wrong (line, and column for a cell), or says it is not a report."""
    message = str(refusal)
    assert message and "Traceback" not in message
    if isinstance(refusal, NotRecognised | ReportDoesNotFit):
        return  # not a report / not of this format (with the headers found) / of another session
    assert refusal.line is not None, message
    assert message.startswith(f"line {refusal.line}"), message


@pytest.fixture
def report_webinar(db):
    """The webinar of the sample reports: 22 April 2021, 10:00 in Almaty, 90 minutes."""
    webinar = WebinarFactory(starts_at=dt.datetime(2021, 4, 22, 4, 0, tzinfo=dt.UTC), duration_minutes=90, time_zone="Asia/Almaty")
    RegistrationFactory(webinar=webinar, name="Динара Халикова", email="dinara@example.org")
    RegistrationFactory(webinar=webinar, name="Farrukh Saidov", email="farrukh@example.org")
    return webinar


@settings(PROPERTY, max_examples=200)
@given(data=ANY_BYTES)
def test_any_bytes_are_read_or_refused_with_the_line_by_the_service(report_webinar, data):
    try:
        preview = uploads.report_preview(webinar=report_webinar, data=data)
    except ParseError as refusal:
        assert_explained(refusal)
    else:
        assert preview.rows >= 1
    try:
        imported = services.import_attendance(webinar=report_webinar, data=data, file_name="report.csv", accept_other_date=True)
    except ParseError as refusal:
        assert_explained(refusal)
    else:
        assert imported.rows >= 1
        # Checked in Python: SQLite's LIKE stops at a NUL, so ``name__contains="\0"`` would match every row.
        assert not any("\0" in name + email for name, email in Attendee.objects.values_list("name", "email"))


@pytest.fixture
def editor_client(client, report_webinar, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(username="editor@example.org", email="editor@example.org", is_staff=False)
    SeriesRoleFactory(series=report_webinar.series, user=user, role=SeriesRole.Role.EDITOR)
    client.force_login(user)
    return client


@settings(PROPERTY, max_examples=40)
@given(data=ANY_BYTES)
def test_any_bytes_through_the_workspace_upload_page_never_fail(editor_client, report_webinar, data):
    page = f"/organise/webinars/{report_webinar.pk}/attendance/"
    response = editor_client.post(page, {"file": SimpleUploadedFile("report.csv", data, content_type="text/csv")})
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:  # the file field says why (an empty file, or "Nothing was imported: line …")
        assert 'id="id_file_error"' in response.content.decode()
        return
    token = editor_client.session[f"organise:attendance-upload:{report_webinar.pk}"]["token"]
    done = editor_client.post(page + "confirm/", {"token": token, "action": "import", "accept_other_date": "on"})
    assert done.status_code == 302


@pytest.mark.parametrize(
    "data, expected",
    [
        (WORKBOOK, "Excel workbook"),
        (WORKBOOK[:1000], "Excel workbook"),
        (bytes(range(256)) * 40, "not a report"),
        (b"%PDF-1.7\n" + bytes(range(256)), "PDF"),
        (_with_nul_in_line_5(), "line 5, column '2': the file contains a NUL character"),
    ],
)
def test_files_that_are_not_csv_reports_get_a_plain_answer(report_webinar, data, expected):
    with pytest.raises(ParseError) as refused:
        uploads.report_preview(webinar=report_webinar, data=data)
    assert expected in str(refused.value)


@pytest.mark.parametrize("encoding", ["cp1251", "utf-16", "utf-16-le", "utf-16-be", "utf-8"])
def test_a_zoom_report_in_another_encoding_is_read(report_webinar, encoding):
    text = EXPORTS["zoom_meeting_participants_ru.csv"].decode("utf-8-sig")
    preview = uploads.report_preview(webinar=report_webinar, data=text.encode(encoding))
    assert preview.format == "zoom_meeting" and preview.people >= 3


READ_IN_A_PROCESS = """
import resource, sys
import django
django.setup()
from webinars.attendance.parsers import ParseError, read_report
with open(sys.argv[1], "rb") as handle:
    data = handle.read()
try:
    read_report(data, "auto")
    print("read")
except ParseError as refused:
    print(f"refused: {refused}")
try:  # this process's own peak: ru_maxrss would keep the peak of the (large) test process it was forked from
    with open("/proc/self/status") as status:
        print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) // 1024)
except OSError:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def test_a_50_mb_file_of_random_bytes_is_refused_in_little_memory(tmp_path):
    """A memory bound, not a timing: the peak resident size of a fresh process reading the file.
    (50 MB reports that are text, valid or broken on their last line: ``bench/attendance.py --large``.)"""
    path = tmp_path / "random.bin"
    path.write_bytes(random.Random(3).randbytes(50 * 1024 * 1024))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run([sys.executable, "-c", READ_IN_A_PROCESS, str(path)], capture_output=True, text=True, env=env, check=True)
    answer, peak_mb = done.stdout.strip().splitlines()
    assert answer.startswith("refused: this is not a report")
    assert int(peak_mb) < 300
