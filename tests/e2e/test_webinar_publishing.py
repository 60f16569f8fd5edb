"""An editor creates, previews and publishes a webinar, in English and in Russian: at most six
clicks from the dashboard, axe-clean and without sideways scrolling on every page visited."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import UserFactory
from webinars.programme.models import Series, SeriesRole, Webinar

from .test_accessibility import describe

pytestmark = pytest.mark.browser

AXE = Axe()
CLICK_BUDGET = 6
TEXTS = {
    "en": {
        "new": "New webinar",
        "create": "Create draft",
        "preview": "Preview the public page",
        "back": "Back to editing",
        "publish": "Publish",
        "title": "Caring for textiles in small museums",
        "pane": 0,
    },
    "ru": {
        "new": "Новый вебинар",
        "create": "Создать черновик",
        "preview": "Предпросмотр публичной страницы",
        "back": "Вернуться к редактированию",
        "publish": "Опубликовать",
        "title": "Хранение текстиля в небольших музеях",
        "pane": 1,
    },
}


def check_page(page, visited: list[str]) -> None:
    """axe finds nothing and nothing scrolls sideways at 1,280 px."""
    visited.append(page.url)
    violations = AXE.run(page).response["violations"]
    assert violations == [], f"axe on {page.url}:\n{describe(violations)}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, f"sideways scroll on {page.url}"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_create_preview_and_publish_a_webinar_within_six_clicks(site, new_context, language):
    words = TEXTS[language]
    series = Series.objects.get(slug="museum-webinars-central-asia-south-caucasus")
    editor = UserFactory(username="editor@example.org", email="editor@example.org")
    SeriesRole.objects.create(series=series, user=editor, role=SeriesRole.Role.EDITOR)

    page = new_context(lang=language, tz="Asia/Almaty", viewport={"width": 1280, "height": 900}).new_page()
    page.goto("/organise/login/")
    page.fill("#id_username", "editor@example.org")
    page.fill("#id_password", "pw")
    page.locator("main button[type=submit]").first.click()  # the password form (a passkey form follows)
    expect(page).to_have_url(re.compile(r"/organise/$"))
    visited: list[str] = []
    check_page(page, visited)

    clicks = 0

    def click(locator) -> None:
        nonlocal clicks
        clicks += 1
        locator.click()

    click(page.get_by_role("link", name=words["new"]))
    expect(page.locator("h1")).to_have_text(words["new"])
    check_page(page, visited)
    # The tab of the UI language is chosen: its pane is the one shown.
    title = page.locator(f"#id_title_{words['pane']}")
    expect(title).to_be_visible()
    expect(page.locator(f"#id_title_{1 - words['pane']}")).to_be_hidden()
    title.fill(words["title"])
    page.fill("#id_start_date", "2031-05-12")
    page.fill("#id_local_time", "15:00")
    page.fill(f"#id_description_markdown_{words['pane']}", "## Plan\n\n- storage\n- display")
    click(page.get_by_role("button", name=words["create"]))
    expect(page.locator("h1")).to_contain_text(words["title"])
    check_page(page, visited)

    click(page.get_by_role("link", name=words["preview"]))
    expect(page.locator("main h1")).to_contain_text(words["title"])
    expect(page.locator("main h2").first).to_have_text("Plan")  # the Markdown, rendered
    check_page(page, visited)

    click(page.get_by_role("link", name=words["back"]))
    click(page.locator(".status-panel").get_by_role("link", name=words["publish"], exact=True))
    check_page(page, visited)
    click(page.locator("main form").get_by_role("button", name=words["publish"], exact=True))
    expect(page.locator(".messages")).to_be_visible()
    check_page(page, visited)

    assert clicks <= CLICK_BUDGET, f"{clicks} clicks from the dashboard (budget {CLICK_BUDGET})"
    webinar = Webinar.objects.filter(series=series).latest("created_at", "id")
    assert str(webinar) == words["title"]
    assert webinar.status == Webinar.Status.PUBLISHED and webinar.starts_at is not None
    public = page.goto(webinar.get_absolute_url())
    assert public is not None and public.status == 200
    print(f"\n{language}: {clicks} clicks from the dashboard; pages checked with axe: {len(visited)}")


@pytest.mark.parametrize("language", ["en", "ru"])
def test_content_pages_are_axe_clean_without_sideways_scroll(site, new_context, language):
    from tests.factories import WebinarSpeakerFactory

    series = Series.objects.get(slug="museum-webinars-central-asia-south-caucasus")
    owner = UserFactory(username="owner@example.org", email="owner@example.org")
    SeriesRole.objects.create(series=series, user=owner, role=SeriesRole.Role.OWNER)
    webinar = Webinar.objects.filter(series=series, status=Webinar.Status.PUBLISHED).first()
    person = WebinarSpeakerFactory(webinar=webinar).person
    pages = [
        "/organise/series/new/",
        f"/organise/series/{series.pk}/settings/",
        f"/organise/series/{series.pk}/webinars/new/",
        f"/organise/webinars/{webinar.pk}/edit/",
        f"/organise/webinars/{webinar.pk}/status/cancel/",
        f"/organise/webinars/{webinar.pk}/duplicate/",
        "/organise/people/",
        f"/organise/people/{person.pk}/",
        f"/organise/people/{person.pk}/edit/",
        "/organise/people/new/",
        f"/organise/organisations/{series.organiser_id}/",
        f"/organise/organisations/{series.organiser_id}/edit/",
    ]
    context = new_context(lang=language, tz="Asia/Almaty", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/organise/login/")
    page.fill("#id_username", "owner@example.org")
    page.fill("#id_password", "pw")
    page.locator("main button[type=submit]").first.click()  # the password form (a passkey form follows)
    expect(page).to_have_url(re.compile(r"/organise/$"))
    visited: list[str] = []
    for url in pages:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        check_page(page, visited)
    narrow = new_context(lang=language, tz="Asia/Almaty", viewport={"width": 375, "height": 800})
    narrow.add_cookies(context.cookies())
    small = narrow.new_page()
    for url in (pages[1], pages[3], pages[6]):
        small.goto(url)
        assert small.evaluate("document.documentElement.scrollWidth") <= 375, f"sideways scroll at 375 px on {url}"
