"""After a webinar, in a real browser, in English and Russian: import a Zoom report and resolve the
review, preview and issue certificates, open the donor report. Each journey counts its clicks
from the dashboard against the issue's budget, and axe-core checks every page it visits."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.attendance.conftest import fixture_bytes
from tests.factories import RegistrationFactory, SeriesFactory, SeriesRoleFactory, UserFactory, WebinarFactory
from webinars.attendance.models import AttendanceImport, Attendee
from webinars.certificates.models import Certificate
from webinars.programme.models import SeriesRole

from .test_accessibility import describe

pytestmark = pytest.mark.browser
AXE = Axe()


# Elements reaching past the right edge of the viewport, with their box and parent (empty: no horizontal scroll).
WIDE = """() => {
  const w = document.documentElement.clientWidth;
  const box = e => Math.round(e.getBoundingClientRect().left) + '-' + Math.round(e.getBoundingClientRect().right);
  return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1).slice(0, 3)
    .map(e => `${e.tagName}.${e.className} ${box(e)} in ${e.parentElement.tagName}.${e.parentElement.className}`);
}"""


class Clicks:
    """Counts what the organiser does: each click, and each file chosen."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def click(self, selector: str) -> None:
        self.page.locator(selector).first.click()
        self.count += 1

    def choose_file(self, selector: str, path) -> None:
        self.page.set_input_files(selector, str(path))
        self.count += 1


def axe_clean(page: Page, visited: list[str]) -> None:
    page.wait_for_load_state()
    violations = AXE.run(page).response["violations"]
    visited.append(page.url)
    assert violations == [], f"axe found {len(violations)} violation(s) on {page.url}:\n{describe(violations)}"


@pytest.fixture
def after_world(site, tmp_path, settings):
    """A series with an editor and a donor (viewer), and a webinar that ended three days ago with six registrations."""
    settings.MEDIA_ROOT = tmp_path / "media"
    series = SeriesFactory(slug="after", title={"en": "Museum digitisation", "ru": "Оцифровка музеев"}, is_published=True)
    editor = UserFactory(username="editor@example.org", email="editor@example.org", is_staff=False)
    donor = UserFactory(username="donor@example.org", email="donor@example.org", is_staff=False)
    SeriesRoleFactory(series=series, user=editor, role=SeriesRole.Role.EDITOR)
    SeriesRoleFactory(series=series, user=donor, role=SeriesRole.Role.VIEWER)
    starts = (timezone.now() - dt.timedelta(days=3)).replace(hour=4, minute=0, second=0, microsecond=0)
    webinar = WebinarFactory(
        series=series,
        slug="first-steps",
        title={"en": "First steps", "ru": "Первые шаги"},
        starts_at=starts,
        duration_minutes=90,
        time_zone="Asia/Almaty",
    )
    for name, email in [
        ("Динара Халикова", "dinara@example.org"),
        ("Անահիտ Սարգսյան", "anahit@example.org"),
        ("Nino Beridze", "nino@example.org"),
        ("Әйгерім Қасымова", "aigerim@example.org"),
        ("Бакыт Ормонов", "bakyt@example.org"),
        ("Farrukh Saidov", "farrukh@example.org"),
    ]:
        RegistrationFactory(webinar=webinar, name=name, email=email)
    # The sample Zoom report, dated the day of this webinar (Almaty time).
    day = starts.astimezone(dt.timezone(dt.timedelta(hours=5))).date()
    report = tmp_path / "zoom_webinar_attendee_report.csv"
    report.write_bytes(fixture_bytes("zoom_webinar_attendee_report.csv").replace(b"Apr 22, 2021", day.strftime("%b %d, %Y").encode()))
    return {"series": series, "webinar": webinar, "report": report}


def sign_in(page: Page, email: str) -> None:
    page.goto("/organise/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", "pw")
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/organise/$"))


