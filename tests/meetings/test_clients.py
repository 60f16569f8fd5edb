"""The platform clients against the contract servers: every call, its validation and its error answers."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from webinars.meetings.clients import bigbluebutton, zoom
from webinars.meetings.clients.http import PlatformError, retry_after_seconds

from .contracts import Failure


def test_checksum_is_the_hash_of_call_query_and_secret():
    # The API reference's worked example: call "create", query "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444".
    query = "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444"
    secret = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"
    assert bigbluebutton.checksum("create", query, secret, "sha1") == "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"  # the reference's result
    assert bigbluebutton.checksum("create", query, secret, "sha256") == hashlib.sha256(f"create{query}{secret}".encode()).hexdigest()


@pytest.mark.parametrize(
    ("pasted", "base"),
    [
        ("https://bbb.example.org", "https://bbb.example.org/bigbluebutton/api"),
        ("https://bbb.example.org/bigbluebutton/", "https://bbb.example.org/bigbluebutton/api"),
        ("https://bbb.example.org/bigbluebutton/api/", "https://bbb.example.org/bigbluebutton/api"),
    ],
)
def test_the_api_address_is_found_from_what_an_organiser_pastes(pasted, base):
    assert bigbluebutton.api_base(pasted) == base


def test_bigbluebutton_calls(bbb):
    client = bigbluebutton.Client(server_url=bbb.server_url, secret=bbb.secret)
    assert client.detect_algorithm() == "sha256"
    answer = client.create({"meetingID": "m-1", "name": "Museum talks", "attendeePW": "ap", "moderatorPW": "mp"})
    assert answer.ok and answer.values["meetingID"] == "m-1" and answer.values["messageKey"] == ""
    again = client.create({"meetingID": "m-1", "name": "Museum talks", "attendeePW": "ap", "moderatorPW": "mp"})
    assert again.ok and again.message_key == "duplicateWarning"
    assert client.is_meeting_running("m-1") is False
    assert client.meeting_info("m-1") == []
    assert client.meeting_info("nope") is None
    assert client.end("m-1").ok
    assert client.end("m-1").message_key == "notFound"  # already ended: what was wanted


def test_a_wrong_secret_and_unsupported_algorithms_are_refused(bbb_sha1_only):
    wrong = bigbluebutton.Client(server_url=bbb_sha1_only.server_url, secret="not-it")
    with pytest.raises(PlatformError, match="refused the shared secret") as refused:
        wrong.detect_algorithm()
    assert refused.value.temporary is False
    sha256 = bigbluebutton.Client(server_url=bbb_sha1_only.server_url, secret=bbb_sha1_only.secret, algorithm="sha256")
    with pytest.raises(PlatformError, match="checksum"):
        sha256.create({"meetingID": "m-2"})


def test_bigbluebutton_overload_is_temporary_and_honours_retry_after(bbb):
    client = bigbluebutton.Client(server_url=bbb.server_url, secret=bbb.secret)
    bbb.fail_next.append(Failure(429, {"Retry-After": "120"}))
    with pytest.raises(PlatformError) as busy:
        client.create({"meetingID": "m-3"})
    assert busy.value.temporary and busy.value.status == 429 and busy.value.retry_after == 120
    bbb.fail_next.append(Failure(503))
    with pytest.raises(PlatformError) as down:
        client.create({"meetingID": "m-3"})
    assert down.value.temporary and down.value.retry_after is None
    assert client.create({"meetingID": "m-3"}).ok


def test_an_unreachable_server_is_a_temporary_failure():
    client = bigbluebutton.Client(server_url="http://127.0.0.1:9/bigbluebutton/", secret="x")
    with pytest.raises(PlatformError, match="could not be reached") as failure:
        client.create({"meetingID": "m"})
    assert failure.value.temporary


def test_retry_after_as_seconds_or_a_date():
    assert retry_after_seconds("30") == 30
    later = timezone.now() + dt.timedelta(seconds=90)
    assert 85 <= retry_after_seconds(later.strftime("%a, %d %b %Y %H:%M:%S GMT")) <= 91
    assert retry_after_seconds("soon") is None


@pytest.fixture
def zoom_client(zoom, db):
    return None, zoom, zoom_module_client(zoom)


def test_zoom_token_is_cached_until_it_expires(zoom_client):
    _cls, server, client = zoom_client
    assert client.check() == "jchill@example.com"
    client.check()
    assert sum(1 for _m, p in server.calls if p.startswith("/oauth/token")) == 1  # cached
    server.expire_tokens()
    client.check()  # 401 from the API: a new token, the call made again
    assert sum(1 for _m, p in server.calls if p.startswith("/oauth/token")) == 2


def test_zoom_meeting_calls(zoom_client):
    _cls, server, client = zoom_client
    start = dt.datetime(2026, 12, 3, 6, 0, tzinfo=dt.UTC)
    made = client.create(topic="Museum talks", start=start, duration=90, time_zone="Asia/Almaty")
    meeting_id = str(made["id"])
    assert made["start_time"] == "2026-12-03T06:00:00Z" and made["join_url"]
    client.update(meeting_id, topic="Museum talks II", start=start + dt.timedelta(days=1), duration=60, time_zone="Asia/Almaty")
    assert server.meetings[meeting_id]["topic"] == "Museum talks II" and server.meetings[meeting_id]["duration"] == 60
    added = client.add_registrant(meeting_id, email="asel@example.org", name="Asel")
    assert server.registrants[meeting_id][added["registrant_id"]] == {"email": "asel@example.org", "first_name": "Asel", "last_name": ""}
    client.delete_registrant(meeting_id, added["registrant_id"])
    client.delete_registrant(meeting_id, added["registrant_id"])  # already gone (404): what was wanted
    client.delete(meeting_id)
    with pytest.raises(PlatformError) as gone:
        client.update(meeting_id, topic="x", start=start, duration=1, time_zone="UTC")
    assert gone.value.status == 404 and not gone.value.temporary
    client.delete(meeting_id)  # deleting twice is fine


def test_zoom_participants_report_follows_next_page_token(zoom_client):
    _cls, server, client = zoom_client
    server.page_size_cap = 3
    server.participants["123"] = [
        server.participant(name=f"P{i}", email="", join="2026-12-03T06:00:00Z", leave="2026-12-03T07:00:00Z") for i in range(8)
    ]
    rows = list(client.participants("123"))
    assert [r["name"] for r in rows] == [f"P{i}" for i in range(8)]
    assert server.pages_served == 3
    with pytest.raises(PlatformError) as missing:
        list(client.participants("999"))
    assert missing.value.status == 404


def test_zoom_rate_limit_and_server_errors(zoom_client):
    _cls, server, client = zoom_client
    client.check()
    server.fail_next.append(
        Failure(
            429,
            {"Retry-After": "7"},
            b'{"code": 429, "message": "You have reached the maximum per-second rate limit for this API. Try again later."}',
            path="/v2/",
        )
    )
    with pytest.raises(PlatformError) as limited:
        client.check()
    assert limited.value.status == 429 and limited.value.retry_after == 7 and limited.value.temporary
    server.fail_next.append(Failure(502, path="/v2/"))
    with pytest.raises(PlatformError) as bad_gateway:
        client.check()
    assert bad_gateway.value.temporary and bad_gateway.value.status == 502


def test_wrong_zoom_account_is_permanent(zoom, db):
    client = zoom_module_client(zoom, account_id="another")
    with pytest.raises(PlatformError, match="Account does not exist") as refused:
        client.check()
    assert not refused.value.temporary


def zoom_module_client(server, **overrides) -> zoom.Client:
    values = {"account_id": server.account_id, "client_id": server.client_id, "client_secret": server.client_secret, **overrides}
    return zoom.Client(**values)
