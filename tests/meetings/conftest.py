"""Contract servers (BigBlueButton, Zoom) on 127.0.0.1 and a series with an owner, for the platform tests."""

from __future__ import annotations

import pytest

from tests.factories import SeriesFactory, SeriesRoleFactory, UserFactory
from webinars.programme.models import SeriesRole

from .contracts import BigBlueButton, Zoom


@pytest.fixture
def bbb():
    with BigBlueButton().running() as server:
        yield server


@pytest.fixture
def bbb_sha1_only():
    with BigBlueButton(algorithms=("sha1",)).running() as server:
        yield server


@pytest.fixture
def zoom(settings):
    with Zoom().running() as server:
        settings.ZOOM_API_URL = server.api_url
        settings.ZOOM_OAUTH_URL = server.oauth_url
        yield server


@pytest.fixture
def owner(db):
    series = SeriesFactory(slug="museum-talks", is_published=True, attendance_threshold_percent=50)
    user = UserFactory(username="owner@example.org", email="owner@example.org", first_name="Aigerim", last_name="Owner", is_staff=False)
    SeriesRoleFactory(series=series, user=user, role=SeriesRole.Role.OWNER)
    return {"series": series, "user": user}
