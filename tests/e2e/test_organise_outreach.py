"""Organisers' journeys in a real browser, in English and Russian, counting clicks from the dashboard:
see who registered (≤ 2), send a message with a test first, announce a recording (≤ 4), invite an
editor who sets a password and signs in. axe-core checks every workspace page visited.

The live server runs in this process: e-mails (locmem backend, tasks run at once after the
commit) are in ``django.core.mail.outbox`` as soon as the page has answered.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from tests.factories import RegistrationFactory, SeriesFactory, SeriesRoleFactory, UserFactory, WebinarFactory
from webinars.mail.models import OutgoingMessage
from webinars.programme.models import SeriesRole, Webinar

from .test_accessibility import describe

pytestmark = pytest.mark.browser

AXE = Axe()
TITLE = {"en": "Caring for textiles", "ru": "Уход за текстилем"}
SERIES_TITLE = {"en": "Textile conservation", "ru": "Консервация текстиля"}


def t(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


class Clicks:
    """Counts the clicks of a journey (typing is not a click)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def click(self, locator) -> None:  # type: ignore[no-untyped-def]
        locator.click()
        self.count += 1


def assert_accessible(page: Page, visited: set[str]) -> None:
    violations = AXE.run(page).response["violations"]
    assert violations == [], f"axe on {page.url}:\n{describe(violations)}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"sideways scroll on {page.url}"
    visited.add(re.sub(r"\d+", "N", page.url.split("?")[0].split("#")[0]))


@pytest.fixture
def programme(site):
    series = SeriesFactory(slug="textiles", title=SERIES_TITLE, is_published=True)
    webinar = WebinarFactory(
        series=series, slug="textiles-1", title=TITLE, starts_at=timezone.now() + dt.timedelta(days=6), capacity=40, status="published"
    )
    owner = UserFactory(username="owner@example.org", email="owner@example.org")
    SeriesRoleFactory(series=series, user=owner, role=SeriesRole.Role.OWNER)
    people = [
        RegistrationFactory(webinar=webinar, name="Динара Халикова", email="dinara@example.org", language="ru", country="KZ"),
        RegistrationFactory(webinar=webinar, name="Անահիտ Սարգսյան", email="anahit@example.org", language="hy", country="AM"),
        RegistrationFactory(webinar=webinar, name="Anna Smith", email="anna@example.org", language="en", country="GB"),
        # A verified address: moving him off the waiting list confirms him at once (issue 9: an
        # unverified one would only get a pending seat until he confirms).
        RegistrationFactory(
            webinar=webinar,
            name="Timur Nurlanov",
            email="timur@example.org",
            language="ru",
            status="waitlisted",
            email_verified_at=timezone.now(),
        ),
    ]
    return {"series": series, "webinar": webinar, "owner": owner, "people": people}


def signed_in_page(new_context, language: str, *, width: int = 1280) -> Page:
    """The owner signed in (the factories' password), on the dashboard."""
    page = new_context(lang=language, tz="Asia/Almaty", viewport={"width": width, "height": 900}).new_page()
    page.goto("/organise/login/")
    page.fill("input[name=username]", "owner@example.org")
    page.fill("input[name=password]", "pw")
    page.locator("main button[type=submit]").first.click()  # the password form (a passkey form follows)
    expect(page).to_have_url(re.compile(r"/organise/$"))
    return page


