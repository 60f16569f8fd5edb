"""The library in a browser: an editor on a phone, in Russian, adds a recording with a caption
file, publishes it and finds it on its public page (axe-clean, no sideways scrolling, no CSP
violation); and the public page of a recording with a transcript works without JavaScript."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import UserFactory
from webinars.library.models import Caption, LibraryItem
from webinars.programme.models import Series, SeriesRole

from .conftest import PUBLIC_PAGES, public_path
from .test_accessibility import describe

pytestmark = pytest.mark.browser

AXE = Axe()
PHONE = {"width": 375, "height": 740}
VTT = (
    "WEBVTT\n\n00:00:01.000 --> 00:00:06.000\nДобро пожаловать на вебинар об эвакуации музейных коллекций.\n\n"
    "00:00:40.000 --> 00:00:46.000\nПередвижные выставки требуют бережной упаковки.\n"
).encode()


def check(page, visited: list[str]) -> None:
    visited.append(page.url)
    violations = AXE.run(page).response["violations"]
    assert violations == [], f"axe on {page.url}:\n{describe(violations)}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], f"sideways scroll on {page.url}"


def test_an_editor_on_a_phone_adds_a_recording_with_captions_and_publishes_it(site, new_context):
    series = Series.objects.get(slug="museum-webinars-central-asia-south-caucasus")
    editor = UserFactory(username="editor@example.org", email="editor@example.org")
    SeriesRole.objects.create(series=series, user=editor, role=SeriesRole.Role.EDITOR)

    page = new_context(lang="ru", tz="Asia/Almaty", viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto("/organise/login/")
    page.fill("#id_username", "editor@example.org")
    page.fill("#id_password", "pw")
    page.locator("main button[type=submit]").first.click()  # the password form (a passkey form follows)
    expect(page).to_have_url(re.compile(r"/organise/$"))
    visited: list[str] = []

    page.locator(f"main a[href='/organise/series/{series.pk}/library/']").first.click()
    expect(page.locator("nav.tabs [aria-current=page]")).to_have_text("Библиотека")
    check(page, visited)
    page.get_by_role("link", name="Новый материал").click()
    check(page, visited)
    # The Russian tab is chosen (the UI language): its pane is the one shown.
    expect(page.locator("#id_title_1")).to_be_visible()
    page.fill("#id_title_1", "Запись: эвакуация коллекций")
    page.fill("#id_description_1", "Запись вебинара с расшифровкой.")
    page.select_option("#id_kind", "recording")
    page.check("#id_languages_1")  # Russian, a language of the item
    page.get_by_role("button", name="Сохранить черновик").click()
    expect(page.locator("h1")).to_contain_text("Запись: эвакуация коллекций")
    item = LibraryItem.objects.latest("pk")
    assert item.title.data["ru"] == "Запись: эвакуация коллекций" and item.status == "draft"
    assert item.webinars.filter(series=series).exists()
    check(page, visited)

    page.get_by_role("link", name=re.compile("^Субтитры")).click()
    check(page, visited)
    page.select_option("#id_language", "ru")
    page.set_input_files("#id_file", files=[{"name": "zapis.vtt", "mimeType": "text/vtt", "buffer": VTT}])
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.locator("h1")).to_have_text("Сохранить эти субтитры?")
    expect(page.locator("main")).to_contain_text("2 реплики")
    check(page, visited)
    page.get_by_role("button", name="Сохранить субтитры").click()
    expect(page.locator(".messages")).to_contain_text("Субтитры сохранены")
    assert Caption.objects.filter(item=item, language="ru").exists()
    check(page, visited)

    page.locator("nav.crumbs a").last.click()
    page.get_by_role("link", name="Опубликовать").click()
    expect(page.locator("h1")).to_have_text("Опубликовать этот материал?")
    check(page, visited)
    page.get_by_role("button", name="Опубликовать").click()
    expect(page.locator(".messages")).to_contain_text("Опубликовано")
    check(page, visited)

    page.get_by_role("link", name="Его публичная страница").click()
    expect(page).to_have_url(re.compile(rf"/library/{item.pk}/$"))
    expect(page.locator("h1")).to_have_text("Запись: эвакуация коллекций")
    expect(page.locator(".transcript")).to_contain_text("Передвижные выставки требуют бережной упаковки.")
    check(page, visited)
    assert len(visited) == 9


def test_the_public_recording_page_works_without_javascript(site, new_context):
    page = new_context(lang="ru", tz="Asia/Almaty", java_script_enabled=False).new_page()
    path = public_path(PUBLIC_PAGES["library-recording"])
    assert page.goto(path).status == 200
    moment = page.locator(".transcript a[data-t]").nth(1)
    seconds = moment.get_attribute("data-t")
    moment.click()
    # Without the player script the timestamp is a plain link to that moment of the page.
    expect(page).to_have_url(re.compile(rf"\?t={seconds}(&.*)?#t={seconds}$"))
    expect(page.locator(f"#t{seconds}")).to_be_visible()
