"""Upload and review pages in the back office, scoped to the series the organiser may edit."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import RegistrationFactory, SeriesFactory, SeriesRoleFactory, UserFactory, WebinarFactory
from webinars.attendance.models import AttendanceImport, Attendee
from webinars.attendance.services import import_attendance
from webinars.programme.models import SeriesRole

from .conftest import fixture_bytes

pytestmark = pytest.mark.django_db
M = Attendee.Match
IMPORTS = "/admin/attendance/attendanceimport/"
UPLOAD = IMPORTS + "upload/"


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, fixture_bytes(name), content_type="text/csv")


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(UserFactory(superuser=True, username="root", email="root@example.org"))
    return client


def staff(django_user_model, username: str, series, role: str = SeriesRole.Role.OWNER):
    """A user with ``role`` on ``series`` and no Django model permission (the rules suffice)."""
    user = UserFactory(username=username, email=f"{username}@example.org", is_staff=True)
    SeriesRoleFactory(series=series, user=user, role=role)
    return user


@pytest.fixture
def other_webinar(db):
    webinar = WebinarFactory(series=SeriesFactory(slug="other-series"), slug="other", title={"en": "Other webinar"})
    RegistrationFactory(webinar=webinar, name="Bob Other", email="bob@example.org")
    return webinar


@pytest.fixture
def organiser_client(client, django_user_model, webinar):
    client.force_login(staff(django_user_model, "organiser", webinar.series))
    return client


def test_upload_form_imports_and_shows_the_summary(organiser_client, webinar, people, other_webinar):
    page = organiser_client.get(UPLOAD)
    assert page.status_code == 200
    options = [o.get("value") for o in BeautifulSoup(page.content, "html.parser").select("select[name=webinar] option")]
    assert str(webinar.pk) in options and str(other_webinar.pk) not in options  # only the organiser's series

    response = organiser_client.post(
        UPLOAD, {"webinar": webinar.pk, "format": "zoom_webinar", "file": upload("zoom_webinar_attendee_report.csv")}
    )
    imported = AttendanceImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"{IMPORTS}{imported.pk}/change/")
    page = organiser_client.get(response["Location"])
    html = page.content.decode()
    assert "Imported 11 rows: 7 people, 3 matched by e-mail, 2 by name, 2 to review, 5 attended." in html
    assert "matched by name" in html and "to review" in html and "Review 2 attendees" in html
    assert imported.uploaded_by.username == "organiser"

    again = organiser_client.post(
        UPLOAD, {"webinar": webinar.pk, "format": "zoom_webinar", "file": upload("zoom_webinar_attendee_report.csv")}
    )
    assert "imported already" in organiser_client.get(again["Location"]).content.decode()
    assert AttendanceImport.objects.count() == 1


def test_upload_of_a_malformed_file_names_line_and_column_and_stores_nothing(organiser_client, webinar, people):
    response = organiser_client.post(
        UPLOAD, {"webinar": webinar.pk, "format": "zoom_webinar", "file": upload("zoom_webinar_bad_join_time.csv")}
    )
    assert response.status_code == 200
    assert "line 14, column &#x27;Join Time&#x27;: &#x27;yesterday&#x27; is not a date" in response.content.decode()
    assert not AttendanceImport.objects.exists() and not Attendee.objects.exists()


def test_generic_upload_needs_a_mapping(organiser_client, webinar, people):
    data = {"webinar": webinar.pk, "format": "generic", "file": upload("generic_minutes.csv")}
    response = organiser_client.post(UPLOAD, data)
    assert response.status_code == 200 and "needs a name or an e-mail column" in response.content.decode()
    data = {**data, "file": upload("generic_minutes.csv"), "name_column": "participant", "email_column": "mail", "minutes_column": "3"}
    response = organiser_client.post(UPLOAD, data)
    assert response.status_code == 302
    assert AttendanceImport.objects.get().column_mapping == {"name": "participant", "email": "mail", "minutes": "3"}


def test_upload_for_another_series_webinar_is_refused(organiser_client, other_webinar):
    response = organiser_client.post(
        UPLOAD, {"webinar": other_webinar.pk, "format": "zoom_webinar", "file": upload("zoom_webinar_attendee_report.csv")}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not AttendanceImport.objects.exists()


def test_review_screen_resolves_attendees(organiser_client, webinar, people):
    imported = import_attendance(
        webinar=webinar, data=fixture_bytes("zoom_webinar_attendee_report.csv"), file_name="z.csv", fmt="zoom_webinar"
    )
    url = f"{IMPORTS}{imported.pk}/review/"
    page = organiser_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "iPhone de Farrukh" in html and "Гость 2041" in html and "Dinara Khalikova" not in html
    phone = Attendee.objects.get(attendance_import=imported, name="iPhone de Farrukh")
    guest = Attendee.objects.get(attendance_import=imported, name="Гость 2041")
    soup = BeautifulSoup(html, "html.parser")
    first_choice = soup.select(f"input[name=a{phone.pk}-decision]")[1]
    assert first_choice["value"] == f"reg:{people['farrukh'].pk}"  # the right candidate proposed first
    assert soup.find("datalist", id="mw-registrations") is not None

    response = organiser_client.post(url, {f"a{phone.pk}-decision": f"reg:{people['farrukh'].pk}", f"a{guest.pk}-decision": "walk_in"})
    assert response.status_code == 302
    phone.refresh_from_db()
    guest.refresh_from_db()
    assert (phone.match, phone.registration) == (M.MANUAL, people["farrukh"]) and guest.match == M.WALK_IN
    assert "2 decisions saved." in organiser_client.get(response["Location"]).content.decode()
    imported.refresh_from_db()
    assert imported.summary["to_review"] == 0
    assert organiser_client.get(url + "?show=name").status_code == 200
    assert organiser_client.get(url + "?show=all").status_code == 200


def test_review_other_registration_by_e_mail_and_errors(organiser_client, webinar, people, other_webinar):
    imported = import_attendance(
        webinar=webinar, data=fixture_bytes("zoom_webinar_attendee_report.csv"), file_name="z.csv", fmt="zoom_webinar"
    )
    url = f"{IMPORTS}{imported.pk}/review/"
    guest = Attendee.objects.get(attendance_import=imported, name="Гость 2041")
    response = organiser_client.post(url, {f"a{guest.pk}-decision": "other", f"a{guest.pk}-other": "bob@example.org"})
    assert response.status_code == 200 and "No registration of this webinar has that e-mail address." in response.content.decode()
    guest.refresh_from_db()
    assert guest.match == M.UNMATCHED
    response = organiser_client.post(url, {f"a{guest.pk}-decision": "other", f"a{guest.pk}-other": "LOLA@example.org"})
    assert response.status_code == 302
    guest.refresh_from_db()
    assert guest.registration == people["lola"] and guest.match == M.MANUAL


def test_another_series_organiser_gets_404(client, django_user_model, webinar, people, other_webinar):
    imported = import_attendance(
        webinar=webinar, data=fixture_bytes("zoom_webinar_attendee_report.csv"), file_name="z.csv", fmt="zoom_webinar"
    )
    client.force_login(staff(django_user_model, "stranger", other_webinar.series))
    assert client.get(f"{IMPORTS}{imported.pk}/review/").status_code == 404
    guest = Attendee.objects.get(attendance_import=imported, name="Гость 2041")
    assert client.post(f"{IMPORTS}{imported.pk}/review/", {f"a{guest.pk}-decision": "walk_in"}).status_code == 404
    guest.refresh_from_db()
    assert guest.match == M.UNMATCHED
    assert client.get(f"{IMPORTS}{imported.pk}/change/").status_code == 302  # the admin's "not found" redirect
    listing = client.get(IMPORTS).content.decode()
    assert "z.csv" not in listing
    assert "Гость" not in client.get("/admin/attendance/attendee/").content.decode()


def test_the_role_decides(client, django_user_model, webinar, people):
    # Changed with the rules (issue 14): no Django model permission is ticked any more. A
    # viewer sees no attendees (personal data); an editor imports and reviews.
    imported = import_attendance(
        webinar=webinar, data=fixture_bytes("zoom_webinar_attendee_report.csv"), file_name="z.csv", fmt="zoom_webinar"
    )
    client.force_login(staff(django_user_model, "viewer", webinar.series, SeriesRole.Role.VIEWER))
    for url in (IMPORTS, UPLOAD, f"{IMPORTS}{imported.pk}/review/", f"{IMPORTS}{imported.pk}/change/", "/admin/attendance/attendee/"):
        assert client.get(url).status_code == 403, url
    client.force_login(staff(django_user_model, "editor", webinar.series, SeriesRole.Role.EDITOR))
    for url in (IMPORTS, UPLOAD, f"{IMPORTS}{imported.pk}/review/", f"{IMPORTS}{imported.pk}/change/", "/admin/attendance/attendee/"):
        assert client.get(url).status_code == 200, url


def test_superuser_pages_render(superuser_client, webinar, people):
    imported = import_attendance(
        webinar=webinar, data=fixture_bytes("zoom_webinar_attendee_report.csv"), file_name="z.csv", fmt="zoom_webinar"
    )
    assert superuser_client.get(IMPORTS).status_code == 200
    assert "Upload a meeting report" in superuser_client.get(IMPORTS).content.decode()
    assert superuser_client.get(IMPORTS + "add/")["Location"].endswith(UPLOAD)
    assert superuser_client.get(f"{IMPORTS}{imported.pk}/change/").status_code == 200
    attendees = superuser_client.get("/admin/attendance/attendee/", {"attendance_import__id__exact": imported.pk})
    assert attendees.status_code == 200 and "Dinara Khalikova" in attendees.content.decode()
    one = Attendee.objects.filter(attendance_import=imported).first()
    assert superuser_client.get(f"/admin/attendance/attendee/{one.pk}/change/").status_code == 200


def test_replaced_import_is_read_only_on_the_review_screen(superuser_client, webinar, people):
    first = import_attendance(
        webinar=webinar, data=fixture_bytes("zoom_webinar_attendee_report.csv"), file_name="z.csv", fmt="zoom_webinar"
    )
    import_attendance(webinar=webinar, data=fixture_bytes("zoom_meeting_participants.csv"), file_name="m.csv", fmt="zoom_meeting")
    guest = Attendee.objects.get(attendance_import=first, name="Гость 2041")
    response = superuser_client.post(f"{IMPORTS}{first.pk}/review/", {f"a{guest.pk}-decision": "walk_in"})
    assert response.status_code == 302
    guest.refresh_from_db()
    assert guest.match == M.UNMATCHED


def test_upload_recognises_the_format_and_refuses_another_session_until_confirmed(organiser_client, webinar, people):
    import datetime as dt

    webinar.starts_at = dt.datetime(2021, 4, 29, 4, 0, tzinfo=dt.UTC)
    webinar.save()
    refused = organiser_client.post(UPLOAD, {"webinar": webinar.pk, "file": upload("zoom_meeting_long_row.csv")})
    assert refused.status_code == 200 and not AttendanceImport.objects.exists()
    assert "does not overlap the webinar" in refused.content.decode()

    done = organiser_client.post(UPLOAD, {"webinar": webinar.pk, "file": upload("zoom_meeting_long_row.csv"), "accept_other_date": "on"})
    imported = AttendanceImport.objects.get()
    assert done.status_code == 302 and imported.format == "zoom_meeting"
    html = organiser_client.get(done["Location"]).content.decode()
    assert "43250 minutes in one row, longer than the session; 103 counted." in html  # the warning, on the next page


def test_review_screen_shows_what_each_row_needs_checked(organiser_client, webinar, people):
    imported = import_attendance(
        webinar=webinar, data=fixture_bytes("zoom_meeting_same_guest_name.csv"), file_name="same.csv", fmt="zoom_meeting"
    )
    html = organiser_client.get(f"{IMPORTS}{imported.pk}/review/").content.decode()
    assert html.count("someone else with this name was in the meeting at the same time") == 2
