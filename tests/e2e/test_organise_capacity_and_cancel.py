"""Two organiser journeys of issue 8, in English and Russian: raise the seats and see the waiting
list move up at once (with the "promoted" e-mail); cancel a webinar and every registrant is told.
Each page visited passes axe."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from webinars.programme.models import Webinar
from webinars.registrations.models import Registration

from .test_organise_outreach import assert_accessible, programme, signed_in_page  # noqa: F401 -- programme is a fixture

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "ru"])
def test_raise_the_seats_and_the_waiting_list_moves_up(new_context, programme, language):  # noqa: F811 -- the fixture
    webinar = programme["webinar"]
    Webinar.objects.filter(pk=webinar.pk).update(capacity=3)  # three seated, Timur waits
    page = signed_in_page(new_context, language)
    visited: set[str] = set()
    page.locator(f"a[href='/organise/webinars/{webinar.pk}/']").first.click()
    page.locator(f"nav.tabs a[href='/organise/webinars/{webinar.pk}/edit/']").click()
    assert_accessible(page, visited)
    page.fill("#id_capacity", "4")
    page.locator("main form .actions button[type=submit]").first.click()
    expect(page.locator(".messages")).to_be_visible()
    assert_accessible(page, visited)
    timur = Registration.objects.get(webinar=webinar, email="timur@example.org")
    assert timur.status == Registration.Status.CONFIRMED  # moved up at once, in order
    assert any(m.to == ["timur@example.org"] for m in mail.outbox)  # and told so


@pytest.mark.parametrize("language", ["en", "ru"])
def test_cancel_a_webinar_and_every_registrant_is_told(new_context, programme, language):  # noqa: F811 -- the fixture
    webinar = programme["webinar"]
    page = signed_in_page(new_context, language)
    visited: set[str] = set()
    page.goto(f"/organise/webinars/{webinar.pk}/edit/")
    page.locator("a.button.danger").first.click()  # "Cancel the webinar": a page that says what will happen
    assert_accessible(page, visited)
    mail.outbox.clear()
    page.locator("main form button.danger").click()
    expect(page.locator(".messages")).to_be_visible()
    assert Webinar.objects.get(pk=webinar.pk).status == Webinar.Status.CANCELLED
    told = {address for message in mail.outbox for address in message.to}
    active = {r.email for r in programme["people"]}
    assert active <= told, f"not told: {active - told}"
