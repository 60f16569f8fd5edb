"""BigBlueButton's API (2.7 and later, 3.0): the calls this project makes, with their checksums.

Every call is ``GET <server>/api/<call>?<query>&checksum=<hex>`` where the checksum is the hash
of ``call + query + shared secret``. Servers choose which hashes they accept
(``supportedChecksumAlgorithms``: SHA-1, SHA-256, SHA-384, SHA-512; 2.6 and later default to all
of them, older ones to SHA-1): ``detect_algorithm`` tries SHA-256 first and falls back to SHA-1.
Answers are XML: ``<response><returncode>SUCCESS|FAILED</returncode><messageKey/><message/>…``.

``create`` is idempotent for one ``meetingID``: calling it again for a meeting that exists
answers SUCCESS (``duplicateWarning``). A meeting nobody joins ends after a few minutes, so
``create`` is called again just before each join (``ensure_running``); the personal ``join``
address is built and signed, never called, here.
"""

from __future__ import annotations

import hashlib
import urllib.parse
import xml.etree.ElementTree as ET  # noqa: S405 -- answers of the organiser's own server; no DTDs are resolved by ElementTree
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from .http import PlatformError, request, retry_after_seconds

ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}
PREFERRED = ("sha256", "sha1")


def api_base(server_url: str) -> str:
    """``https://host/bigbluebutton/api`` from what an organiser pastes (the host, …/bigbluebutton/ or …/api/)."""
    url = server_url.strip().rstrip("/")
    if url.endswith("/api"):
        return url
    if url.endswith("/bigbluebutton"):
        return url + "/api"
    return url + "/bigbluebutton/api"


def checksum(call: str, query: str, secret: str, algorithm: str = "sha256") -> str:
    return ALGORITHMS[algorithm]((call + query + secret).encode()).hexdigest()


def signed_url(base: str, call: str, params: dict[str, Any], secret: str, algorithm: str) -> str:
    query = urllib.parse.urlencode([(k, str(v)) for k, v in params.items() if v is not None])
    return f"{base}/{call}?{query}{'&' if query else ''}checksum={checksum(call, query, secret, algorithm)}"


@dataclass
class Answer:
    ok: bool
    message_key: str
    message: str
    values: dict[str, str] = field(default_factory=dict)
    root: ET.Element | None = None


def _parse(body: bytes) -> Answer:
    try:
        root = ET.fromstring(body)  # noqa: S314 -- see the import
    except ET.ParseError as error:
        raise PlatformError(_("The server did not answer as a BigBlueButton server does (no XML).")) from error
    values = {child.tag: (child.text or "").strip() for child in root if len(child) == 0}
    return Answer(
        ok=values.get("returncode") == "SUCCESS",
        message_key=values.get("messageKey", ""),
        message=values.get("message", ""),
        values=values,
        root=root,
    )


@dataclass
class Client:
    server_url: str
    secret: str
    algorithm: str = "sha256"

    @property
    def base(self) -> str:
        return api_base(self.server_url)

    def url(self, call: str, params: dict[str, Any]) -> str:
        return signed_url(self.base, call, params, self.secret, self.algorithm or "sha256")

    def call(self, call: str, params: dict[str, Any], *, accept: tuple[str, ...] = ()) -> Answer:
        """GET the call; FAILED answers raise, except those whose messageKey is in ``accept``."""
        response = request("GET", self.url(call, params), headers={"Accept": "application/xml"})
        if response.status == 429 or response.status >= 500:
            raise PlatformError(
                _("The BigBlueButton server answered HTTP %(status)s; trying again later.") % {"status": response.status},
                status=response.status,
                retry_after=retry_after_seconds(response.headers.get("retry-after")),
            )
        if response.status >= 400:
            raise PlatformError(
                _("The BigBlueButton server refused the call (HTTP %(status)s): check its address.") % {"status": response.status},
                status=response.status,
                temporary=False,
            )
        answer = _parse(response.body)
        if not answer.ok and answer.message_key not in accept:
            if answer.message_key == "checksumError":
                raise PlatformError(_("BigBlueButton refused the shared secret (checksum error)."), temporary=False)
            raise PlatformError(
                _("BigBlueButton answered: %(message)s") % {"message": answer.message or answer.message_key or "FAILED"},
                temporary=False,
            )
        return answer

    def detect_algorithm(self) -> str:
        """The first of SHA-256, SHA-1 the server accepts with this secret; raises when none is."""
        last: PlatformError | None = None
        for algorithm in PREFERRED:
            self.algorithm = algorithm
            try:
                self.call("isMeetingRunning", {"meetingID": "museum-webinars-connection-check"})
            except PlatformError as error:
                if error.temporary:
                    raise
                last = error
                continue
            return algorithm
        assert last is not None
        raise last

    def create(self, params: dict[str, Any]) -> Answer:
        return self.call("create", params)

    def end(self, meeting_id: str, password: str = "") -> Answer:
        params = {"meetingID": meeting_id}
        if password:
            params["password"] = password
        return self.call("end", params, accept=("notFound",))

    def is_meeting_running(self, meeting_id: str) -> bool:
        return self.call("isMeetingRunning", {"meetingID": meeting_id}).values.get("running") == "true"

    def meeting_info(self, meeting_id: str) -> list[dict[str, str]] | None:
        """The attendees of a running meeting (``userID``, ``fullName``, ``role``…); None when it is not running."""
        answer = self.call("getMeetingInfo", {"meetingID": meeting_id}, accept=("notFound",))
        if not answer.ok or answer.root is None:
            return None
        people = []
        for attendee in answer.root.iter("attendee"):
            people.append({child.tag: (child.text or "").strip() for child in attendee if len(child) == 0})
        return people

    def join_url(self, params: dict[str, Any]) -> str:
        return self.url("join", params)
