"""An expired self-service link in a real browser, on a phone, in Russian: the page says so,
asks for the address, and answers "check your e-mail"; the e-mail's fresh link opens the page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.utils import timezone

from tests.factories import RegistrationFactory, WebinarFactory
from tests.links import tokens_in
from webinars.registrations.selectors import booking_by_manage_token, booking_manage_token

from .test_accessibility import describe

pytestmark = pytest.mark.browser

AXE = Axe()
PHONE = {"width": 375, "height": 740}


def _fits(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than the phone"
    violations = AXE.run(page).response["violations"]
    assert violations == [], describe(violations)


def test_an_expired_link_offers_fresh_links_on_a_phone_in_russian(new_context, site):
    webinar = WebinarFactory(starts_at=timezone.now() - dt.timedelta(days=400))
    registration = RegistrationFactory(webinar=webinar, email="dinara@example.org", language="ru")
    old = booking_manage_token(registration.booking, issued_at=webinar.starts_at - dt.timedelta(days=3))
    page = new_context(lang="ru", tz="Asia/Almaty", viewport=PHONE, is_mobile=True, has_touch=True).new_page()

    response = page.goto(f"/r/{old}/")
    assert response.status == 410
    assert page.locator("h1").inner_text() == "Срок действия ссылки истёк"
    _fits(page)

    mail.outbox.clear()
    page.get_by_label("Ваш адрес электронной почты").fill("dinara@example.org")
    page.get_by_role("button", name="Прислать новые ссылки").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Проверьте почту"
    assert "Если на этот адрес есть регистрации" in page.locator("main").inner_text()
    _fits(page)

    # The worker's job (run at once in the tests) sent one e-mail, in her language, with a fresh link.
    assert [m.to for m in mail.outbox] == [["dinara@example.org"]]
    fresh = tokens_in(mail.outbox[0].body, "/r/")
    assert booking_by_manage_token(fresh[0]) == registration.booking
    page.goto(f"/r/{fresh[0]}/")
    assert re.search("Моя регистрация", page.locator("h1").inner_text())


def test_a_malformed_address_is_refused_with_a_message_beside_the_field(new_context, site):
    page = new_context(lang="ru", viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto("/r/")
    page.get_by_label("Ваш адрес электронной почты").fill("не адрес")
    page.get_by_role("button", name="Прислать новые ссылки").click()
    page.wait_for_load_state()
    error = page.locator("#id_email_error")
    assert error.is_visible()
    _fits(page)
