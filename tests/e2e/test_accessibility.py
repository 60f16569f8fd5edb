"""axe-core on every public page, in English and Russian: no violations at all."""

from __future__ import annotations

import json

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import PAGE_STATES, PUBLIC_PAGES, public_path

PAGES = {**PUBLIC_PAGES, **PAGE_STATES}

pytestmark = pytest.mark.browser

AXE = Axe()


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"]:
            lines.append(f"    {json.dumps(node['target'])}: {node['html'][:200]}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend("      " + line for line in summary.splitlines())
    return "\n".join(lines)


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("name", list(PAGES))
def test_public_page_has_no_axe_violations(new_context, name, language):
    # Preset the zone cookie so tz.js does not reload the page under axe.
    page = new_context(lang=language, tz="Asia/Almaty").new_page()
    response = page.goto(public_path(PAGES[name]))
    assert response is not None
    assert response.status == (404 if name == "404" else 200)
    assert page.locator("html").get_attribute("lang") == language
    if name == "unknown-time-zone":
        assert page.locator(".notice[role=status]").count() == 1, "the unknown-zone notice should be on the page"

    violations = AXE.run(page).response["violations"]

    assert violations == [], f"axe found {len(violations)} violation(s) on {PAGES[name]} ({language}):\n{describe(violations)}"
