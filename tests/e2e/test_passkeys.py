"""Passkeys in a real browser: Debian's chromium with a virtual authenticator (Chrome DevTools
Protocol ``WebAuthn`` domain) that really creates and uses a key. Add a passkey on the account
page, then sign in with it as the second factor and with it alone; the strict
Content-Security-Policy stays on (the fixture fails on any violation)."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import SeriesRoleFactory, UserFactory
from webinars.accounts.models import PasskeyDevice
from webinars.programme.models import SeriesRole

from .test_accessibility import describe

pytestmark = pytest.mark.browser
AXE = Axe()


def _with_authenticator(context, page):
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    found = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, found["authenticatorId"]


def _password(page, username: str) -> None:
    page.goto("/organise/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw")
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_add_a_passkey_then_sign_in_with_it(new_context, site):
    user = UserFactory(username="curator@example.org", email="curator@example.org")
    SeriesRoleFactory(user=user, role=SeriesRole.Role.EDITOR)
    context = new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    cdp, authenticator = _with_authenticator(context, page)

    _password(page, "curator@example.org")
    expect(page).to_have_url(re.compile(r"/organise/$"))
    page.goto("/organise/account/")
    page.get_by_label("Name of the passkey (e.g. the device)").fill("Work phone")
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_role("cell", name="Work phone", exact=True)).to_be_visible()
    expect(page.locator("ul.codes code")).to_have_count(10)  # the first second factor brings recovery codes
    assert PasskeyDevice.objects.filter(user=user, name="Work phone").count() == 1
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]
    assert len(stored) == 1 and stored[0]["isResidentCredential"]
    violations = AXE.run(page).response["violations"]
    assert violations == [], describe(violations)

    # The password now asks for the second factor: the passkey gives it.
    page.get_by_role("button", name="Sign out").first.click()
    _password(page, "curator@example.org")
    expect(page).to_have_url(re.compile(r"/organise/account/verify/"))
    page.get_by_role("button", name="Use a passkey").click()
    expect(page).to_have_url(re.compile(r"/organise/$"))

    # And the passkey alone signs in (the virtual authenticator verifies the user).
    page.get_by_role("button", name="Sign out").first.click()
    page.goto("/organise/login/")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page).to_have_url(re.compile(r"/organise/$"))
    assert PasskeyDevice.objects.get(user=user).last_used_at is not None
