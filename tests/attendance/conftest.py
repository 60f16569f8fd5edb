import datetime as dt
from pathlib import Path

import pytest

from tests.factories import RegistrationFactory, SeriesFactory, WebinarFactory
from webinars.registrations.models import Registration

FIXTURES = Path(__file__).parent / "fixtures"
S = Registration.Status


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


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
        "dinara": RegistrationFactory(webinar=webinar, name="Динара Халикова", email="dinara@example.org"),
        "anahit": RegistrationFactory(webinar=webinar, name="Անահիտ Սարգսյան", email="anahit@example.org"),
        "nino": RegistrationFactory(webinar=webinar, name="Nino Beridze", email="nino@example.org", status=S.PENDING),
        "aigerim": RegistrationFactory(webinar=webinar, name="Әйгерім Қасымова", email="aigerim@example.org"),
        "bakyt": RegistrationFactory(webinar=webinar, name="Бакыт Ормонов", email="bakyt@example.org"),
        "farrukh": RegistrationFactory(webinar=webinar, name="Farrukh Saidov", email="farrukh@example.org"),
        "lola": RegistrationFactory(webinar=webinar, name="Lola Karimova", email="lola@example.org", status=S.CANCELLED),
    }