@pytest.mark.parametrize("language", ["en", "ru"])
def test_import_attendance_resolve_review_then_preview_and_issue_certificates(after_world, new_context, language):
    webinar = after_world["webinar"]
    page = new_context(lang=language, tz="Asia/Almaty").new_page()
    visited: list[str] = []
    sign_in(page, "editor@example.org")
    axe_clean(page, visited)

    # Import attendance: ≤ 4 from the dashboard, plus the review decisions.
    clicks = Clicks(page)
    clicks.click(f'.attention a[href="/organise/webinars/{webinar.pk}/attendance/"]')
    axe_clean(page, visited)
    clicks.choose_file("input[type=file]", after_world["report"])
    clicks.click("form.att-upload button[type=submit]")
    expect(page.locator(".att-read-as")).to_be_visible()
    assert ("Zoom" in page.locator(".att-read-as").inner_text()) and page.locator(".warning").count() == 0
    axe_clean(page, visited)
    clicks.click("button[name=action][value=import]")
    assert clicks.count <= 4, f"importing took {clicks.count} clicks"
    assert AttendanceImport.objects.filter(webinar=webinar).count() == 1
    expect(page.locator("form.att-review")).to_be_visible()
    axe_clean(page, visited)

    decisions = Clicks(page)
    waiting = Attendee.objects.filter(webinar=webinar, match__in=["ambiguous", "unmatched"]).count()
    assert waiting >= 1
    for fieldset in page.locator("fieldset.decision").all():
        fieldset.locator("input[type=radio][value=walk_in]").click()
        decisions.count += 1
    decisions.click("form.att-review button[type=submit]")
    assert decisions.count == waiting + 1
    assert not Attendee.objects.filter(webinar=webinar, match__in=["ambiguous", "unmatched"]).exists()
    expect(page.locator(".messages .success")).to_be_visible()
    axe_clean(page, visited)
    page.goto(f"/organise/webinars/{webinar.pk}/attendance/")
    assert int(page.locator('dd[data-figure="walk_ins"]').inner_text()) == waiting
    axe_clean(page, visited)

    # Preview and issue certificates: ≤ 3 from the dashboard.
    page.goto("/organise/")
    clicks = Clicks(page)
    clicks.click(f'.attention a[href="/organise/webinars/{webinar.pk}/certificates/"]')
    axe_clean(page, visited)
    with page.context.expect_event("response", lambda r: "preview.pdf" in r.url) as preview:
        clicks.click(f'a[href="/organise/webinars/{webinar.pk}/certificates/preview.pdf"]')
    assert preview.value.status == 200 and preview.value.headers["content-type"] == "application/pdf"
    due = int(page.locator('dd[data-figure="due"]').inner_text())
    assert due >= 1
    clicks.click("button[name=action][value=issue]")
    assert clicks.count <= 3, f"issuing with a preview took {clicks.count} clicks"
    expect(page.locator(".messages .success")).to_be_visible()
    assert Certificate.objects.filter(webinar=webinar).count() == due
    axe_clean(page, visited)
    assert len(visited) >= 8


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_donor_opens_the_report_in_two_clicks(after_world, new_context, language):
    series, webinar = after_world["series"], after_world["webinar"]
    page = new_context(lang=language, tz="Asia/Almaty").new_page()
    visited: list[str] = []
    sign_in(page, "donor@example.org")
    axe_clean(page, visited)
    clicks = Clicks(page)
    clicks.click(f'.cards a[href="/organise/series/{series.pk}/"]')
    axe_clean(page, visited)
    clicks.click(f'.tabs a[href="/organise/series/{series.pk}/report/"]')
    assert clicks.count <= 2
    expect(page.locator('tr[data-figure="registrations"] td')).to_have_text("6")
    expect(page.locator(f'a[href="/organise/webinars/{webinar.pk}/report/"]').first).to_be_visible()
    axe_clean(page, visited)
    # No horizontal scroll at 1,280 px, usable at 375 px.
    wide = page.evaluate(WIDE)
    assert not wide, wide
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
    # On a webinar, the donor sees the report but no attendance or certificates tab (personal data).
    page.goto(f"/organise/webinars/{webinar.pk}/report/")
    assert page.locator('.tabs a[href$="/report/"]').count() == 1
    assert page.locator('.tabs a[href$="/attendance/"], .tabs a[href$="/certificates/"]').count() == 0


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_other_after_webinar_pages_are_axe_clean(after_world, new_context, language):
    from tests.certificates.conftest import attend
    from webinars.certificates import services as certificate_services
    from webinars.registrations.models import Registration

    webinar = after_world["webinar"]
    attend(Registration.objects.filter(webinar=webinar).first())
    certificate_services.certificates_issue(webinar=webinar)
    certificate = Certificate.objects.get(webinar=webinar)
    page = new_context(lang=language, tz="Asia/Almaty").new_page()
    visited: list[str] = []
    sign_in(page, "editor@example.org")
    for path in ("certificates/design/", f"certificates/{certificate.pk}/revoke/", "certificates/", "feedback/", "report/"):
        response = page.goto(f"/organise/webinars/{webinar.pk}/{path}")
        assert response is not None and response.status == 200
        assert page.locator("html").get_attribute("lang") == language
        axe_clean(page, visited)
        assert not page.evaluate(WIDE), path
