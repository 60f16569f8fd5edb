"""Reach reports in a real browser: no page wider than the viewport, on a desktop (1,280 px)
and on a phone (375 px), in English and Russian."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.factories import RegistrationFactory, SeriesFactory, UserFactory, WebinarFactory

# The page's width, and every element sticking out on the right that is not inside a box
# that scrolls by itself (a wide table may scroll in its own box; the page may not).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrollsItself = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 0.5 && !scrollsItself(e))
    .map(e => e.tagName + ' ' + Math.round(e.getBoundingClientRect().right) + ': ' + (e.textContent || '').trim().slice(0, 60));
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""

pytestmark = pytest.mark.browser


@pytest.fixture
def report_pages(site) -> tuple[list[str], str]:
    """Report addresses over a small programme with long names, and a signed-in session."""
    series = SeriesFactory(title={"en": "Museums and Migration in Central Asia and the South Caucasus", "ru": "Музеи и миграция"})
    countries = ["KZ", "KG", "UZ", "TJ", "TM", "AM", "GE", "AZ", "RU", "SH"]
    webinars = []
    for index in range(6):
        webinar = WebinarFactory(
            series=series,
            starts_at=dt.datetime(2025, 3 + index, 10, 6, 0, tzinfo=dt.UTC),
            title={"en": f"Collections of diaspora communities and how museums document them, part {index + 1}"},
        )
        webinars.append(webinar)
        for person in range(3 + index * 2):
            RegistrationFactory(webinar=webinar, country=countries[person % len(countries)], institution_type="state", gender="female")
    user = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(user)
    pages = [
        "/reports/",
        f"/reports/series/{series.pk}/",
        f"/reports/webinar/{webinars[-1].pk}/",
        "/reports/?from=2025-04-01&to=2025-07-31",
    ]
    return pages, client.cookies["sessionid"].value


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_no_report_page_is_wider_than_the_viewport(new_context, site, report_pages, width, language):
    pages, session = report_pages
    context = new_context(lang=language, tz="Asia/Almaty", viewport={"width": width, "height": 900}, is_mobile=width < 500)
    context.add_cookies([{"name": "sessionid", "value": session, "url": site.url}])
    page = context.new_page()
    failures = []
    for path in pages:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert page.locator("svg.chart").count() >= 1, path
        layout = page.evaluate(OVERFLOW)
        if layout["scroll"] > width or layout["wide"]:
            failures.append(f"{path}: page {layout['scroll']} px at {width} px; {layout['wide'][:6]}")
    assert not failures, "\n".join(failures)
