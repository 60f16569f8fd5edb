"""A visitor's journey in a real browser: time zone detection, language switch, no-JavaScript chooser."""

from __future__ import annotations

import re
import zoneinfo

import pytest
from django.utils import translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from webinars.programme.models import Webinar

from .conftest import SAMPLE_SERIES, SAMPLE_WEBINAR_SLUG

pytestmark = pytest.mark.browser

YEREVAN = "Asia/Yerevan"
SAMPLE_TITLE_EN = "Sample: Collection care basics"
SAMPLE_TITLE_RU = "Пример: основы сохранения коллекций"


def shown_start(webinar: Webinar, zone_name: str, language: str) -> str:
    """The text of the page's <time> element: "<day>, HH:MM" in ``zone_name``."""
    local = webinar.starts_at.astimezone(zoneinfo.ZoneInfo(zone_name))
    with translation.override(language):
        return f"{date_format(local.date(), 'l, j E Y')}, {local:%H:%M}"


def sample_webinar() -> Webinar:
    webinar = Webinar.objects.get(slug=SAMPLE_WEBINAR_SLUG)
    assert webinar.starts_at is not None, "the sample webinar should have an announced time"
    return webinar


def test_journey_detects_time_zone_and_switches_to_russian(site, new_context):
    webinar = sample_webinar()
    context = new_context(locale="en-GB", timezone_id=YEREVAN)
    page = context.new_page()

    page.goto("/")
    # tz.js stores the browser's zone in the "tz" cookie and reloads once, since the first
    # answer was rendered for the default zone.
    expect(page.locator("html")).to_have_attribute("data-tz", YEREVAN)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.evaluate("sessionStorage.getItem('tz-reloaded')") == "1"
    assert {c["name"]: c["value"] for c in context.cookies()}.get("tz") == YEREVAN

    page.get_by_role("link", name="Sample series (demonstration)").click()
    expect(page).to_have_url(re.compile(re.escape(SAMPLE_SERIES) + "$"))
    expect(page.locator("h1")).to_contain_text("Sample series (demonstration)")

    page.locator("main").get_by_role("link", name=SAMPLE_TITLE_EN).click()
    expect(page).to_have_url(re.compile(re.escape(webinar.get_absolute_url()) + "$"))
    when = page.locator("main .facts .when").first
    expect(when.locator("time")).to_have_text(shown_start(webinar, YEREVAN, "en"))
    expect(when.locator(".zone")).to_contain_text("Yerevan")

    page.locator("nav.langs").get_by_role("link", name="Русский").click()
    expect(page).to_have_url(re.compile(r"\?lang=ru$"))
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("h1")).to_contain_text(SAMPLE_TITLE_RU)
    # The interface too, not only the content (words may change; the script may not).
    expect(page.locator("form.tz button")).to_have_text(re.compile("[а-яё]", re.IGNORECASE))
    when = page.locator("main .facts .when").first
    expected = shown_start(webinar, YEREVAN, "ru")
    assert re.search("[а-яё]", expected), expected  # Russian day and month names
    expect(when.locator("time")).to_have_text(expected)
    expect(when.locator(".zone")).to_contain_text("Ереван")  # the city in Russian (CLDR), not the zone's identifier
    expect(when.locator(".zone")).to_contain_text("UTC+4")
    # The organiser's own time is still given beside it.
    organiser_local = webinar.starts_at.astimezone(zoneinfo.ZoneInfo(webinar.time_zone))
    expect(when.locator(".orgzone")).to_contain_text(f"{organiser_local:%H:%M}")

    # The choice sticks: the next page, without ?lang=, is Russian too.
    page.locator(".crumbs a").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("html")).to_have_attribute("data-tz", YEREVAN)


def test_time_zone_chooser_works_without_javascript(site, new_context):
    webinar = sample_webinar()
    context = new_context(java_script_enabled=False, timezone_id=YEREVAN)
    page = context.new_page()

    page.goto(webinar.get_absolute_url())
    # Nothing can detect the zone, so the page shows the default one.
    expect(page.locator("html")).to_have_attribute("data-tz", "Asia/Almaty")
    when = page.locator("main .facts .when").first
    expect(when.locator("time")).to_have_text(shown_start(webinar, "Asia/Almaty", "en"))

    page.get_by_label("Time zone").select_option(YEREVAN)
    page.get_by_role("button", name="Show times").click()
    expect(page).to_have_url(re.compile(r"\?tz=Asia%2FYerevan$"))
    expect(page.locator("html")).to_have_attribute("data-tz", YEREVAN)
    expect(when.locator("time")).to_have_text(shown_start(webinar, YEREVAN, "en"))
    expect(when.locator(".zone")).to_contain_text("Yerevan")
    expect(page.get_by_label("Time zone")).to_have_value(YEREVAN)

    # Remembered in the cookie for the following pages.
    page.goto(SAMPLE_SERIES)
    expect(page.locator("html")).to_have_attribute("data-tz", YEREVAN)
    item = page.locator("main li.item", has_text=SAMPLE_TITLE_EN)
    expect(item.locator("time")).to_have_text(shown_start(webinar, YEREVAN, "en"))
    expect(page.locator("footer")).to_contain_text("Times are shown for Yerevan, UTC+4.")
