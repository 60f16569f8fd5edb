"""Zoom's API v2 with a Server-to-Server OAuth app: the calls this project makes.

Token: ``POST https://zoom.us/oauth/token?grant_type=account_credentials&account_id=…`` with
HTTP Basic ``client_id:client_secret``; the answer's ``access_token`` is valid ``expires_in``
seconds (one hour) and is kept in the cache until a minute before that. A 401 from the API
(token revoked or expired early) drops it and tries once with a new one.

Meetings (``/users/me/meetings``, type 2 "scheduled") or webinars (``/users/me/webinars``, type
5) are created with registration required and automatic approval, so that adding a registrant
returns their personal ``join_url``. Errors are JSON ``{"code", "message"}``; 429 carries
``Retry-After``. Settings ``ZOOM_API_URL`` and ``ZOOM_OAUTH_URL`` point elsewhere (the tests'
contract server).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from .http import PlatformError, Response, request, retry_after_seconds

PAGE_SIZE = 300  # the report API's largest page


@dataclass
class Client:
    account_id: str
    client_id: str
    client_secret: str
    kind: str = "meeting"  # or "webinar"

    # -- token -----------------------------------------------------------------------------

    @property
    def _cache_key(self) -> str:
        digest = hashlib.sha256(f"{self.account_id}:{self.client_id}:{self.client_secret}".encode()).hexdigest()[:32]
        return f"meetings:zoom-token:{digest}"

    def token(self, *, fresh: bool = False) -> str:
        if not fresh:
            cached = cache.get(self._cache_key)
            if cached:
                return str(cached)
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        query = urllib.parse.urlencode({"grant_type": "account_credentials", "account_id": self.account_id})
        response = request("POST", f"{settings.ZOOM_OAUTH_URL}?{query}", headers={"Authorization": f"Basic {basic}"}, body=b"")
        data = response.json() or {}
        if response.status != 200 or not data.get("access_token"):
            if response.status == 429 or response.status >= 500:
                raise _error(response)
            reason = data.get("reason") or data.get("error_description") or data.get("error") or data.get("message") or ""
            raise PlatformError(
                _("Zoom refused the app's credentials (%(reason)s): check the account ID, client ID and client secret.")
                % {"reason": reason or response.status},
                status=response.status,
                temporary=False,
            )
        ttl = max(30, int(data.get("expires_in", 3600)) - 60)
        cache.set(self._cache_key, data["access_token"], ttl)
        return str(data["access_token"])

    # -- calls -----------------------------------------------------------------------------

    def call(self, method: str, path: str, *, body: dict | None = None, query: dict | None = None) -> Response:
        url = settings.ZOOM_API_URL + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
        data = json.dumps(body).encode() if body is not None else None
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self.token(fresh=attempt == 2)}", "Accept": "application/json"}
            if data is not None:
                headers["Content-Type"] = "application/json"
            response = request(method, url, headers=headers, body=data)
            if response.status == 401 and attempt == 1:
                cache.delete(self._cache_key)
                continue
            return response
        return response

    def checked(self, method: str, path: str, *, ok: tuple[int, ...], **kwargs: Any) -> Response:
        response = self.call(method, path, **kwargs)
        if response.status not in ok:
            raise _error(response)
        return response

    def check(self) -> str:
        """The connection works: a token, and the account's user (for the message)."""
        me = self.checked("GET", "/users/me", ok=(200,)).json() or {}
        return str(me.get("email") or me.get("id") or "")

    @property
    def _things(self) -> str:
        return "webinars" if self.kind == "webinar" else "meetings"

    def create(self, *, topic: str, start: dt.datetime, duration: int, time_zone: str, agenda: str = "") -> dict:
        body = {
            "topic": topic[:200],
            "type": 5 if self.kind == "webinar" else 2,
            "start_time": start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration": duration,
            "timezone": time_zone,
            "agenda": agenda[:2000],
            "settings": {"approval_type": 0, "registration_type": 1, "registrants_email_notification": False},
        }
        return self.checked("POST", f"/users/me/{self._things}", ok=(201,), body=body).json() or {}

    def update(self, meeting_id: str, *, topic: str, start: dt.datetime, duration: int, time_zone: str) -> None:
        body = {
            "topic": topic[:200],
            "start_time": start.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration": duration,
            "timezone": time_zone,
        }
        self.checked("PATCH", f"/{self._things}/{meeting_id}", ok=(204,), body=body)

    def delete(self, meeting_id: str) -> None:
        """Delete the meeting; one already gone (404) is what was wanted."""
        self.checked("DELETE", f"/{self._things}/{meeting_id}", ok=(204, 404))

    def add_registrant(self, meeting_id: str, *, email: str, name: str) -> dict:
        first, _sep, last = name.strip().rpartition(" ")
        if not first:
            first, last = last, ""
        body = {"email": email, "first_name": first[:64] or email, "last_name": last[:64]}
        return self.checked("POST", f"/{self._things}/{meeting_id}/registrants", ok=(201,), body=body).json() or {}

    def delete_registrant(self, meeting_id: str, registrant_id: str) -> None:
        self.checked("DELETE", f"/{self._things}/{meeting_id}/registrants/{registrant_id}", ok=(204, 404))

    def participants(self, meeting_id: str) -> Iterator[dict]:
        """Every row of the past meeting's participants report, page after page (``next_page_token``)."""
        token = ""
        while True:
            query = {"page_size": PAGE_SIZE}
            if token:
                query["next_page_token"] = token
            page = self.checked("GET", f"/report/{self._things}/{meeting_id}/participants", ok=(200,), query=query).json() or {}
            yield from page.get("participants") or []
            token = page.get("next_page_token") or ""
            if not token:
                return


def _error(response: Response) -> PlatformError:
    data = response.json()
    message = data.get("message", "") if isinstance(data, dict) else ""
    status = response.status
    if status == 429:
        return PlatformError(
            _("Zoom's rate limit was reached; trying again later."),
            status=429,
            retry_after=retry_after_seconds(response.headers.get("retry-after")),
        )
    if status >= 500:
        return PlatformError(_("Zoom answered HTTP %(status)s; trying again later.") % {"status": status}, status=status)
    if status == 401:
        return PlatformError(_("Zoom refused the app's access token: check the app's credentials and scopes."), status=401, temporary=False)
    if status == 404:
        return PlatformError(_("Zoom does not know this meeting (it may have been deleted there)."), status=404, temporary=False)
    return PlatformError(
        _("Zoom answered HTTP %(status)s: %(message)s") % {"status": status, "message": message or "—"}, status=status, temporary=False
    )
