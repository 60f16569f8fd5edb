"""A small HTTP client for the topology test: through nginx (HTTPS, our own certificate) or
straight to one application server (as nginx talks to it), with a cookie jar per session."""

from __future__ import annotations

import http.client
import re
import ssl
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Endpoint:
    """nginx (``tls=True``) or an application server reached as nginx reaches it."""

    port: int
    tls: bool = False
    cafile: str = ""

    def connect(self, timeout: float = 60) -> http.client.HTTPConnection:
        if self.tls:
            context = ssl.create_default_context(cafile=self.cafile)
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout, context=context)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def proxy_headers(self) -> dict[str, str]:
        # Straight to gunicorn: say what nginx says (the request came over HTTPS).
        return {} if self.tls else {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"


@dataclass
class Browser:
    """Cookies shared across endpoints: one person's browser, whichever server answers."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, endpoint: Endpoint, method: str, path: str, *, form: dict | None = None, headers: dict | None = None) -> Answer:
        all_headers = {**endpoint.proxy_headers(), **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
            all_headers.setdefault("Referer", endpoint.origin + path)
        connection = endpoint.connect()
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            connection.close()
        for value in answer.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(value)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return answer

    def get(self, endpoint: Endpoint, path: str, **kwargs) -> Answer:
        return self.request(endpoint, "GET", path, **kwargs)

    def post(self, endpoint: Endpoint, path: str, form: dict, **kwargs) -> Answer:
        return self.request(endpoint, "POST", path, form=form, **kwargs)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not match:
        raise AssertionError("no CSRF token in the form")
    return match.group(1)
