"""BigBlueButton end to end, against the contract server: connect, publish, join, meeting ends, attendance, certificates."""

from __future__ import annotations

import datetime as dt
import urllib.parse
import urllib.request

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import RegistrationFactory, WebinarFactory
from webinars.attendance.models import Attendee
from webinars.attendance.selectors import current_import
from webinars.audit.models import LogEntry
from webinars.certificates.services import certificates_issue
from webinars.meetings.models import Connection, Meeting, PlatformJob
from webinars.programme.models import Webinar
from webinars.registrations.selectors import registration_join_path

pytestmark = pytest.mark.django_db


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def open_without_redirect(url: str) -> tuple[int, str]:
    """What a browser gets from the platform for this address (the contract validates it)."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers.get("Location", "")


def connect(client, series, bbb) -> Connection:
    url = reverse("organise:series_platform", args=[series.pk])
    response = client.post(url, {"action": "save", "platform": "bigbluebutton", "server_url": bbb.server_url, "secret": bbb.secret})
    assert response.status_code == 302
    return Connection.objects.get(series=series)


def test_bigbluebutton_from_connection_to_certificates(committing_client, owner, bbb):
    client = committing_client
    series = owner["series"]
    client.force_login(owner["user"])

    # Connect: the secret is tested at once and never shown again.
    connection = connect(client, series, bbb)
    assert connection.check_ok, connection.check_message
    assert connection.checksum_algorithm == "sha256"
    page = client.get(reverse("organise:series_platform", args=[series.pk])).content.decode()
    assert "Connection works" in page and bbb.secret not in page
    assert bbb.secret not in connection.secret_encrypted

    # Publish: the meeting is created on the server, with the analytics callback.
    start = (timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0)
    webinar = WebinarFactory(series=series, status=Webinar.Status.DRAFT, starts_at=start, duration_minutes=90, meeting_url="")
    response = client.post(reverse("organise:webinar_status", args=[webinar.pk, "publish"]))
    assert response.status_code == 302
    meeting = Meeting.objects.get(webinar=webinar)
    assert meeting.state == Meeting.State.READY
    created = bbb.meetings[meeting.external_id]
    assert created.params["name"] == str(webinar)
    callback = created.params["meta_analytics-callback-url"]
    assert callback.endswith(reverse("meetings:bbb_analytics", args=[connection.hook_key]))
    assert created.params["meetingKeepEvents"] == "true"
    assert LogEntry.objects.filter(action="meetings.meeting_created", webinar_id=webinar.pk).exists()

    # Registrants join by their own link: a join call signed at click time, userID = registration id.
    dinara = RegistrationFactory(webinar=webinar, name="Динара Халикова", email="dinara@example.org")
    aram = RegistrationFactory(webinar=webinar, name="Aram Petrosyan", email="aram@example.org")
    response = client.get(registration_join_path(dinara))
    assert response.status_code == 302
    join = urllib.parse.urlsplit(response["Location"])
    params = dict(urllib.parse.parse_qsl(join.query))
    assert params["userID"] == str(dinara.pk) and params["fullName"] == "Динара Халикова" and params["role"] == "VIEWER"
    assert len(params["checksum"]) == 64  # SHA-256, as detected
    status, location = open_without_redirect(response["Location"])
    assert status == 302 and "/html5client/join?sessionToken=" in location  # the server accepted the checksum
    assert bbb.joins[-1]["userID"] == str(dinara.pk)
    assert created.creates >= 2  # created again at click time: an empty room closes within minutes
    aram_join = client.get(registration_join_path(aram))
    assert open_without_redirect(aram_join["Location"])[0] == 302

    # Organisers and speakers join as moderators from the workspace.
    response = client.get(reverse("organise:webinar_meeting_join", args=[webinar.pk]))
    assert response.status_code == 302
    moderator = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(response["Location"]).query))
    assert moderator["role"] == "MODERATOR" and moderator["userID"] == f"staff-{owner['user'].pk}"
    assert open_without_redirect(response["Location"])[0] == 302

    # The meeting ends: the server sends its learning-dashboard data, signed.
    t0 = start.timestamp()
    url, body, headers = bbb.end_meeting(
        meeting.external_id,
        spans={
            str(dinara.pk): [(t0, t0 + 40 * 60), (t0 + 45 * 60, t0 + 88 * 60)],  # 83 minutes over a rejoin
            str(aram.pk): [(t0 + 5 * 60, t0 + 20 * 60)],  # 15 minutes: below the threshold
            f"staff-{owner['user'].pk}": [(t0 - 600, t0 + 95 * 60)],
        },
    )
    response = client.post(
        urllib.parse.urlsplit(url).path, body, content_type="application/json", HTTP_AUTHORIZATION=headers["Authorization"]
    )
    assert response.status_code == 202, response.content

    imported = current_import(webinar)
    assert imported is not None
    by_registration = {a.registration_id: a for a in Attendee.objects.filter(attendance_import=imported)}
    assert set(by_registration) == {dinara.pk, aram.pk}  # the moderator is not an attendee
    assert by_registration[dinara.pk].match == Attendee.Match.REGISTRANT and by_registration[dinara.pk].minutes == 83
    assert by_registration[dinara.pk].attended and not by_registration[aram.pk].attended
    assert Meeting.objects.get(pk=meeting.pk).attendance_received_at is not None
    assert PlatformJob.objects.get(kind="fetch_attendance").payload == {}  # personal data not kept once imported

    # Certificates can be issued from it.
    Webinar.objects.filter(pk=webinar.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=3), ends_at=timezone.now() - dt.timedelta(hours=1)
    )
    result = certificates_issue(webinar=Webinar.objects.get(pk=webinar.pk), actor=owner["user"])
    assert result.webinar_certificates == 1

    # Cancelling ends the meeting on the server.
    Webinar.objects.filter(pk=webinar.pk).update(starts_at=start, ends_at=start + dt.timedelta(minutes=90))
    webinar.refresh_from_db()
    Meeting.objects.filter(pk=meeting.pk).update(state=Meeting.State.READY)
    bbb.meetings[meeting.external_id].ended = False
    response = client.post(reverse("organise:webinar_status", args=[webinar.pk, "cancel"]))
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.REMOVED
    assert bbb.meetings[meeting.external_id].ended
    assert ("GET", next(p for m, p in bbb.calls if "/api/end?" in p)) in bbb.calls


def test_a_server_that_accepts_only_sha1_is_detected_and_joins_are_signed_with_it(committing_client, owner, bbb_sha1_only):
    client = committing_client
    client.force_login(owner["user"])
    connection = connect(client, owner["series"], bbb_sha1_only)
    assert connection.check_ok and connection.checksum_algorithm == "sha1"
    webinar = WebinarFactory(series=owner["series"], status=Webinar.Status.DRAFT, meeting_url="")
    client.post(reverse("organise:webinar_status", args=[webinar.pk, "publish"]))
    registration = RegistrationFactory(webinar=webinar)
    location = client.get(registration_join_path(registration))["Location"]
    assert len(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))["checksum"]) == 40
    assert open_without_redirect(location)[0] == 302


def test_a_wrong_secret_is_reported_in_plain_words(committing_client, owner, bbb):
    client = committing_client
    client.force_login(owner["user"])
    url = reverse("organise:series_platform", args=[owner["series"].pk])
    response = client.post(
        url, {"action": "save", "platform": "bigbluebutton", "server_url": bbb.server_url, "secret": "wrong"}, follow=True
    )
    connection = Connection.objects.get(series=owner["series"])
    assert not connection.check_ok
    assert "BigBlueButton refused the shared secret" in response.content.decode()
