"""Contract servers: BigBlueButton and Zoom as their documentation specifies them, on 127.0.0.1.

Real HTTP servers in a thread (``http.server``): the project's clients talk to them over
sockets exactly as they would to the vendors, so request building, checksums, OAuth, error
answers and pagination are all exercised. Each server validates requests as the vendor does and
answers with bodies taken from the vendor's published examples (cited beside each), with the
values of the test's own meeting filled in. ``fail_next`` makes the next calls answer an error
(429 with ``Retry-After``, 5xx, 401…); ``calls`` records what was asked.

BigBlueButton — API reference, 2.7 / 3.0 (docs.bigbluebutton.org/development/api):
* every call ``GET /bigbluebutton/api/<call>?<query>&checksum=…``, checksum = hex hash of
  ``call + query + secret``; the server accepts the algorithms of ``supportedChecksumAlgorithms``
  (found by the checksum's length: 40 SHA-1, 64 SHA-256, 96 SHA-384, 128 SHA-512), else
  ``checksumError``;
* ``create`` (idempotent: the same meetingID again → SUCCESS with ``duplicateWarning``), ``join``
  (``fullName``, ``meetingID``, ``role`` VIEWER|MODERATOR or a password; ``redirect=true`` → 302
  to the client), ``end`` (``notFound`` when there is no such meeting), ``isMeetingRunning``,
  ``getMeetingInfo``;
* the analytics callback: when a meeting with ``meta_analytics-callback-url`` ends, the server's
  ``post_events_analytics_callback.rb`` (bigbluebutton/bigbluebutton,
  record-and-playback/core/scripts/post_events/) POSTs ``{"version": "1.0", "meeting_id",
  "internal_meeting_id", "data": <bbbevents data>}`` with ``Authorization: Bearer <JWT HS512,
  {"exp": now + 24 h}, signed with the shared secret>``; attendees as bbbevents' ``Attendee``
  (bigbluebutton/bbb-events, lib/bbbevents/attendee.rb and events.rb): ``ext_user_id``, ``name``,
  ``moderator``, ``joins``, ``leaves``, ``duration``, ``sessions``.

Zoom — API v2 reference (developers.zoom.us/docs/api/) and Server-to-Server OAuth
(developers.zoom.us/docs/internal-apps/s2s-oauth/):
* ``POST /oauth/token?grant_type=account_credentials&account_id=…`` with Basic client_id:secret →
  ``{"access_token", "token_type": "bearer", "expires_in": 3599, "scope", "api_url"}``;
* API calls need ``Authorization: Bearer <token>`` still valid, else 401 ``{"code": 124,
  "message": "Invalid access token."}``;
* ``GET /v2/users/me``; ``POST /v2/users/me/meetings`` (201) / ``/webinars``; ``PATCH`` and
  ``DELETE /v2/meetings/{id}`` (204; 404 ``{"code": 3001, "message": "Meeting does not exist: …"}``);
  ``POST /v2/meetings/{id}/registrants`` (201) and ``DELETE …/registrants/{registrantId}`` (204);
  ``GET /v2/report/meetings/{id}/participants?page_size&next_page_token`` (pages; the token
  names the next page);
* rate limits: 429 ``{"code": 429, "message": "You have reached the maximum per-second rate
  limit for this API. Try again later."}`` with ``Retry-After``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ALGORITHMS_BY_LENGTH = {40: "sha1", 64: "sha256", 96: "sha384", 128: "sha512"}


@dataclass
class Failure:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    path: str = ""  # only for requests whose path contains this


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 -- the base class's name
        pass

    def _answer(
        self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, content_type: str = "application/json"
    ) -> None:
        self.send_response(status)
        if body:
            self.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self, method: str) -> None:
        contract = self.server.contract
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        contract.calls.append((method, self.path))
        for failure in list(contract.fail_next):
            if failure.path in self.path:
                contract.fail_next.remove(failure)
                self._answer(failure.status, failure.body, failure.headers)
                return
        status, answer, headers, content_type = contract.handle(method, self.path, dict(self.headers.items()), body)
        self._answer(status, answer, headers, content_type)

    def do_GET(self) -> None:  # noqa: N802 -- http.server's naming
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_PATCH(self) -> None:  # noqa: N802
        self._handle("PATCH")

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle("DELETE")


class Contract:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.fail_next: list[Failure] = []
        self.url = ""

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes, dict[str, str], str]:
        raise NotImplementedError

    @contextmanager
    def running(self) -> Iterator[Contract]:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.contract = self  # type: ignore[attr-defined]
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)


# -- BigBlueButton ---------------------------------------------------------------------------

# The answers of the API reference (docs.bigbluebutton.org/development/api, "create", "join",
# "end", "isMeetingRunning", "getMeetingInfo"), with this test's values.
BBB_CREATE = """<response>
  <returncode>SUCCESS</returncode>
  <meetingID>{meeting_id}</meetingID>
  <internalMeetingID>{internal_id}</internalMeetingID>
  <parentMeetingID>bbb-none</parentMeetingID>
  <attendeePW>{attendee_pw}</attendeePW>
  <moderatorPW>{moderator_pw}</moderatorPW>
  <createTime>{create_time}</createTime>
  <voiceBridge>70757</voiceBridge>
  <dialNumber>613-555-1234</dialNumber>
  <createDate>Mon Jul 09 17:03:29 UTC 2018</createDate>
  <hasUserJoined>false</hasUserJoined>
  <duration>0</duration>
  <hasBeenForciblyEnded>false</hasBeenForciblyEnded>
  <messageKey>{message_key}</messageKey>
  <message>{message}</message>
