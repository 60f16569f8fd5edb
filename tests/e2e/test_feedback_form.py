"""The feedback survey in a real browser: each rating is a fieldset whose options sit in one
row, each radio button right beside its own label; clicking a label checks its radio."""

from __future__ import annotations

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from tests.factories import FeedbackInvitationFactory, RegistrationFactory, WebinarFactory
from webinars.feedback.selectors import survey_token

from .test_accessibility import describe

pytestmark = pytest.mark.browser

AXE = Axe()

# For each radio: the gap to its own label, and how far its centre is from the label's centre line.
GEOMETRY = """() => [...document.querySelectorAll('input[type=radio]')].map(radio => {
  const label = document.querySelector(`label[for="${radio.id}"]`);
  const r = radio.getBoundingClientRect(), l = label.getBoundingClientRect();
  return {id: radio.id, gap: l.left - r.right, dy: Math.abs((r.top + r.bottom) / 2 - (l.top + l.bottom) / 2), width: r.width};
})"""


@pytest.fixture
def survey_url(site) -> str:
    webinar = WebinarFactory(starts_at=timezone.now() - dt.timedelta(days=1))
    invitation = FeedbackInvitationFactory(registration=RegistrationFactory(webinar=webinar))
    return f"/feedback/{survey_token(invitation.registration)}/"


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_each_radio_sits_beside_its_label_and_the_label_checks_it(new_context, survey_url, width, language):
    page = new_context(lang=language, tz="Asia/Almaty", viewport={"width": width, "height": 900}).new_page()
    page.goto(survey_url)
    assert page.locator("fieldset").count() == 2
    for fieldset in page.locator("fieldset").all():
        assert fieldset.locator("legend").count() == 1
    for item in page.evaluate(GEOMETRY):
        assert 0 <= item["gap"] <= 16, f"{item['id']}: radio {item['gap']:.0f} px from its label"
        assert item["dy"] <= 6, f"{item['id']}: radio not on its label's line"
        assert item["width"] < 40, f"{item['id']}: radio stretched to {item['width']:.0f} px"
    for radio in page.locator("input[type=radio]").all():
        page.locator(f"label[for='{radio.get_attribute('id')}']").click()
        assert radio.is_checked()
    # The five ratings share a row on a wide screen.
    if width == 1280:
        tops = {round(box["y"]) for box in (r.bounding_box() for r in page.locator("input[name=rating]").all())}
        assert len(tops) == 1
    violations = AXE.run(page).response["violations"]
    assert violations == [], describe(violations)
