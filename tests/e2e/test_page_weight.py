"""Page weight of every public page: everything a first visit downloads, all from our own host."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.signals import request_started

from .conftest import PUBLIC_PAGES, public_path

pytestmark = pytest.mark.browser

BUDGET_BYTES = 60 * 1024


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_page_is_light_and_self_hosted(site, new_context, name):
    # A first visit with no cookies, from the default zone (so tz.js has no reason to reload).
    page = new_context(timezone_id="Asia/Almaty").new_page()
    requests = []
    page.on("request", lambda request: requests.append(request))
    failed = []
    page.on("requestfailed", lambda request: failed.append(request))
    # What the live server (same process) answered, including requests Playwright does not
    # report to the page, such as the browser's own /favicon.ico.
    served = []

    def record(sender, environ, **kwargs):
        served.append(environ["PATH_INFO"])

    request_started.connect(record)
    try:
        response = page.goto(public_path(PUBLIC_PAGES[name]), wait_until="networkidle")
    finally:
        request_started.disconnect(record)
    assert response is not None
    assert response.status == (404 if name == "404" else 200)

    foreign = [r.url for r in requests if urlsplit(r.url).netloc != site.netloc]
    assert foreign == [], f"requests to other hosts: {foreign}"
    assert failed == [], f"failed requests: {[(r.url, r.failure) for r in failed]}"

    seen = {urlsplit(r.url).path for r in requests}
    hidden = [path for path in served if path not in seen]
    assert hidden == [], f"requests not made by the page itself (a favicon?): {hidden}"

    sizes = {}
    for request in requests:
        transfer = request.sizes()
        sizes[request.url] = transfer["responseHeadersSize"] + transfer["responseBodySize"]
    kinds = {r.resource_type for r in requests}
    assert {"document", "stylesheet", "script"} <= kinds, f"expected the HTML, the CSS and tz.js, got {kinds}"
    total = sum(sizes.values())
    detail = "\n".join(f"  {size:>7} B  {url}" for url, size in sizes.items())
    print(f"\n{PUBLIC_PAGES[name]}: {total} B\n{detail}")
    assert total < BUDGET_BYTES, f"{PUBLIC_PAGES[name]} weighs {total} B (budget {BUDGET_BYTES} B):\n{detail}"