</response>"""
BBB_DUPLICATE = "This conference was already in existence and may currently be in progress."
BBB_CHECKSUM_ERROR = """<response>
<returncode>FAILED</returncode>
<messageKey>checksumError</messageKey>
<message>You did not pass the checksum security check</message>
</response>"""
BBB_NOT_FOUND = """<response>
<returncode>FAILED</returncode>
<messageKey>notFound</messageKey>
<message>We could not find a meeting with that meeting ID - perhaps the meeting is not yet running?</message>
</response>"""
BBB_MISSING_PARAM = """<response>
<returncode>FAILED</returncode>
<messageKey>missingParam{param}</messageKey>
<message>You must specify a {param}.</message>
</response>"""
BBB_END = """<response>
<returncode>SUCCESS</returncode>
<messageKey>sentEndMeetingRequest</messageKey>
<message>A request to end the meeting was sent. Please wait a few seconds, and then use the getMeetingInfo or isMeetingRunning API calls to verify that it was ended.</message>
</response>"""
BBB_RUNNING = """<response>
<returncode>SUCCESS</returncode>
<running>{running}</running>
</response>"""
BBB_MEETING_INFO = """<response>
  <returncode>SUCCESS</returncode>
  <meetingName>{name}</meetingName>
  <meetingID>{meeting_id}</meetingID>
  <internalMeetingID>{internal_id}</internalMeetingID>
  <createTime>{create_time}</createTime>
  <running>true</running>
  <participantCount>{count}</participantCount>
  <moderatorCount>{moderators}</moderatorCount>
  <attendees>{attendees}</attendees>
  <metadata>{metadata}</metadata>
