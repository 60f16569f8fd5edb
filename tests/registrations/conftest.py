import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import WebinarFactory


def registration_data(**overrides) -> dict:
    data = {
        "name": "Динара Халикова",
        "email": "dinara@example.org",
        "country": "KZ",
        "city": "Almaty",
        "organisation": "Central State Museum",
        "position": "Curator",
        "institution_type": "state",
        "gender": "female",
        "language": "en",
        "consent_recording": True,
        "time_zone": "Asia/Almaty",
    }
    data.update(overrides)
    return data


def form_post(**overrides) -> dict:
    post = registration_data(**overrides)
    post["consent_privacy"] = "on"
    post["consent_recording"] = "on" if post.get("consent_recording") else ""
    return {k: v for k, v in post.items() if v is not None}


@pytest.fixture
def webinar(db):
    return WebinarFactory(capacity=2, starts_at=timezone.now() + dt.timedelta(days=3))


@pytest.fixture
def open_webinar(db):
    """No e-mail confirmation step, unlimited seats."""
    w = WebinarFactory(capacity=None, starts_at=timezone.now() + dt.timedelta(days=3))
    w.series.confirm_email = False
    w.series.save()
    return w
