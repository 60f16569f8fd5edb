"""The Content-Security-Policy as a browser applies it: an inline style without the nonce is
refused (and reported on the console, which fails every other browser test: see conftest)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_policy_refuses_inline_code_without_the_nonce_and_the_console_reports_it(browser, site):
    context = browser.new_context(base_url=site.url)  # not new_context: this test wants a violation
    messages: list[str] = []
    context.on("console", lambda message: messages.append(message.text))
    page = context.new_page()
    try:
        page.goto("/")
        page.evaluate("document.body.insertAdjacentHTML('beforeend', '<div id=probe style=\"color: rgb(255, 0, 0)\">x</div>')")
        page.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>#probe{font-size:40px}</style>')")
        size = page.evaluate("getComputedStyle(document.getElementById('probe')).fontSize")
        colour = page.evaluate("getComputedStyle(document.getElementById('probe')).color")
    finally:
        context.close()
    assert size != "40px" and colour != "rgb(255, 0, 0)"
    assert any("Content Security Policy" in text for text in messages), messages


def test_survey_styles_apply_with_the_nonce(new_context, site):
    from tests.factories import FeedbackInvitationFactory, RegistrationFactory

    invitation = FeedbackInvitationFactory(registration=RegistrationFactory())
    page = new_context().new_page()
    from webinars.feedback.selectors import survey_token

    page.goto(f"/feedback/{survey_token(invitation.registration)}/")
    border = page.evaluate("getComputedStyle(document.querySelector('.feedback fieldset')).borderTopStyle")
    assert border == "solid"  # the nonced <style> block applied; the fixture asserts no violation
