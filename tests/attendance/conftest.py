import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import SeriesFactory, WebinarFactory
from webinars.registrations.models import Booking, Registration

FIXTURES = Path(__file__).parent / "fixtures"
S = Registration.Status


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def make_registration(webinar, name: str, email: str, status: str = S.CONFIRMED) -> Registration:
    now = timezone.now()
    booking = Booking.objects.create(email=email)
    return Registration.objects.create(
        booking=booking,
        webinar=webinar,
        email=email,
        name=name,
        status=status,
        consent_privacy_at=now,
        expires_at=now + dt.timedelta(days=1) if status == S.PENDING else None,
        confirmed_at=now if status == S.CONFIRMED else None,
    )


@pytest.fixture
def webinar(db):
    """The webinar of the sample reports: 22 April 2021, 10:00 in Almaty (04:00 UTC), 90 minutes; threshold 50 %."""
    series = SeriesFactory(slug="digitisation", title={"en": "Museum digitisation"})
    return WebinarFactory(
        series=series,
        slug="first-steps",
        title={"en": "First steps"},
        starts_at=dt.datetime(2021, 4, 22, 4, 0, tzinfo=dt.UTC),
        duration_minutes=90,
        time_zone="Asia/Almaty",
    )


@pytest.fixture
def people(webinar):
    """Registrations as people typed their names on the registration form (several scripts)."""
    return {
        "dinara": make_registration(webinar, "Динара Халикова", "dinara@example.org"),
        "anahit": make_registration(webinar, "Անահիտ Սարգսյան", "anahit@example.org"),
        "nino": make_registration(webinar, "Nino Beridze", "nino@example.org", S.PENDING),
        "aigerim": make_registration(webinar, "Әйгерім Қасымова", "aigerim@example.org"),
        "bakyt": make_registration(webinar, "Бакыт Ормонов", "bakyt@example.org"),
        "farrukh": make_registration(webinar, "Farrukh Saidov", "farrukh@example.org"),
        "lola": make_registration(webinar, "Lola Karimova", "lola@example.org", S.CANCELLED),
    }