</response>"""
BBB_ATTENDEE = """
    <attendee>
      <userID>{user_id}</userID>
      <fullName>{name}</fullName>
      <role>{role}</role>
      <isPresenter>false</isPresenter>
      <isListeningOnly>false</isListeningOnly>
      <hasJoinedVoice>true</hasJoinedVoice>
      <hasVideo>false</hasVideo>
      <clientType>HTML5</clientType>
    </attendee>"""


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class BBBMeeting:
    meeting_id: str
    params: dict[str, str]
    internal_id: str
    create_time: int
    creates: int = 1
    ended: bool = False
    # userID → (fullName, role, [(join epoch, leave epoch or None)])
    users: dict[str, dict] = field(default_factory=dict)


class BigBlueButton(Contract):
    """A BigBlueButton server: ``secret`` and the checksum algorithms it accepts."""

    def __init__(
        self, secret: str = "8cd8ef52e8e101574e400365b55e11a6", algorithms: tuple[str, ...] = ("sha1", "sha256", "sha384", "sha512")
    ) -> None:
        super().__init__()
        self.secret = secret
        self.algorithms = algorithms
        self.meetings: dict[str, BBBMeeting] = {}
        self.joins: list[dict[str, str]] = []

    @property
    def server_url(self) -> str:
        return self.url + "/bigbluebutton/"

    def _checked(self, call: str, raw_query: str) -> tuple[dict[str, str] | None, str]:
        """The parameters when the checksum is right, else the FAILED answer."""
        match = re.search(r"(^|&)checksum=([0-9a-f]+)$", raw_query)
        if match is None:
            return None, BBB_CHECKSUM_ERROR
        query = raw_query[: match.start()]
        given = match.group(2)
        algorithm = ALGORITHMS_BY_LENGTH.get(len(given))
        if algorithm not in self.algorithms:
            return None, BBB_CHECKSUM_ERROR
        expected = hashlib.new(algorithm, (call + query + self.secret).encode()).hexdigest()
        if not hmac.compare_digest(expected, given):
            return None, BBB_CHECKSUM_ERROR
        return dict(urllib.parse.parse_qsl(query, keep_blank_values=True)), ""

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes, dict[str, str], str]:
        parsed = urllib.parse.urlsplit(path)
        if method != "GET" or not parsed.path.startswith("/bigbluebutton/api/"):
            return 404, b"Not Found", {}, "text/plain"
        call = parsed.path.rsplit("/", 1)[1]
        params, error = self._checked(call, parsed.query)
        if params is None:
            return 200, error.encode(), {}, "text/xml"
        handler = getattr(self, f"call_{call}", None)
        if handler is None:
            return (
                200,
                b"<response><returncode>FAILED</returncode><messageKey>unsupportedRequest</messageKey><message>This request is not supported.</message></response>",
                {},
                "text/xml",
            )
        return handler(params)

    def _xml_answer(self, text: str) -> tuple[int, bytes, dict[str, str], str]:
        return 200, text.encode(), {}, "text/xml"

    def call_create(self, p: dict[str, str]) -> tuple[int, bytes, dict[str, str], str]:
        if not p.get("meetingID"):
            return self._xml_answer(BBB_MISSING_PARAM.format(param="meetingID"))
        meeting = self.meetings.get(p["meetingID"])
        key = message = ""
        if meeting is not None and not meeting.ended:
            meeting.creates += 1
            key, message = "duplicateWarning", BBB_DUPLICATE
        else:
            now = int(time.time() * 1000)
            digest = hashlib.sha1(p["meetingID"].encode()).hexdigest()  # noqa: S324 -- BigBlueButton's own way of naming meetings
            meeting = BBBMeeting(p["meetingID"], dict(p), f"{digest}-{now}", now)
            self.meetings[p["meetingID"]] = meeting
        return self._xml_answer(
            BBB_CREATE.format(
                meeting_id=_xml(meeting.meeting_id),
                internal_id=meeting.internal_id,
                attendee_pw=_xml(p.get("attendeePW", "")),
                moderator_pw=_xml(p.get("moderatorPW", "")),
                create_time=meeting.create_time,
                message_key=key,
                message=message,
            )
        )

    def call_join(self, p: dict[str, str]) -> tuple[int, bytes, dict[str, str], str]:
        for required in ("fullName", "meetingID"):
            if not p.get(required):
                return self._xml_answer(BBB_MISSING_PARAM.format(param=required))
        meeting = self.meetings.get(p["meetingID"])
        if meeting is None or meeting.ended:
            return self._xml_answer(BBB_NOT_FOUND)
        role = p.get("role", "").upper()
        if not role:
            if p.get("password") == meeting.params.get("moderatorPW"):
                role = "MODERATOR"
            elif p.get("password") == meeting.params.get("attendeePW"):
                role = "VIEWER"
        if role not in ("VIEWER", "MODERATOR"):
            return self._xml_answer(
                "<response><returncode>FAILED</returncode><messageKey>invalidPassword</messageKey><message>You either did not supply a password or the password supplied is neither the attendee or moderator password for this conference.</message></response>"
            )
        user_id = p.get("userID") or f"w_{secrets.token_hex(6)}"
        self.joins.append({**p, "role": role})
        user = meeting.users.setdefault(user_id, {"name": p["fullName"], "role": role, "spans": []})
        user["spans"].append([time.time(), None])
        user["present"] = True
        session = secrets.token_hex(8)
        if p.get("redirect", "true") == "true":
            return 302, b"", {"Location": f"{self.url}/html5client/join?sessionToken={session}"}, "text/plain"
        return self._xml_answer(
            f"<response><returncode>SUCCESS</returncode><messageKey>successfullyJoined</messageKey><message>You have joined successfully.</message>"
            f"<meeting_id>{meeting.internal_id}</meeting_id><user_id>w_euxnssffnsbs</user_id><auth_token>14mm5y3eurjw</auth_token>"
            f"<session_token>{session}</session_token><url>{self.url}/html5client/join?sessionToken={session}</url></response>"
        )

    def call_end(self, p: dict[str, str]) -> tuple[int, bytes, dict[str, str], str]:
        meeting = self.meetings.get(p.get("meetingID", ""))
        if meeting is None or meeting.ended:
            return self._xml_answer(BBB_NOT_FOUND)
        meeting.ended = True
        return self._xml_answer(BBB_END)

    def call_isMeetingRunning(self, p: dict[str, str]) -> tuple[int, bytes, dict[str, str], str]:  # noqa: N802 -- the API's call name
        meeting = self.meetings.get(p.get("meetingID", ""))
        running = meeting is not None and not meeting.ended and any(u["spans"] for u in meeting.users.values())
        return self._xml_answer(BBB_RUNNING.format(running="true" if running else "false"))

    def call_getMeetingInfo(self, p: dict[str, str]) -> tuple[int, bytes, dict[str, str], str]:  # noqa: N802
        meeting = self.meetings.get(p.get("meetingID", ""))
        if meeting is None or meeting.ended:
            return self._xml_answer(BBB_NOT_FOUND)
        attendees = "".join(
            BBB_ATTENDEE.format(user_id=_xml(uid), name=_xml(u["name"]), role=u["role"])
            for uid, u in meeting.users.items()
            if u.get("present")
        )
        return self._xml_answer(
            BBB_MEETING_INFO.format(
                name=_xml(meeting.params.get("name", "")),
                meeting_id=_xml(meeting.meeting_id),
                internal_id=meeting.internal_id,
                create_time=meeting.create_time,
                count=len(meeting.users),
                moderators=sum(1 for u in meeting.users.values() if u["role"] == "MODERATOR"),
                attendees=attendees,
                metadata="".join(f"<{k[5:]}>{_xml(v)}</{k[5:]}>" for k, v in meeting.params.items() if k.startswith("meta_")),
            )
        )

    def leave(self, meeting_id: str, user_id: str) -> None:
        self.meetings[meeting_id].users[user_id]["present"] = False

    # -- what the server does when the meeting ends --------------------------------------

    def end_meeting(self, meeting_id: str, *, spans: dict[str, list[tuple[float, float]]]) -> tuple[str, bytes, dict[str, str]]:
        """End the meeting with these stretches per userID (epoch seconds); returns the analytics
        callback as the server would POST it: (the callback URL, body, headers)."""
        meeting = self.meetings[meeting_id]
        meeting.ended = True
        iso = lambda t: time.strftime("%Y-%m-%dT%H:%M:%S.000+00:00", time.gmtime(t))  # noqa: E731 -- ActiveSupport's JSON time format
        attendees = []
        for user_id, stretches in spans.items():
            user = meeting.users.get(user_id, {"name": user_id, "role": "VIEWER"})
            internal = f"w_{hashlib.md5(user_id.encode()).hexdigest()[:12]}"  # noqa: S324 -- an opaque id, as BigBlueButton's
            attendees.append(
                {
                    "ext_user_id": user_id,
                    "name": user["name"],
                    "moderator": user["role"] == "MODERATOR",
                    "joins": [iso(a) for a, _b in stretches],
                    "leaves": [iso(b) for _a, b in stretches],
                    "duration": int(sum(b - a for a, b in stretches)),
                    "recent_talking_time": 0,
                    "engagement": {"chats": 0, "talks": 0, "raisehand": 0, "emojis": 0, "poll_votes": 0, "talk_time": 0},
                    "sessions": {
                        internal: {
                            "joins": [
                                {"timestamp": iso(a), "userid": internal, "ext_userid": user_id, "event": "join"} for a, _b in stretches
                            ],
                            "lefts": [
                                {"timestamp": iso(b), "userid": internal, "ext_userid": user_id, "event": "left"} for _a, b in stretches
                            ],
                        }
                    },
                }
            )
        start = min((a for s in spans.values() for a, _b in s), default=time.time())
        finish = max((b for s in spans.values() for _a, b in s), default=time.time())
        payload = {
            "version": "1.0",
            "meeting_id": meeting_id,
            "internal_meeting_id": meeting.internal_id,
            "data": {
                "metadata": {k[5:].replace("-", "_"): v for k, v in meeting.params.items() if k.startswith("meta_")},
                "duration": int(finish - start),
                "start": iso(start),
                "finish": iso(finish),
                "attendees": attendees,
                "files": [],
                "polls": [],
            },
        }
        token = jwt_hs512({"exp": int(time.time()) + 24 * 3600}, self.secret)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}", "User-Agent": "BigBlueButton Analytics Callback"}
        return meeting.params["meta_analytics-callback-url"], json.dumps(payload).encode(), headers


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt_hs512(claims: dict, secret: str, *, alg: str = "HS512") -> str:
    """A JWT as ruby-jwt's ``JWT.encode(payload, secret, 'HS512', {typ: 'JWT'})`` makes it."""
    header = _b64(json.dumps({"typ": "JWT", "alg": alg}).encode())
    body = _b64(json.dumps(claims).encode())
    digest = hashlib.sha512 if alg == "HS512" else hashlib.sha256
    signature = _b64(hmac.new(secret.encode(), f"{header}.{body}".encode(), digest).digest())
    return f"{header}.{body}.{signature}"


