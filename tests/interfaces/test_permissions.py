"""Who gets what, page by page: the back office, the reports and the API, by role (``*/rules.py``).

A signed-in user without a role gets 403 (or an empty answer), never a server error; a role
on series B opens nothing of series A; a viewer sees content, feedback and reports, never
personal data.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.factories import SeriesFactory, WebinarFactory
from webinars.attendance.models import AttendanceImport
from webinars.programme.models import SeriesRole, Webinar
from webinars.registrations.models import Booking, Registration

pytestmark = pytest.mark.django_db

Role = SeriesRole.Role

PERSONAL_LISTS = [
    "/admin/registrations/registration/",
    "/admin/mail/outgoingmessage/",
    "/admin/attendance/attendanceimport/",
    "/admin/attendance/attendanceimport/upload/",
    "/admin/attendance/attendee/",
    "/admin/certificates/certificate/",
    "/admin/certificates/certificate/issue/",
    "/admin/certificates/certificatetemplate/",
]
CONTENT_LISTS = [
    "/admin/programme/series/",
    "/admin/programme/webinar/",
    "/admin/feedback/feedbackresponse/",
    "/admin/feedback/webinarfeedback/",
]
REPORTS = ["/reports/"]


@pytest.fixture
def world(django_user_model):
    series_a = SeriesFactory(slug="series-a", title={"en": "Series A"})
    series_b = SeriesFactory(slug="series-b", title={"en": "Series B"})
    webinar_a = WebinarFactory(series=series_a, slug="alpha", status=Webinar.Status.DRAFT)
    now = timezone.now()
    booking = Booking.objects.create(email="dinara@example.org")
    registration = Registration.objects.create(
        booking=booking, webinar=webinar_a, email=booking.email, name="Dinara", status=Registration.Status.CONFIRMED, consent_privacy_at=now
    )
    imported = AttendanceImport.objects.create(webinar=webinar_a, format="generic", file_name="r.csv", sha256="0" * 64)
    users = {}
    for name, series, role in (("owner", series_a, Role.OWNER), ("editor", series_a, Role.EDITOR), ("viewer", series_a, Role.VIEWER)):
        users[name] = django_user_model.objects.create_user(name, f"{name}@example.org", "pw", is_staff=True)
        SeriesRole.objects.create(series=series, user=users[name], role=role)
    users["editor-b"] = django_user_model.objects.create_user("editor-b", "b@example.org", "pw", is_staff=True)
    SeriesRole.objects.create(series=series_b, user=users["editor-b"], role=Role.EDITOR)
    users["no-role"] = django_user_model.objects.create_user("no-role", "n@example.org", "pw", is_staff=True)
    users["not-staff-no-role"] = django_user_model.objects.create_user("plain", "p@example.org", "pw")
    return {"a": series_a, "b": series_b, "webinar_a": webinar_a, "registration": registration, "import": imported, "users": users}


def _get(client, user, url: str) -> int:
    client.force_login(user)
    return client.get(url).status_code


def test_no_role_gets_403_everywhere_never_500(client, world):
    for name in ("no-role", "not-staff-no-role"):
        user = world["users"][name]
        for url in PERSONAL_LISTS + CONTENT_LISTS + REPORTS + [f"/reports/series/{world['a'].pk}/"]:
            status = _get(client, user, url)
            assert status == 403 or (name == "not-staff-no-role" and url.startswith("/admin/") and status == 302), (name, url, status)
    # The admin's index is empty for staff without a role (Django answers 200 with no apps).
    client.force_login(world["users"]["no-role"])
    assert "series-a" not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_owner_and_editor_open_every_list_of_their_series(client, world, role):
    for url in PERSONAL_LISTS + CONTENT_LISTS + REPORTS:
        assert _get(client, world["users"][role], url) == 200, url
    user = world["users"][role]
    assert _get(client, user, f"/admin/registrations/registration/{world['registration'].pk}/change/") == 200
    assert _get(client, user, f"/admin/attendance/attendanceimport/{world['import'].pk}/review/") == 200


def test_viewer_sees_content_feedback_and_reports_but_no_personal_data(client, world):
    viewer = world["users"]["viewer"]
    for url in PERSONAL_LISTS:
        assert _get(client, viewer, url) == 403, url
    for url in CONTENT_LISTS + REPORTS + [f"/reports/series/{world['a'].pk}/"]:
        assert _get(client, viewer, url) == 200, url
    client.force_login(viewer)
    page = client.get(f"/admin/programme/webinar/{world['webinar_a'].pk}/change/").content.decode()
    assert 'name="_save"' not in page  # read-only
    assert client.get(f"/w/{world['webinar_a'].pk}/preview/").status_code == 200  # drafts of their series


def test_another_series_role_opens_nothing_of_series_a(client, world):
    editor_b = world["users"]["editor-b"]
    for url in (
        f"/admin/registrations/registration/{world['registration'].pk}/change/",
        f"/admin/programme/webinar/{world['webinar_a'].pk}/change/",
        f"/admin/programme/series/{world['a'].pk}/change/",
        f"/admin/attendance/attendanceimport/{world['import'].pk}/change/",
    ):
        assert _get(client, editor_b, url) in (302, 404), url  # Django's "does not exist" redirect
    for url in (
        f"/admin/attendance/attendanceimport/{world['import'].pk}/review/",
        f"/admin/registrations/registration/message/{world['webinar_a'].pk}/",
        f"/admin/feedback/webinarfeedback/{world['webinar_a'].pk}/summary/",
        f"/reports/series/{world['a'].pk}/",
        f"/reports/webinar/{world['webinar_a'].pk}/",
    ):
        assert _get(client, editor_b, url) == 404, url
    client.force_login(editor_b)
    assert "Dinara" not in client.get("/admin/registrations/registration/").content.decode()
    export = client.get("/admin/registrations/registration/export/csv/")
    assert "Dinara" not in b"".join(export.streaming_content).decode("utf-8-sig")


def test_the_api_answers_public_data_only_whoever_is_signed_in(client, world, django_user_model):
    """The API has no organiser side: roles and superusers see only what anyone sees there."""
    draft = world["webinar_a"]
    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    for user in (None, world["users"]["owner"], root):
        if user is not None:
            client.force_login(user)
        assert client.get(f"/api/v1/webinars/{draft.pk}/").status_code == 404
        assert draft.pk not in [w["id"] for w in client.get("/api/v1/webinars/").json()["items"]]
        response = client.post(
            f"/api/v1/webinars/{draft.pk}/registrations",
            {"email": "x@example.org", "name": "X", "consent_privacy": True},
            content_type="application/json",
        )
        assert response.status_code in (400, 404), response.content
        assert response.status_code != 500
    assert not Registration.objects.filter(email="x@example.org").exists()
