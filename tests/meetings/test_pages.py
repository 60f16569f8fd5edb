"""The workspace's meeting platform pages: who may connect, the meeting page, Retry, the dashboard."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import SeriesRoleFactory, UserFactory, WebinarFactory
from webinars.meetings import services
from webinars.meetings.models import Connection, Meeting, PlatformJob
from webinars.programme.models import SeriesRole, Webinar

from .contracts import Failure

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(owner):
    users = {"owner": owner["user"]}
    for role in ("editor", "viewer"):
        users[role] = UserFactory(username=f"{role}@example.org", email=f"{role}@example.org")
        SeriesRoleFactory(series=owner["series"], user=users[role], role=role)
    return users


def test_only_owners_connect_a_platform(client, owner, team, bbb):
    url = reverse("organise:series_platform", args=[owner["series"].pk])
    data = {"action": "save", "platform": "bigbluebutton", "server_url": bbb.server_url, "secret": bbb.secret}
    for role in ("viewer", "editor"):
        client.force_login(team[role])
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    assert not Connection.objects.exists()
    client.force_login(team["owner"])
    page = client.get(url)
    assert page.status_code == 200 and 'type="password"' in page.content.decode()
    assert client.post(url, data).status_code == 302
    assert Connection.objects.get().check_ok


def test_bad_input_answers_400_with_field_messages(client, owner):
    client.force_login(owner["user"])
    url = reverse("organise:series_platform", args=[owner["series"].pk])
    response = client.post(url, {"action": "save", "platform": "bigbluebutton", "server_url": "", "secret": ""})
    assert response.status_code == 400 and "Give the server&#x27;s address." in response.content.decode()
    response = client.post(url, {"action": "save", "platform": "teams"})
    assert response.status_code == 400
    response = client.post(url, {"action": "save", "platform": "zoom", "account_id": "a"})
    assert response.status_code == 400 and "client ID" in response.content.decode()


def test_test_again_and_disconnect(client, owner, bbb):
    client.force_login(owner["user"])
    services.connection_save(
        series=owner["series"], platform="bigbluebutton", actor=owner["user"], server_url=bbb.server_url, secret=bbb.secret
    )
    url = reverse("organise:series_platform", args=[owner["series"].pk])
    bbb.secret = "rotated-on-the-server"
    response = client.post(url, {"action": "test"}, follow=True)
    assert "refused the shared secret" in response.content.decode()
    assert not Connection.objects.get().check_ok
    client.post(url, {"action": "remove"})
    assert not Connection.objects.exists()


def test_failures_show_on_the_dashboard_and_the_meeting_page_retries(committing_client, owner, team, bbb):
    client = committing_client
    services.connection_save(
        series=owner["series"], platform="bigbluebutton", actor=owner["user"], server_url=bbb.server_url, secret=bbb.secret
    )
    webinar = WebinarFactory(series=owner["series"], status=Webinar.Status.DRAFT, meeting_url="")
    client.force_login(team["editor"])
    bbb.fail_next.append(Failure(500))
    assert client.post(reverse("organise:webinar_status", args=[webinar.pk, "publish"])).status_code == 302
    dashboard = client.get(reverse("organise:dashboard")).content.decode()
    meeting_url = reverse("organise:webinar_meeting", args=[webinar.pk])
    assert "The meeting platform refused work for" in dashboard and meeting_url in dashboard
    page = client.get(meeting_url).content.decode()
    assert "HTTP 500" in page and "Retry now" in page
    job = PlatformJob.objects.get()
    response = client.post(meeting_url, {"action": "retry", "job": job.pk}, follow=True)
    assert "Retry requested" in response.content.decode() and "Nothing is waiting." in response.content.decode()
    assert Meeting.objects.get(webinar=webinar).state == Meeting.State.READY
    assert "The meeting platform refused" not in client.get(reverse("organise:dashboard")).content.decode()
    client.force_login(team["viewer"])
    assert client.get(meeting_url).status_code == 403
    assert client.post(meeting_url, {"action": "retry", "job": job.pk}).status_code == 403
    assert client.get(reverse("organise:webinar_meeting_join", args=[webinar.pk])).status_code == 403


def test_the_meeting_tab_for_a_series_without_platform(client, owner):
    webinar = WebinarFactory(series=owner["series"])
    client.force_login(owner["user"])
    page = client.get(reverse("organise:webinar_meeting", args=[webinar.pk])).content.decode()
    assert "no meeting platform connected" in page
    response = client.get(reverse("organise:webinar_meeting_join", args=[webinar.pk]), follow=True)
    assert "The meeting is not ready on the platform yet." in response.content.decode()
    assert SeriesRole.objects.filter(series=owner["series"]).count() == 1