# -- Zoom ------------------------------------------------------------------------------------

# Zoom API reference examples: "Create a meeting" (POST /users/{userId}/meetings, 201),
# "Add a meeting registrant" (POST /meetings/{meetingId}/registrants, 201), "Get a user"
# (GET /users/{userId}), "Get meeting participant reports" (GET /report/meetings/{meetingId}/
# participants, whose example carries next_page_token "Tva2CuIdTgsv8wAnhyAdU3m06Y2HuLQtlh3" and
# the participant "jchill" <jchill@example.com>), and Server-to-Server OAuth's token answer.
ZOOM_TOKEN = {
    "access_token": "",
    "token_type": "bearer",
    "expires_in": 3599,
    "scope": "meeting:write:admin report:read:admin user:read:admin",
    "api_url": "https://api.zoom.us",
}
ZOOM_USER = {
    "id": "z8yAAAAA8bbbQ",
    "first_name": "Jill",
    "last_name": "Chill",
    "display_name": "Jill Chill",
    "email": "jchill@example.com",
    "type": 2,
    "role_name": "Owner",
    "timezone": "Asia/Almaty",
    "account_id": "",
    "status": "active",
}
ZOOM_MEETING = {
    "assistant_id": "kFFvsJc-Q1OSxaJQLvaa_A",
    "host_email": "jchill@example.com",
    "id": 0,
    "registration_url": "https://example.com/meeting/register/7ksAkRCoEpt1Jm0wa-E6lICLur9e7Lde5oW6",
    "agenda": "My Meeting",
    "created_at": "2022-03-25T07:29:29Z",
    "duration": 60,
    "h323_password": "123456",
    "join_url": "https://example.com/j/11111",
    "password": "123456",
    "pre_schedule": False,
    "settings": {"approval_type": 0, "registration_type": 1, "registrants_email_notification": False},
    "start_time": "2022-03-25T07:29:29Z",
    "start_url": "https://example.com/s/11111",
    "status": "waiting",
    "timezone": "America/Los_Angeles",
    "topic": "My Meeting",
    "type": 2,
    "uuid": "aDYlohsHRtCd4ii1uC2+hA==",
}
ZOOM_REGISTRANT = {
    "id": 85746065,
    "join_url": "https://example.com/j/11111",
    "registrant_id": "fdgsfh2ey82fuh",
    "start_time": "2021-07-13T21:44:51Z",
    "topic": "My Meeting",
    "occurrences": [],
}
ZOOM_PARTICIPANT = {
    "customer_key": "349589LkJyeW",
    "duration": 20,
    "failover": False,
    "id": "30R7kT7bTIKSNUFEuH_Qlg",
    "join_time": "2019-03-15T07:40:46Z",
    "leave_time": "2019-03-15T08:00:46Z",
    "name": "jchill",
    "registrant_id": "_f08HhPJS82MIVLuuFaJPg",
    "status": "in_meeting",
    "user_email": "jchill@example.com",
    "user_id": "ABCDEF123456",
    "bo_mtg_id": "27423744",
    "participant_user_id": "DYHrdpjrS3uaOf7dPkkg8w",
}
ZOOM_INVALID_TOKEN = {"code": 124, "message": "Invalid access token."}
ZOOM_RATE_LIMITED = {"code": 429, "message": "You have reached the maximum per-second rate limit for this API. Try again later."}


