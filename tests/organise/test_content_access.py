"""Who may open the series settings, webinar editing and directory pages (ws-content), by role."""

from __future__ import annotations

import pytest

from tests.factories import WebinarSpeakerFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "viewer_a", "editor_a", "owner_a", "editor_b", "nobody", "superuser"]


def _urls(world):
    a, webinar = world["a"], world["webinar_a"]
    speaker = WebinarSpeakerFactory(webinar=webinar).person
    organiser = a.organiser
    # status codes per role, in the order of ROLES (302 for anonymous: to the sign-in page)
    editor_page = [302, 403, 200, 200, 404, 403, 200]
    return {
        "/organise/series/new/": [302, 403, 403, 200, 403, 403, 200],
        f"/organise/series/{a.pk}/settings/": [302, 403, 403, 200, 404, 403, 200],
        f"/organise/series/{a.pk}/webinars/new/": editor_page,
        f"/organise/webinars/{webinar.pk}/edit/": editor_page,
        f"/organise/webinars/{webinar.pk}/status/cancel/": editor_page,
        f"/organise/webinars/{webinar.pk}/status/postpone/": editor_page,
        f"/organise/webinars/{webinar.pk}/status/unpublish/": editor_page,
        f"/organise/webinars/{webinar.pk}/duplicate/": editor_page,
        "/organise/webinars/new/": [302, 403, 302, 302, 302, 403, 200],
        "/organise/people/": [302, 200, 200, 200, 200, 403, 200],
        "/organise/people/new/": [302, 403, 200, 200, 200, 403, 200],
        "/organise/organisations/new/": [302, 403, 200, 200, 200, 403, 200],
        f"/organise/people/{speaker.pk}/": [302, 200, 200, 200, 404, 403, 200],
        f"/organise/people/{speaker.pk}/edit/": editor_page,
        f"/organise/organisations/{organiser.pk}/": [302, 200, 200, 200, 404, 403, 200],
        f"/organise/organisations/{organiser.pk}/edit/": editor_page,
    }


def _client(client, world, role):
    client.logout()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def test_every_page_answers_each_role_as_its_rules_say(client, world):
    urls = _urls(world)
    found = {}
    for role in ROLES:
        browser = _client(client, world, role)
        for url in urls:
            found[(url, role)] = browser.get(url).status_code
    wrong = {(url, role): code for (url, role), code in found.items() if code != urls[url][ROLES.index(role)]}
    assert wrong == {}


def test_viewers_and_strangers_change_nothing_every_post_is_refused(client, world):
    urls = _urls(world)
    for role, allowed in (("viewer_a", {403}), ("nobody", {403}), ("editor_b", {403, 404})):
        browser = _client(client, world, role)
        for url in urls:
            if url == "/organise/people/" or (role == "editor_b" and url.endswith("/new/") and "series/" not in url):
                continue  # the directory takes no POST; editors of B may add people and webinars to B
            assert browser.post(url, {}).status_code in allowed, (role, url)
    assert _client(client, world, "viewer_a").post("/organise/people/", {}).status_code == 403


def test_a_status_change_the_webinar_cannot_make_is_not_found(signed_in, world):
    webinar = world["webinar_a"]  # published
    client = signed_in("editor_a")
    assert client.get(f"/organise/webinars/{webinar.pk}/status/publish/").status_code == 404
    assert client.get(f"/organise/webinars/{webinar.pk}/status/explode/").status_code == 404
