"""A programme with two series and organisers of every role, for the workspace tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import SeriesFactory, SeriesRoleFactory, UserFactory, WebinarFactory
from webinars.programme.models import SeriesRole

Role = SeriesRole.Role


@pytest.fixture
def world(db):
    """Series A and B; owner/editor/viewer of A, editor of B, a user without a role, a superuser."""
    a = SeriesFactory(slug="series-a", title={"en": "Series A", "ru": "Серия А"}, is_published=True)
    b = SeriesFactory(slug="series-b", title={"en": "Series B", "ru": "Серия Б"}, is_published=True)
    soon = timezone.now() + dt.timedelta(days=5)
    webinar_a = WebinarFactory(series=a, slug="alpha", title={"en": "Alpha webinar", "ru": "Вебинар Альфа"}, starts_at=soon, capacity=2)
    webinar_b = WebinarFactory(series=b, slug="beta", title={"en": "Beta webinar", "ru": "Вебинар Бета"}, starts_at=soon)
    users = {
        "owner_a": UserFactory(username="owner-a@example.org", email="owner-a@example.org", is_staff=False),
        "editor_a": UserFactory(username="editor-a@example.org", email="editor-a@example.org", is_staff=False),
        "viewer_a": UserFactory(username="viewer-a@example.org", email="viewer-a@example.org", is_staff=False),
        "editor_b": UserFactory(username="editor-b@example.org", email="editor-b@example.org", is_staff=False),
        "nobody": UserFactory(username="nobody@example.org", email="nobody@example.org", is_staff=False),
        "superuser": UserFactory(username="root@example.org", email="root@example.org", superuser=True),
    }
    SeriesRoleFactory(series=a, user=users["owner_a"], role=Role.OWNER)
    SeriesRoleFactory(series=a, user=users["editor_a"], role=Role.EDITOR)
    SeriesRoleFactory(series=a, user=users["viewer_a"], role=Role.VIEWER)
    SeriesRoleFactory(series=b, user=users["editor_b"], role=Role.EDITOR)
    return {"a": a, "b": b, "webinar_a": webinar_a, "webinar_b": webinar_b, "users": users}


@pytest.fixture
def signed_in(client, world):
    """``signed_in("owner_a")``: the test client signed in as that user of the world."""

    def sign_in(key: str):
        client.force_login(world["users"][key])
        return client

    return sign_in