class Zoom(Contract):
    """Zoom's OAuth token endpoint and API v2 for one Server-to-Server OAuth app."""

    def __init__(
        self, account_id: str = "acc-Xf9Qz", client_id: str = "cli-3nR2", client_secret: str = "s3cr3t-zoom", page_size: int = 300
    ) -> None:
        super().__init__()
        self.account_id, self.client_id, self.client_secret = account_id, client_id, client_secret
        self.token_ttl = 3599
        self.tokens: dict[str, float] = {}  # token → expiry (epoch)
        self.meetings: dict[str, dict] = {}  # id → meeting (kind "meetings" or "webinars")
        self.registrants: dict[str, dict[str, dict]] = {}  # meeting id → registrant id → registrant
        self.participants: dict[str, list[dict]] = {}  # meeting id → report rows
        self.page_size_cap = page_size
        self.pages_served = 0
        self._next_id = 85746065

    @property
    def oauth_url(self) -> str:
        return self.url + "/oauth/token"

    @property
    def api_url(self) -> str:
        return self.url + "/v2"

    def expire_tokens(self) -> None:
        self.tokens = dict.fromkeys(self.tokens, 0.0)

    def _json(self, status: int, data: Any = None, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str], str]:
        return status, json.dumps(data).encode() if data is not None else b"", headers or {}, "application/json"

    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes, dict[str, str], str]:
        parsed = urllib.parse.urlsplit(path)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        lower = {k.lower(): v for k, v in headers.items()}
        if parsed.path == "/oauth/token":
            return self._token(method, query, lower)
        if not parsed.path.startswith("/v2/"):
            return self._json(404, {"code": 404, "message": "Not found."})
        auth = lower.get("authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else ""
        if self.tokens.get(token, 0) < time.time():
            return self._json(401, ZOOM_INVALID_TOKEN)
        try:
            data = json.loads(body) if body else {}
        except ValueError:
            return self._json(400, {"code": 300, "message": "Request Body should be a valid JSON object."})
        return self._api(method, parsed.path[3:], query, data)

    def _token(self, method: str, query: dict, headers: dict) -> tuple[int, bytes, dict[str, str], str]:
        if method != "POST" or query.get("grant_type") != "account_credentials":
            return self._json(400, {"reason": "Unsupported grant type", "error": "unsupported_grant_type"})
        expected = "Basic " + base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if headers.get("authorization") != expected:
            return self._json(401, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"})
        if query.get("account_id") != self.account_id:
            return self._json(400, {"reason": "Invalid request : Account does not exist.", "error": "invalid_request"})
        token = secrets.token_urlsafe(24)
        self.tokens[token] = time.time() + self.token_ttl
        return self._json(200, {**ZOOM_TOKEN, "access_token": token, "expires_in": self.token_ttl})

    def _api(self, method: str, path: str, query: dict, data: dict) -> tuple[int, bytes, dict[str, str], str]:
        if method == "GET" and path == "/users/me":
            return self._json(200, {**ZOOM_USER, "account_id": self.account_id})
        match = re.fullmatch(r"/users/me/(meetings|webinars)", path)
        if match and method == "POST":
            for name, kind in (("topic", str), ("start_time", str), ("duration", int), ("type", int)):
                if not isinstance(data.get(name), kind):
                    return self._json(400, {"code": 300, "message": f"Invalid field: {name}."})
            if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["start_time"]):
                return self._json(400, {"code": 300, "message": "Invalid field: start_time."})
            self._next_id += 1
            meeting_id = str(self._next_id)
            meeting = {**ZOOM_MEETING, **{k: v for k, v in data.items() if k != "settings"}, "id": int(meeting_id), "kind": match.group(1)}
            meeting["join_url"] = f"https://example.com/j/{meeting_id}"
            meeting["settings"] = {**ZOOM_MEETING["settings"], **(data.get("settings") or {})}
            self.meetings[meeting_id] = meeting
            return self._json(201, {k: v for k, v in meeting.items() if k != "kind"})
        match = re.fullmatch(r"/(meetings|webinars)/(\d+)", path)
        if match:
            meeting = self.meetings.get(match.group(2))
            if meeting is None or meeting["kind"] != match.group(1) or meeting.get("deleted"):
                return self._json(404, {"code": 3001, "message": f"Meeting does not exist: {match.group(2)}."})
            if method == "PATCH":
                meeting.update({k: v for k, v in data.items() if k in ("topic", "start_time", "duration", "timezone", "agenda")})
                return self._json(204)
            if method == "DELETE":
                meeting["deleted"] = True
                return self._json(204)
            if method == "GET":
                return self._json(200, {k: v for k, v in meeting.items() if k != "kind"})
        match = re.fullmatch(r"/(meetings|webinars)/(\d+)/registrants(?:/([^/]+))?", path)
        if match:
            meeting = self.meetings.get(match.group(2))
            if meeting is None or meeting.get("deleted"):
                return self._json(404, {"code": 3001, "message": f"Meeting does not exist: {match.group(2)}."})
            people = self.registrants.setdefault(match.group(2), {})
            if method == "POST" and match.group(3) is None:
                if not data.get("email") or not data.get("first_name"):
                    return self._json(400, {"code": 300, "message": "Validation Failed."})
                registrant_id = secrets.token_urlsafe(12)
                people[registrant_id] = data
                answer = {
                    **ZOOM_REGISTRANT,
                    "id": int(match.group(2)),
                    "registrant_id": registrant_id,
                    "topic": meeting["topic"],
                    "start_time": meeting["start_time"],
                }
                answer["join_url"] = f"https://example.com/w/{match.group(2)}?tk={registrant_id}"
                return self._json(201, answer)
            if method == "DELETE" and match.group(3):
                if people.pop(match.group(3), None) is None:
                    return self._json(404, {"code": 3043, "message": "Registrant does not exist."})
                return self._json(204)
        match = re.fullmatch(r"/report/(meetings|webinars)/(\d+)/participants", path)
        if match and method == "GET":
            rows = self.participants.get(match.group(2))
            if rows is None:
                return self._json(404, {"code": 3001, "message": "Meeting does not exist: " + match.group(2)})
            size = min(int(query.get("page_size", 30)), self.page_size_cap)
            start = int(query["next_page_token"][5:]) if query.get("next_page_token", "").startswith("page-") else 0
            page = rows[start : start + size]
            following = f"page-{start + size}" if start + size < len(rows) else ""
            self.pages_served += 1
            return self._json(
                200,
                {
                    "next_page_token": following,
                    "page_count": -(-len(rows) // size),
                    "page_size": size,
                    "total_records": len(rows),
                    "participants": page,
                },
            )
        return self._json(404, {"code": 404, "message": "Not found."})

    def participant(self, *, name: str, email: str, join: str, leave: str, registrant_id: str = "") -> dict:
        row = {
            **ZOOM_PARTICIPANT,
            "name": name,
            "user_email": email,
            "join_time": join,
            "leave_time": leave,
            "registrant_id": registrant_id,
        }
        row["id"] = secrets.token_urlsafe(12)
        return row

    def webhook(self, event: str, secret_token: str, payload: dict, *, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
        """A webhook as Zoom signs it: x-zm-signature = v0=HMAC-SHA256(secret token, "v0:{ts}:{body}")."""
        ts = str(timestamp if timestamp is not None else int(time.time()))
        body = json.dumps({"event": event, "event_ts": int(ts), "payload": payload}).encode()
        signature = "v0=" + hmac.new(secret_token.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
        return body, {"HTTP_X_ZM_SIGNATURE": signature, "HTTP_X_ZM_REQUEST_TIMESTAMP": ts}