@pytest.mark.parametrize("language", ["en", "ru"])
def test_see_who_registered_in_two_clicks(new_context, programme, language):
    page = signed_in_page(new_context, language)
    visited: set[str] = set()
    assert_accessible(page, visited)
    clicks = Clicks(page)
    clicks.click(page.locator("main").get_by_role("link", name=TITLE[language]))
    assert_accessible(page, visited)
    clicks.click(page.locator("nav.tabs").get_by_role("link", name=t(language, "Registrations")))
    expect(page.locator("table.registrations")).to_contain_text("Динара Халикова")
    expect(page.locator("table.registrations")).to_contain_text("Անահիտ Սարգսյան")
    assert clicks.count <= 2
    assert_accessible(page, visited)
    # Search across scripts, then one registration's page with its history.
    page.fill("input[name=q]", "khalikova")
    page.locator("form.filters button[type=submit]").click()
    expect(page.locator("table.registrations tbody tr")).to_have_count(1)
    page.locator("table.registrations").get_by_role("link", name="Динара Халикова").click()
    expect(page.locator("main h2").first).to_contain_text("Динара Халикова")
    assert_accessible(page, visited)
    # At 375 px the table collapses into labelled rows: nothing scrolls sideways.
    narrow = signed_in_page(new_context, language, width=375)
    narrow.goto(f"/organise/webinars/{programme['webinar'].pk}/registrations/")
    assert_accessible(narrow, visited)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_move_from_the_waiting_list_and_cancel_with_confirmation(new_context, programme, language):
    page = signed_in_page(new_context, language)
    page.goto(f"/organise/webinars/{programme['webinar'].pk}/registrations/")
    timur = page.locator("table.registrations tr", has_text="Timur Nurlanov")
    timur.get_by_role("button", name=re.compile(re.escape(t(language, "Move from the waiting list")))).click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("table.registrations tr", has_text="Timur Nurlanov")).to_contain_text(t(language, "confirmed"))
    anna = page.locator("table.registrations tr", has_text="Anna Smith")
    anna.get_by_role("button", name=re.compile("^" + re.escape(t(language, "Cancel")))).click()
    visited: set[str] = set()
    assert_accessible(page, visited)  # the confirmation page
    page.locator("main form button.danger").click()
    expect(page.locator("table.registrations tr", has_text="Anna Smith")).to_contain_text(t(language, "cancelled"))
    assert any(m.to == ["anna@example.org"] for m in mail.outbox)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_send_a_message_with_a_test_first(new_context, programme, language):
    page = signed_in_page(new_context, language)
    visited: set[str] = set()
    clicks = Clicks(page)
    clicks.click(page.locator("main").get_by_role("link", name=TITLE[language]))
    clicks.click(page.locator("nav.tabs").get_by_role("link", name=t(language, "Messages")))
    assert_accessible(page, visited)
    page.fill("input[name=subject]", "Reading list")
    page.fill("textarea[name=body]", "The reading list is attached to the webinar page.")
    page.locator("details.language-tab", has_text="Русский").locator("summary").click()
    page.fill("input[name=subject_ru]", "Список литературы")
    page.fill("textarea[name=body_ru]", "Список литературы — на странице вебинара.")
    clicks.click(page.get_by_role("button", name=t(language, "Preview"), exact=True))
    expect(page.locator(".previews")).to_contain_text("Список литературы")
    assert_accessible(page, visited)
    clicks.click(page.get_by_role("button", name=t(language, "Send a test to myself")))
    expect(page.locator(".messages")).to_contain_text("owner@example.org")
    assert {m.to[0] for m in mail.outbox} == {"owner@example.org"}
    assert {m.subject for m in mail.outbox} == {"[Test] Reading list", "[Тест] Список литературы"}
    mail.outbox.clear()
    clicks.click(page.get_by_role("button", name=t(language, "Send to registrants")))
    expect(page.locator("#history-h")).to_be_visible()
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {"dinara@example.org": "Список литературы", "anahit@example.org": "Reading list", "anna@example.org": "Reading list"}
    expect(page.locator("main table").last).to_contain_text("3")
    assert clicks.count <= 6
    assert_accessible(page, visited)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_announce_a_recording_in_four_clicks(new_context, programme, language):
    page = signed_in_page(new_context, language)
    visited: set[str] = set()
    clicks = Clicks(page)
    clicks.click(page.locator("main").get_by_role("link", name=TITLE[language]))
    clicks.click(page.locator("nav.tabs").get_by_role("link", name=t(language, "Messages")))
    page.fill("input[name=recording_url]", "https://video.example.org/textiles-1")
    clicks.click(page.get_by_role("button", name=t(language, "Preview the e-mail")))
    expect(page.locator(".previews")).to_contain_text("https://video.example.org/textiles-1")
    assert_accessible(page, visited)
    clicks.click(page.get_by_role("button", name=t(language, "Save and tell the registrants")))
    expect(page.locator(".messages")).to_be_visible()
    assert clicks.count <= 4
    assert sorted(m.to[0] for m in mail.outbox) == ["anahit@example.org", "anna@example.org", "dinara@example.org"]
    assert Webinar.objects.get(pk=programme["webinar"].pk).recording_url == "https://video.example.org/textiles-1"
    assert OutgoingMessage.objects.filter(kind="recording").count() == 3


@pytest.mark.parametrize("language", ["en", "ru"])
def test_invite_an_editor_who_sets_a_password_and_signs_in(new_context, programme, language):
    page = signed_in_page(new_context, language)
    visited: set[str] = set()
    clicks = Clicks(page)
    clicks.click(page.locator("main").get_by_role("link", name=SERIES_TITLE[language]))
    clicks.click(page.locator("nav.tabs").get_by_role("link", name=t(language, "Team")))
    assert_accessible(page, visited)
    page.fill("input[name=email]", "new.editor@example.org")
    page.select_option("select[name=role]", "editor")
    clicks.click(page.get_by_role("button", name=t(language, "Send the invitation"), exact=True))
    expect(page.locator("table.team")).to_contain_text("new.editor@example.org")
    assert clicks.count <= 3
    [invitation] = mail.outbox
    link = next(line.strip() for line in invitation.body.splitlines() if "/organise/password/" in line)
    path = link[link.index("/organise/password/") :]
    page.locator("nav.tabs").get_by_role("link", name=t(language, "Activity")).click()
    expect(page.locator("table.activity")).to_contain_text("new.editor@example.org")
    assert_accessible(page, visited)

    invited = new_context(lang=language, tz="Asia/Almaty").new_page()
    invited.goto(path)
    invited.fill("input[name=new_password1]", "a-long-Passphrase-2026")
    invited.fill("input[name=new_password2]", "a-long-Passphrase-2026")
    invited.locator("main button[type=submit]").click()
    invited.locator("main a.button").click()
    invited.fill("input[name=username]", "new.editor@example.org")
    invited.fill("input[name=password]", "a-long-Passphrase-2026")
    invited.locator("main button[type=submit]").first.click()  # the password form (a passkey form follows)
    expect(invited).to_have_url(re.compile(r"/organise/$"))
    expect(invited.locator("main")).to_contain_text(SERIES_TITLE[language])
    invited.goto(f"/organise/webinars/{programme['webinar'].pk}/registrations/")
    expect(invited.locator("table.registrations")).to_contain_text("Anna Smith")  # an editor sees who registered
    assert invited.goto(f"/organise/series/{programme['series'].pk}/team/").status == 403  # but not the team
