"""The series' Meeting platform tab in a real browser at 375 px, in English and Russian: an owner
connects BigBlueButton (a contract server on 127.0.0.1), sees that the connection works, and axe
finds nothing on the page before and after; nothing sticks out of the phone's width."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import SeriesFactory, SeriesRoleFactory, UserFactory
from tests.meetings.contracts import BigBlueButton
from webinars.meetings.models import Connection
from webinars.programme.models import SeriesRole

from .test_organise_after import WIDE, axe_clean, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "ru"])
def test_an_owner_connects_bigbluebutton_on_a_phone(site, new_context, language):
    series = SeriesFactory(slug="platforms", title={"en": "Museum talks", "ru": "Музейные беседы"}, is_published=True)
    owner = UserFactory(username="owner@example.org", email="owner@example.org", is_staff=False)
    SeriesRoleFactory(series=series, user=owner, role=SeriesRole.Role.OWNER)
    page = new_context(lang=language, tz="Asia/Almaty", viewport={"width": 375, "height": 800}).new_page()
    visited: list[str] = []
    with BigBlueButton().running() as bbb:
        sign_in(page, "owner@example.org")
        page.goto(f"/organise/series/{series.pk}/platform/")
        axe_clean(page, visited)
        assert page.evaluate(WIDE) == []
        page.check("input[name=platform][value=bigbluebutton]")
        page.fill("input[name=server_url]", bbb.server_url)
        page.fill("input[name=secret]", bbb.secret)
        page.locator("form button[type=submit]").last.click()
        expect(page.locator("[data-check=ok]")).to_be_visible()
        axe_clean(page, visited)
        assert page.evaluate(WIDE) == []
        assert bbb.secret not in page.content()
    assert Connection.objects.get(series=series).check_ok
