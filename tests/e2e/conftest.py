"""Real-browser fixtures: Playwright driving Debian's chromium against pytest-django's live server.

Never ``playwright install``: the browser is the ``chromium`` binary from Debian (``make
browser-deps``), launched with flags that keep it from calling home (see shared/NOTES.md).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

# Playwright's sync API keeps an event loop running in this thread, which makes Django's
# async-safety check refuse ORM calls made by the test fixtures. The fixtures are plain
# synchronous code, so the check is a false alarm here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

SERIES = "/series/museum-webinars-central-asia-south-caucasus/"
SAMPLE_SERIES = "/series/sample-series/"
SAMPLE_WEBINAR_SLUG = "sample-collection-care"

# Every public page kind, with a real (2021 seed) and a sample example where both exist.
PUBLIC_PAGES = {
    "home": "/",
    "series": SERIES,
    "series-sample": SAMPLE_SERIES,
    "webinar": SERIES + "migration-and-diversity/",
    "webinar-sample": SAMPLE_SERIES + SAMPLE_WEBINAR_SLUG + "/",
    "person": "/people/dinara-khalikova/",
    "person-sample": "/people/sample-speaker/",
    "404": "/no-such-page/",
    "library": "/library/",
    "library-filtered": "/library/?kind=link",
    "search": "/search/?q=museum",
    "search-transliterated": "/search/?q=muzey",
    # the demo's sample recording with its transcript (its id is known once the site is loaded)
    "library-recording": "/library/{recording}/",
}
# Pages in a state worth checking too (the accessibility test covers these as well).
PAGE_STATES = {
    "unknown-time-zone": "/?tz=Nowhere/City",
}


def public_path(path: str) -> str:
    """``path`` with ``{recording}`` replaced by the id of the demo library's sample recording."""
    if "{recording}" not in path:
        return path
    from webinars.library.models import LibraryItem

    recording = LibraryItem.objects.published().filter(kind=LibraryItem.Kind.RECORDING, captions__isnull=False).order_by("pk").first()
    assert recording is not None, "the demo library has a sample recording with captions"
    return path.format(recording=recording.pk)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (run `make browser-deps`); the browser tests need it")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@dataclass
class LiveSite:
    url: str

    @property
    def netloc(self) -> str:
        return urlsplit(self.url).netloc


@pytest.fixture
def site(transactional_db, live_server) -> LiveSite:
    """The live server with the demo programme and its library loaded (flushed again after each test)."""
    from webinars.library.demo import library_demo_load
    from webinars.library.search.index import rebuild
    from webinars.programme.demo import demo_programme_load

    demo_programme_load()
    library_demo_load()
    rebuild()
    return LiveSite(url=live_server.url)


@pytest.fixture
def new_context(browser, site) -> Iterator[Callable]:
    """Factory of browser contexts pointed at the live server; all closed after the test.

    ``lang`` presets the language cookie; ``tz`` presets the ``tz`` cookie (otherwise
    tz.js stores the browser's zone and reloads once when it differs from the page's).
    """
    contexts = []
    violations: list[str] = []

    def on_console(message) -> None:
        # Chromium reports every Content-Security-Policy refusal on the console.
        if "Content Security Policy" in message.text:
            violations.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def make(*, lang: str | None = None, tz: str | None = None, **options):
        options.setdefault("locale", "en-GB")
        options.setdefault("timezone_id", "Asia/Almaty")
        context = browser.new_context(base_url=site.url, **options)
        cookies = []
        if lang:
            cookies.append({"name": "lang", "value": lang, "url": site.url})
        if tz:
            cookies.append({"name": "tz", "value": tz, "url": site.url})
        if cookies:
            context.add_cookies(cookies)
        context.set_default_timeout(15_000)
        context.on("console", on_console)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    # The policy is on in every browser test (as served): any violation fails the test.
    assert violations == [], "Content-Security-Policy violations:\n" + "\n".join(violations)
