"""The attendance section: upload (format detected) → confirm → import, the review queue, the summary."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.attendance.conftest import fixture_bytes
from tests.factories import AttendanceImportFactory, AttendeeFactory, RegistrationFactory, WebinarFactory
from webinars.attendance import uploads
from webinars.attendance.models import AttendanceImport, Attendee
from webinars.audit.models import LogEntry

pytestmark = pytest.mark.django_db
M = Attendee.Match


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def past(world):
    """The webinar of the sample reports in series A: 22 April 2021, 10:00 in Almaty, 90 minutes."""
    webinar = WebinarFactory(
        series=world["a"],
        slug="first-steps",
        title={"en": "First steps", "ru": "Первые шаги"},
        starts_at=dt.datetime(2021, 4, 22, 4, 0, tzinfo=dt.UTC),
        duration_minutes=90,
        time_zone="Asia/Almaty",
    )
    for name, email in [
        ("Динара Халикова", "dinara@example.org"),
        ("Անահիտ Սարգսյան", "anahit@example.org"),
        ("Әйгерім Қасымова", "aigerim@example.org"),
        ("Бакыт Ормонов", "bakyt@example.org"),
        ("Farrukh Saidov", "farrukh@example.org"),
    ]:
        RegistrationFactory(webinar=webinar, name=name, email=email)
    return webinar


def url(webinar, page: str = "") -> str:
    return f"/organise/webinars/{webinar.pk}/attendance/{page}"


def zoom_file(name: str = "zoom_webinar_attendee_report.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, fixture_bytes(name), content_type="text/csv")


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


# --- who may open what --------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["", "confirm/", "review/"])
def test_roles(client, signed_in, world, past, page):
    assert client.get(url(past, page)).status_code == 302  # anonymous: to sign-in
    assert signed_in("viewer_a").get(url(past, page)).status_code == 403  # attendees are personal data
    assert signed_in("viewer_a").post(url(past, page), {}).status_code == 403
    assert signed_in("editor_b").get(url(past, page)).status_code == 404
    assert signed_in("editor_b").post(url(past, page), {}).status_code == 404
    assert signed_in("nobody").get(url(past, page)).status_code == 403
    for role in ("editor_a", "owner_a", "superuser"):
        assert signed_in(role).get(url(past, page)).status_code in (200, 302)


def test_the_tab_is_hidden_from_viewers(signed_in, world, past):
    overview = f"/organise/webinars/{past.pk}/"
    assert url(past) in signed_in("editor_a").get(overview).content.decode()
    assert url(past) not in signed_in("viewer_a").get(overview).content.decode()


# --- upload, confirm, import -----------------------------------------------------------------------


def test_upload_detects_the_format_and_imports_only_after_confirmation(signed_in, world, past):
    client = signed_in("editor_a")
    response = client.post(url(past), {"file": zoom_file()})
    assert response.status_code == 302 and response["Location"] == url(past, "confirm/")
    assert not AttendanceImport.objects.exists()  # nothing stored before the organiser confirms
    kept = client.session[f"organise:attendance-upload:{past.pk}"]
    assert uploads.upload_read(kept["token"]) == fixture_bytes("zoom_webinar_attendee_report.csv")

    page = text(client.get(url(past, "confirm/")))
    assert "We read “Zoom webinar attendee report”: 11 rows, 7 people, date 22 April 2021." in page
    assert "Careful" not in page  # the report's date is the webinar's

    done = client.post(url(past, "confirm/"), {"token": kept["token"], "action": "import"})
    imported = AttendanceImport.objects.get()
    assert imported.format == "zoom_webinar" and imported.uploaded_by == world["users"]["editor_a"]
    assert done["Location"] == url(past, "review/" if imported.summary["to_review"] else "")
    assert uploads.upload_read(kept["token"]) is None  # the kept file is deleted once imported
    assert f"organise:attendance-upload:{past.pk}" not in client.session
    assert LogEntry.objects.filter(action="attendance.imported", actor=world["users"]["editor_a"]).count() == 1


def test_confirming_twice_or_with_a_stale_token_imports_nothing_more(signed_in, world, past):
    client = signed_in("editor_a")
    client.post(url(past), {"file": zoom_file()})
    token = client.session[f"organise:attendance-upload:{past.pk}"]["token"]
    assert client.post(url(past, "confirm/"), {"token": "x" * 32}).status_code == 302
    assert not AttendanceImport.objects.exists()
    client.post(url(past, "confirm/"), {"token": token, "action": "import"})
    again = client.post(url(past, "confirm/"), {"token": token, "action": "import"}, follow=True)
    assert AttendanceImport.objects.count() == 1
    assert "no longer waiting for confirmation" in text(again)


def test_discard_deletes_the_kept_file(signed_in, world, past):
    client = signed_in("editor_a")
    client.post(url(past), {"file": zoom_file()})
    token = client.session[f"organise:attendance-upload:{past.pk}"]["token"]
    client.post(url(past, "confirm/"), {"token": token, "action": "discard"})
    assert uploads.upload_read(token) is None and not AttendanceImport.objects.exists()


def test_a_malformed_file_is_refused_at_upload_with_the_line(signed_in, world, past):
    response = signed_in("editor_a").post(url(past), {"file": zoom_file("zoom_webinar_bad_join_time.csv")})
    assert response.status_code == 400
    assert "Nothing was imported: line" in text(response)
    assert f"organise:attendance-upload:{past.pk}" not in signed_in("editor_a").session


def test_an_unknown_csv_asks_for_the_column_mapping(signed_in, world, past):
    client = signed_in("editor_a")
    generic = {
        "file": zoom_file("generic_minutes.csv"),
        "format": "generic",
        "name_column": "participant",
        "email_column": "mail",
        "minutes_column": "minutes attended",
    }
    assert client.post(url(past), generic).status_code == 302
    assert client.session[f"organise:attendance-upload:{past.pk}"]["format"] == "generic"
    missing = client.post(url(past), {"file": zoom_file("generic_minutes.csv"), "format": "generic", "name_column": "participant"})
    assert missing.status_code == 400 and "join and leave columns, or a minutes column" in text(missing)
    response = client.post(url(past) + "?lang=ru", {"file": zoom_file("generic_minutes.csv")}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400 and "Ничего не импортировано" in text(response)
    assert "<details open>" in response.content.decode()  # the column mapping is shown at once


def test_a_report_of_another_day_is_flagged_before_import(signed_in, world):
    webinar = WebinarFactory(series=world["a"], starts_at=dt.datetime(2021, 5, 20, 4, 0, tzinfo=dt.UTC))
    client = signed_in("owner_a")
    client.post(url(webinar), {"file": zoom_file()})
    assert "Careful: the report is dated 22 April 2021, the webinar was on 20 May 2021" in text(client.get(url(webinar, "confirm/")))


def test_detect_format_of_every_sample_report():
    from tests.attendance.conftest import FIXTURES
    from webinars.attendance.parsers.base import NotRecognised

    def detected(data: bytes) -> str | None:
        try:
            return uploads.detect_format(data)
        except NotRecognised:
            return None

    found = {path.name: detected(path.read_bytes()) for path in sorted(FIXTURES.glob("*.csv"))}
    assert found["zoom_webinar_attendee_report.csv"] == "zoom_webinar"
    assert found["zoom_meeting_participants.csv"] == "zoom_meeting"
    assert found["teams_attendance_report.csv"] == "teams"  # UTF-16, tab-separated
    assert found["teams_attendance_legacy.csv"] == "teams"
    assert found["bigbluebutton_learning_dashboard.csv"] == "bigbluebutton"
    assert found["generic_minutes.csv"] is None and found["generic_cp1251_semicolon.csv"] is None


def test_detection_reads_only_the_head_of_a_big_file():
    """Past the head, even bytes no parser could read do not matter: detection never reads them."""
    head = fixture_bytes("zoom_webinar_attendee_report.csv")
    big = head + b"Yes,Someone,someone@example.org,x,y,1,No,KZ,\n" * 50_000 + b"\xff\xfe\x00 not a report \x00" * 1000
    assert uploads.detect_format(big) == "zoom_webinar"


def test_kept_uploads_expire_after_a_day(settings):
    token = uploads.upload_stash(b"data")
    assert uploads.uploads_expire() == 0 and uploads.upload_read(token) == b"data"
    from django.utils import timezone

    assert uploads.uploads_expire(now=timezone.now() + dt.timedelta(days=1, minutes=1)) == 1
    assert uploads.upload_read(token) is None
    assert uploads.upload_read("../../etc/passwd") is None  # tokens only


# --- review and summary -----------------------------------------------------------------------------


def review_world(webinar, n: int):
    imported = AttendanceImportFactory(webinar=webinar)
    registrations = [RegistrationFactory(webinar=webinar, name=f"Person {i}", email=f"p{i}@example.org") for i in range(n)]
    attendees = [
        AttendeeFactory(
            attendance_import=imported,
            name=f"Guest {i}",
            email="",
            match=M.AMBIGUOUS,
            candidates=[r.pk for r in registrations[:2]],
            minutes=60,
        )
        for i in range(n)
    ]
    return imported, registrations, attendees


def test_review_saves_the_decisions_of_a_page_together(signed_in, world, past):
    imported, registrations, attendees = review_world(past, 3)
    client = signed_in("editor_a")
    page = client.get(url(past, "review/"))
    assert page.status_code == 200 and "3 attendees wait for a decision" in text(page)
    data = {
        f"a{attendees[0].pk}-decision": f"reg:{registrations[0].pk}",
        f"a{attendees[1].pk}-decision": "walk_in",
        f"a{attendees[2].pk}-decision": "ignore",
    }
    assert client.post(url(past, "review/"), data).status_code == 302
    matches = dict(Attendee.objects.filter(pk__in=[a.pk for a in attendees]).values_list("pk", "match"))
    assert [matches[a.pk] for a in attendees] == [M.MANUAL, M.WALK_IN, M.IGNORED]
    summary = text(client.get(url(past)))
    assert "Nobody waits for review" in summary


def test_a_refused_decision_stores_none_of_the_page(signed_in, world, past):
    imported, registrations, attendees = review_world(past, 2)
    data = {
        f"a{attendees[0].pk}-decision": "walk_in",
        f"a{attendees[1].pk}-decision": "other",
        f"a{attendees[1].pk}-other": "nobody@nowhere.org",
    }
    response = signed_in("editor_a").post(url(past, "review/"), data)
    assert response.status_code == 400 and "No registration of this webinar has that e-mail address" in text(response)
    assert set(Attendee.objects.values_list("match", flat=True)) == {M.AMBIGUOUS}
    assert 'value="nobody@nowhere.org"' in response.content.decode()  # what was typed is kept


def test_summary_counts_attended_no_shows_walk_ins_and_the_threshold(signed_in, world, past):
    imported = AttendanceImportFactory(webinar=past)
    came, short, _absent = RegistrationFactory(webinar=past), RegistrationFactory(webinar=past), RegistrationFactory(webinar=past)
    AttendeeFactory(attendance_import=imported, registration=came, minutes=80, match=M.EMAIL)
    AttendeeFactory(attendance_import=imported, registration=short, minutes=10, attended=False, match=M.EMAIL)
    AttendeeFactory(attendance_import=imported, minutes=70, match=M.WALK_IN)
    page = BeautifulSoup(signed_in("editor_a").get(url(past)).content, "html.parser")
    figures = {dd["data-figure"]: dd.get_text() for dd in page.select("dd[data-figure]")}
    # 5 registrations of the fixture + these 3: 1 came; the 7 others confirmed are no-shows.
    assert figures == {"attended": "2", "no_shows": "7", "walk_ins": "1", "to_review": "0"}
    assert "at least 45 of 90 minutes (50 %)" in page.get_text()
    ru = BeautifulSoup(signed_in("editor_a").get(url(past) + "?lang=ru").content, "html.parser").get_text()
    assert "из 90 минут" in ru


@pytest.mark.parametrize("n", [1, 3])
def test_review_queries_do_not_grow_with_the_attendees(signed_in, world, past, n, django_assert_num_queries):
    review_world(past, n)
    client = signed_in("editor_a")
    client.get(url(past, "review/"))
    with django_assert_num_queries(EXPECTED_REVIEW_QUERIES - SESSION_IN_CACHE):
        assert client.get(url(past, "review/")).status_code == 200


@pytest.mark.parametrize("n", [1, 3])
def test_summary_queries_do_not_grow_with_the_imports(signed_in, world, past, n, django_assert_num_queries):
    for _ in range(n):
        AttendanceImportFactory(webinar=past, replaced_at=dt.datetime(2021, 4, 23, tzinfo=dt.UTC))
    AttendeeFactory(attendance_import=AttendanceImportFactory(webinar=past), match=M.WALK_IN)
    client = signed_in("editor_a")
    client.get(url(past))
    with django_assert_num_queries(EXPECTED_SUMMARY_QUERIES - SESSION_IN_CACHE):
        assert client.get(url(past)).status_code == 200


# Signed-in pages read the session from the database, except where it lives in Redis (REDIS_URL).
SESSION_IN_CACHE = int(settings.SESSION_ENGINE == "django.contrib.sessions.backends.cache")
EXPECTED_REVIEW_QUERIES = 9
# One more where the shared cache (the background import's state) is a database table: the embedded setup.
EXPECTED_SUMMARY_QUERIES = 7 + (settings.CACHES["shared"]["BACKEND"].endswith("DatabaseCache"))


# --- large files: imported by the background worker, progress on the page ---------------------------------


def test_a_large_report_is_imported_in_the_background_with_its_outcome_on_the_page(signed_in, world, past, settings):
    settings.ATTENDANCE_BACKGROUND_BYTES = 100  # every sample report counts as large
    client = signed_in("editor_a")
    response = client.post(url(past), {"file": zoom_file()})
    assert response.status_code == 302
    kept = client.session[f"organise:attendance-upload:{past.pk}"]
    assert kept["background"] and kept["format"] == "zoom_webinar" and "rows" not in kept  # not read yet
    page = text(client.get(url(past, "confirm/")))
    assert "We recognised “Zoom webinar attendee report”. The file is large" in page
    assert not AttendanceImport.objects.exists()

    # The test settings run tasks at once: the job is done when the confirmation returns.
    done = client.post(url(past, "confirm/"), {"token": kept["token"], "action": "import"})
    assert done["Location"] == url(past)
    imported = AttendanceImport.objects.get()
    assert imported.uploaded_by == world["users"]["editor_a"] and imported.format == "zoom_webinar"
    assert uploads.upload_read(kept["token"]) is None
    shown = client.get(url(past))
    assert "Imported “zoom_webinar_attendee_report.csv”:" in text(shown)
    assert "Refresh" not in shown  # nothing running any more
    assert uploads.import_job(past.pk) is None  # the outcome is said once


def test_a_large_report_that_cannot_be_read_fails_its_job_with_the_line(signed_in, world, past, settings):
    settings.ATTENDANCE_BACKGROUND_BYTES = 100
    client = signed_in("editor_a")
    client.post(url(past), {"file": zoom_file("zoom_webinar_bad_join_time.csv")})
    token = client.session[f"organise:attendance-upload:{past.pk}"]["token"]
    client.post(url(past, "confirm/"), {"token": token, "action": "import"})
    assert not AttendanceImport.objects.exists()
    assert "Nothing was imported: line" in text(client.get(url(past)))
    assert uploads.upload_read(token) is None


def test_a_running_import_shows_its_progress_and_the_page_refreshes(signed_in, world, past):
    uploads.import_job_queued(webinar=past, file_name="big.csv")
    uploads._job_set(past.pk, state="running", step="match", percent=74)
    response = signed_in("editor_a").get(url(past))
    assert response["Refresh"] == "3"
    page = text(response)
    assert "Importing “big.csv”" in page and "74 %" in page and "matching attendees with registrations" in page
    # A second large file waits for the first.
    assert uploads.import_job(past.pk)["state"] == "running"
    # A job whose worker died is reported as stopped an hour later, not shown as running for ever.
    later = timezone.now() + dt.timedelta(hours=2)
    assert uploads.import_job(past.pk, now=later)["state"] == "failed"


def test_a_large_file_that_is_not_a_report_is_refused_at_upload(signed_in, world, past, settings):
    settings.ATTENDANCE_BACKGROUND_BYTES = 100
    response = signed_in("editor_a").post(url(past), {"file": SimpleUploadedFile("report.xlsx", b"PK\x03\x04" + bytes(range(256)) * 4)})
    assert response.status_code == 400
    assert "Excel workbook" in text(response)
    assert f"organise:attendance-upload:{past.pk}" not in signed_in("editor_a").session
