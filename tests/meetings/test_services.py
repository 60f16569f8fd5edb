"""Services of the meeting platforms: secrets, the work queue (retries, back-off, Retry-After), forged calls."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from tests.factories import RegistrationFactory, WebinarFactory
from webinars.audit.models import LogEntry
from webinars.meetings import crypto, queue, services
from webinars.meetings.models import Connection, Meeting, PlatformJob, WebhookReceipt
from webinars.programme import services as programme_services
from webinars.programme.models import Webinar
from webinars.registrations.selectors import registration_join_path

from .contracts import Failure, jwt_hs512

pytestmark = pytest.mark.django_db


def test_secrets_are_encrypted_with_the_platform_key_and_rotate(settings):
    from cryptography.fernet import Fernet

    token = crypto.encrypt("s3cret")
    assert "s3cret" not in token and crypto.decrypt(token) == "s3cret"
    new_key = Fernet.generate_key().decode()
    settings.PLATFORM_SECRETS_KEY = f"{new_key},{settings.PLATFORM_SECRETS_KEY}"
    assert crypto.decrypt(token) == "s3cret"  # the old key still reads it
    rotated = crypto.rotate(token)
    settings.PLATFORM_SECRETS_KEY = new_key
    assert crypto.decrypt(rotated) == "s3cret" and crypto.decrypt(token) == ""  # the old key is gone
    settings.PLATFORM_SECRETS_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")


def test_a_saved_secret_is_kept_when_left_empty_and_required_for_a_new_platform(owner, bbb):
    series, user = owner["series"], owner["user"]
    connection, check = services.connection_save(
        series=series, platform="bigbluebutton", actor=user, server_url=bbb.server_url, secret=bbb.secret
    )
    assert check.ok
    stored = connection.secret_encrypted
    connection, check = services.connection_save(series=series, platform="bigbluebutton", actor=user, server_url=bbb.server_url, secret="")
    assert check.ok and connection.secret_encrypted == stored
    with pytest.raises(services.PlatformConnectionError) as missing:
        services.connection_save(series=series, platform="zoom", actor=user, account_id="a", client_id="c")
    assert missing.value.field == "secret"
    entries = LogEntry.objects.filter(action="meetings.connection_saved", series_id=series.pk)
    assert entries.count() == 2 and all("s3" not in str(e.data) and bbb.secret not in str(e.data) for e in entries)


def publish(webinar, actor, capture):
    with capture(execute=True):
        programme_services.webinar_set_status(webinar=webinar, status=Webinar.Status.PUBLISHED, actor=actor)


def test_a_platform_that_is_down_never_blocks_publishing_and_loses_no_work(owner, bbb, django_capture_on_commit_callbacks):
    services.connection_save(
        series=owner["series"], platform="bigbluebutton", actor=owner["user"], server_url=bbb.server_url, secret=bbb.secret
    )
    webinar = WebinarFactory(series=owner["series"], status=Webinar.Status.DRAFT, meeting_url="")
    bbb.fail_next.extend([Failure(503), Failure(503)])
    publish(webinar, owner["user"], django_capture_on_commit_callbacks)
    webinar.refresh_from_db()
    assert webinar.status == Webinar.Status.PUBLISHED  # published all the same
    job = PlatformJob.objects.get(kind="sync_meeting")
    assert job.state == PlatformJob.State.FAILED and job.attempts == 1 and "HTTP 503" in job.last_error
    assert 55 <= (job.run_after - timezone.now()).total_seconds() <= 61  # first back-off: one minute
    assert queue.jobs_run_due() == 0  # not due yet
    later = job.run_after + dt.timedelta(seconds=1)
    assert queue.jobs_run_due(now=later) == 1
    job.refresh_from_db()
    assert job.attempts == 2 and 115 <= (job.run_after - later).total_seconds() <= 125  # doubled
    queue.jobs_run_due(now=job.run_after + dt.timedelta(seconds=1))
    job.refresh_from_db()
    assert job.state == PlatformJob.State.DONE
    assert Meeting.objects.get(webinar=webinar).state == Meeting.State.READY
    assert LogEntry.objects.filter(action="meetings.call_failed", webinar_id=webinar.pk).count() == 2


def test_retry_after_is_honoured_and_permanent_errors_wait_for_a_retry(owner, zoom, django_capture_on_commit_callbacks):
    services.connection_save(
        series=owner["series"],
        platform="zoom",
        actor=owner["user"],
        account_id=zoom.account_id,
        client_id=zoom.client_id,
        secret=zoom.client_secret,
        webhook_secret="w",
    )
    webinar = WebinarFactory(series=owner["series"], status=Webinar.Status.DRAFT, meeting_url="")
    zoom.fail_next.append(Failure(429, {"Retry-After": "300"}, b'{"code": 429, "message": "rate"}', path="/v2/users/me/meetings"))
    publish(webinar, owner["user"], django_capture_on_commit_callbacks)
    job = PlatformJob.objects.get(kind="sync_meeting")
    assert job.state == PlatformJob.State.FAILED and 295 <= (job.run_after - timezone.now()).total_seconds() <= 301
    zoom.fail_next.append(Failure(400, {}, b'{"code": 300, "message": "Invalid field: topic."}', path="/v2/users/me/meetings"))
    queue.jobs_run_due(now=job.run_after + dt.timedelta(seconds=1))
    job.refresh_from_db()
    assert job.state == PlatformJob.State.GAVE_UP and "Invalid field: topic." in job.last_error
    with django_capture_on_commit_callbacks(execute=True):
        services.retry(job=job, actor=owner["user"])
    job.refresh_from_db()
    assert job.state == PlatformJob.State.DONE and Meeting.objects.get(webinar=webinar).external_id
    assert LogEntry.objects.filter(action="meetings.retry_requested", actor=owner["user"]).exists()


def test_a_job_asked_for_again_while_it_waits_is_one_job(owner, bbb):
    services.connection_save(
        series=owner["series"], platform="bigbluebutton", actor=owner["user"], server_url=bbb.server_url, secret=bbb.secret
    )
    webinar = WebinarFactory(series=owner["series"])
    meeting = services.meeting_follow(webinar=webinar)
    assert meeting is not None
    services.meeting_follow(webinar=webinar)
    assert PlatformJob.objects.filter(kind="sync_meeting").count() == 1


def bbb_connected(owner, bbb, capture) -> tuple[Connection, Meeting]:
    connection, _check = services.connection_save(
        series=owner["series"], platform="bigbluebutton", actor=owner["user"], server_url=bbb.server_url, secret=bbb.secret
    )
    webinar = WebinarFactory(series=owner["series"], status=Webinar.Status.DRAFT, meeting_url="")
    publish(webinar, owner["user"], capture)
    return connection, Meeting.objects.get(webinar=webinar)


def callback(client, connection, body: bytes, token: str):
    return client.post(
        reverse("meetings:bbb_analytics", args=[connection.hook_key]),
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_forged_bigbluebutton_callbacks_are_refused_and_logged(client, owner, bbb, django_capture_on_commit_callbacks):
    connection, meeting = bbb_connected(owner, bbb, django_capture_on_commit_callbacks)
    registration = RegistrationFactory(webinar=meeting.webinar)
    t0 = meeting.webinar.starts_at.timestamp()
    bbb.meetings[meeting.external_id].users[str(registration.pk)] = {"name": registration.name, "role": "VIEWER", "spans": []}
    _url, body, headers = bbb.end_meeting(meeting.external_id, spans={str(registration.pk): [(t0, t0 + 3600)]})
    good = headers["Authorization"][7:]
    expired = jwt_hs512({"exp": int(time.time()) - 10}, bbb.secret)
    cases = [
        (jwt_hs512({"exp": int(time.time()) + 60}, "another-secret"), body, 401, "bad_signature"),
        (expired, body, 401, "expired"),
        (jwt_hs512({"exp": int(time.time()) + 60}, bbb.secret, alg="HS256"), body, 401, "bad_algorithm"),
        ("not.a.jwt", body, 401, "malformed_token"),
        (good, b"{not json", 400, "not_json"),
        (good, body.replace(meeting.external_id.encode(), b"mw-unknown"), 404, "unknown_meeting"),
    ]
    for token, data, status, reason in cases:
        response = callback(client, connection, data, token)
        assert response.status_code == status and response.json() == {"error": reason}, reason
    assert client.post(reverse("meetings:bbb_analytics", args=["no-such-key"]), body, content_type="application/json").status_code == 404
    assert client.post(reverse("meetings:bbb_analytics", args=[connection.hook_key]), body, content_type="application/json").json() == {
        "error": "no_token"
    }
    refused = LogEntry.objects.filter(action="meetings.callback_refused")
    assert refused.count() == len(cases) + 2
    assert {e.data["reason"] for e in refused} >= {"bad_signature", "expired", "unknown_meeting", "unknown_connection"}

    with django_capture_on_commit_callbacks(execute=True):
        assert callback(client, connection, body, good).status_code == 202
    replay = callback(client, connection, body, good)
    assert replay.status_code == 400 and replay.json() == {"error": "replayed"}
    assert WebhookReceipt.objects.count() == 1
    assert client.get(reverse("meetings:bbb_analytics", args=[connection.hook_key])).status_code == 405


def zoom_connected(owner, zoom, capture) -> tuple[Connection, Meeting]:
    connection, _check = services.connection_save(
        series=owner["series"],
        platform="zoom",
        actor=owner["user"],
        account_id=zoom.account_id,
        client_id=zoom.client_id,
        secret=zoom.client_secret,
        webhook_secret="whsec",
    )
    webinar = WebinarFactory(series=owner["series"], status=Webinar.Status.DRAFT, meeting_url="")
    publish(webinar, owner["user"], capture)
    return connection, Meeting.objects.get(webinar=webinar)


def test_forged_zoom_webhooks_are_refused_and_logged(client, owner, zoom, django_capture_on_commit_callbacks):
    connection, meeting = zoom_connected(owner, zoom, django_capture_on_commit_callbacks)
    url = reverse("meetings:zoom_webhook", args=[connection.hook_key])
    ended = {"object": {"id": meeting.external_id}}

    def post(body, headers):
        return client.post(url, body, content_type="application/json", **headers)

    body, headers = zoom.webhook("meeting.ended", "not-the-secret", ended)
    assert post(body, headers).json() == {"error": "bad_signature"}
    body, headers = zoom.webhook("meeting.ended", "whsec", ended, timestamp=int(time.time()) - 600)
    response = post(body, headers)
    assert response.status_code == 401 and response.json() == {"error": "stale"}
    body, headers = zoom.webhook("meeting.ended", "whsec", {"object": {"id": "999"}})
    assert post(body, headers).status_code == 404
    body, headers = zoom.webhook("meeting.ended", "whsec", ended)
    assert post(body, {}).json() == {"error": "no_signature"}
    tampered = body.replace(meeting.external_id.encode(), b"1")
    assert post(tampered, headers).status_code == 401
    zoom.participants[meeting.external_id] = [
        zoom.participant(name="Asel", email="asel@example.org", join="2026-12-03T06:00:00Z", leave="2026-12-03T07:00:00Z")
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert post(body, headers).status_code == 200
    replay = post(body, headers)
    assert replay.status_code == 400 and replay.json() == {"error": "replayed"}
    body, headers = zoom.webhook("meeting.started", "whsec", ended)
    assert post(body, headers).json() == {"status": "ignored"}
    assert LogEntry.objects.filter(action="meetings.callback_refused").count() == 6


def test_a_report_not_ready_yet_is_fetched_again_later(client, owner, zoom, django_capture_on_commit_callbacks):
    connection, meeting = zoom_connected(owner, zoom, django_capture_on_commit_callbacks)
    body, headers = zoom.webhook("meeting.ended", "whsec", {"object": {"id": meeting.external_id}})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:zoom_webhook", args=[connection.hook_key]), body, content_type="application/json", **headers)
    job = PlatformJob.objects.get(kind="fetch_attendance")
    assert job.state == PlatformJob.State.FAILED and "not ready" in job.last_error
    zoom.participants[meeting.external_id] = [
        zoom.participant(name="Asel", email="asel@example.org", join="2026-12-03T06:00:00Z", leave="2026-12-03T07:00:00Z")
    ]
    queue.jobs_run_due(now=job.run_after + dt.timedelta(seconds=1))
    job.refresh_from_db()
    assert job.state == PlatformJob.State.DONE
    assert Meeting.objects.get(pk=meeting.pk).attendance_received_at is not None


def test_a_later_file_upload_replaces_the_platform_import(owner, bbb, django_capture_on_commit_callbacks, client):
    from webinars.attendance.selectors import current_import
    from webinars.attendance.services import import_attendance

    connection, meeting = bbb_connected(owner, bbb, django_capture_on_commit_callbacks)
    registration = RegistrationFactory(webinar=meeting.webinar, name="Asel Nurlanovna", email="asel@example.org")
    t0 = meeting.webinar.starts_at.timestamp()
    _url, body, headers = bbb.end_meeting(meeting.external_id, spans={str(registration.pk): [(t0, t0 + 3600)]})
    with django_capture_on_commit_callbacks(execute=True):
        callback(client, connection, body, headers["Authorization"][7:])
    from_platform = current_import(meeting.webinar)
    assert from_platform is not None and from_platform.file_name.startswith("bigbluebutton-")
    csv = b"name,email,minutes\nAsel Nurlanovna,asel@example.org,75\n"
    uploaded = import_attendance(
        webinar=meeting.webinar,
        data=csv,
        file_name="zoom.csv",
        fmt="generic",
        column_mapping={"name": "name", "email": "email", "minutes": "minutes"},
    )
    assert current_import(meeting.webinar).pk == uploaded.pk
    from_platform.refresh_from_db()
    assert from_platform.replaced_at is not None


def test_registrants_join_by_the_pasted_address_until_a_meeting_exists(owner, bbb):
    webinar = WebinarFactory(series=owner["series"], meeting_url="https://meet.example.org/room")
    registration = RegistrationFactory(webinar=webinar)
    services.connection_save(
        series=owner["series"], platform="bigbluebutton", actor=owner["user"], server_url=bbb.server_url, secret=bbb.secret
    )
    from webinars.registrations.services import registration_join

    # Connected, but the meeting's job has not run (no commit here): the pasted address still works.
    assert Meeting.objects.get(webinar=webinar).state == Meeting.State.PENDING
    assert registration_join(registration=registration) == "https://meet.example.org/room"
    # Once the meeting exists, the join is the registrant's own.
    queue.jobs_run_due()
    assert Meeting.objects.get(webinar=webinar).state == Meeting.State.READY
    assert f"userID={registration.pk}" in (registration_join(registration=registration) or "")


def test_rotate_platform_secrets_command(owner, bbb, settings):
    from io import StringIO

    from cryptography.fernet import Fernet
    from django.core.management import call_command

    connection, _check = services.connection_save(
        series=owner["series"], platform="bigbluebutton", actor=owner["user"], server_url=bbb.server_url, secret=bbb.secret
    )
    new_key = Fernet.generate_key().decode()
    settings.PLATFORM_SECRETS_KEY = f"{new_key},{settings.PLATFORM_SECRETS_KEY}"
    out = StringIO()
    call_command("rotate_platform_secrets", stdout=out)
    assert "1 connection" in out.getvalue()
    settings.PLATFORM_SECRETS_KEY = new_key
    connection.refresh_from_db()
    assert crypto.decrypt(connection.secret_encrypted) == bbb.secret


def test_without_the_analytics_callback_polling_getmeetinginfo_gives_the_attendance(client, owner, bbb, django_capture_on_commit_callbacks):
    from webinars.attendance.models import Attendee
    from webinars.attendance.selectors import current_import

    _connection, meeting = bbb_connected(owner, bbb, django_capture_on_commit_callbacks)
    webinar = meeting.webinar
    stays, leaves = (
        RegistrationFactory(webinar=webinar, name="Asel Nurlanovna"),
        RegistrationFactory(webinar=webinar, name="Aram Petrosyan"),
    )
    for registration in (stays, leaves):
        assert client.get(registration_join_path(registration)).status_code == 302
        from .test_end_to_end_bigbluebutton import open_without_redirect

        location = client.get(registration_join_path(registration))["Location"]
        assert open_without_redirect(location)[0] == 302
    start = webinar.starts_at
    for minute in range(0, 91):
        if minute == 20:
            bbb.leave(meeting.external_id, str(leaves.pk))
        services.meetings_poll(now=start + dt.timedelta(minutes=minute, seconds=5))
    polled = Meeting.objects.get(pk=meeting.pk).polled
    assert set(polled) == {str(stays.pk), str(leaves.pk)}
    assert services.meetings_poll(now=webinar.ends_at + dt.timedelta(minutes=30))["bbb_polled_imports"] == 0  # waits for the callback
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.meetings_poll(now=webinar.ends_at + dt.timedelta(hours=3))
    assert counts["bbb_polled_imports"] == 1
    imported = current_import(webinar)
    assert imported is not None and "getMeetingInfo" in imported.file_name
    minutes = {a.registration_id: (a.minutes, a.match, a.attended) for a in Attendee.objects.filter(attendance_import=imported)}
    assert minutes[stays.pk] == (90, Attendee.Match.REGISTRANT, True)
    assert minutes[leaves.pk][0] == 19 and not minutes[leaves.pk][2]
