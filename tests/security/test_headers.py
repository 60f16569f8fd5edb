"""Security headers on a public page, a workspace page and a self-service page; a looser policy
on the admin only (README "Security headers")."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import RegistrationFactory, SeriesRoleFactory, UserFactory
from webinars.feedback.selectors import survey_token
from webinars.registrations.selectors import booking_manage_token

pytestmark = pytest.mark.django_db


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def _assert_strict(response):
    assert response.status_code == 200
    csp = _directives(response)
    # A nonce is sent when the page has an inline block that uses it (request.csp_nonce).
    nonce = [source for source in csp["script-src"] if source.startswith("'nonce-")]
    assert csp["default-src"] == ["'self'"] and len(nonce) <= 1
    assert csp["script-src"][0] == "'self'" and len(csp["script-src"]) == 1 + len(nonce)
    for directive in ("script-src", "style-src"):
        assert "'unsafe-inline'" not in csp[directive] and "'unsafe-eval'" not in csp[directive]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    # Every inline <script>/<style> carries this response's nonce (no inline handlers or style attributes).
    html = response.content.decode()
    value = nonce[0][len("'nonce-") : -1] if nonce else "(none)"
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", html):
        assert 'src="' in tag or 'type="application/ld+json"' in tag or f'nonce="{value}"' in tag, tag
    assert not re.search(r"\son[a-z]+=\"", html) and ' style="' not in html


def test_public_page(client, demo):
    _assert_strict(client.get("/"))


def test_workspace_page(client):
    user = UserFactory()
    SeriesRoleFactory(user=user)
    client.force_login(user)
    _assert_strict(client.get(reverse("organise:dashboard")))


def test_workspace_sign_in_page(client):
    _assert_strict(client.get(reverse("organise:login")))


def test_self_service_page(client):
    registration = RegistrationFactory()
    response = client.get(reverse("registrations:manage", args=[booking_manage_token(registration.booking)]))
    _assert_strict(response)
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_inline_style_of_the_survey_has_a_fresh_nonce_per_response(client):
    from tests.factories import FeedbackInvitationFactory

    url = reverse("feedback:form", args=[survey_token(FeedbackInvitationFactory().registration)])
    first, second = client.get(url), client.get(url)
    _assert_strict(first)
    assert "<style nonce=" in first.content.decode()
    assert _directives(first)["style-src"] != _directives(second)["style-src"]


def test_admin_allows_inline_styles_but_not_inline_scripts(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    csp = _directives(client.get("/admin/"))
    assert "'unsafe-inline'" in csp["style-src"] and "'unsafe-inline'" not in csp["script-src"]
    assert csp["frame-ancestors"] == ["'none'"]
