import datetime as dt
import hashlib
import io

import pytest
from django.utils import timezone

from tests.factories import OrganisationFactory, SeriesFactory, WebinarFactory
from webinars.attendance.models import AttendanceImport, Attendee
from webinars.registrations.models import Booking, Registration

NAMES = {
    "latin": "Dinara Khalikova",
    "cyrillic": "Динара Халикова",
    "kazakh": "Әсел Нұрланқызы",
    "armenian": "Նարե Հակոբյան",
    "georgian": "ნინო ბերիძე".replace("ბ", "ბ"),
}
NAMES["georgian"] = "ნინო ბერიძე"


def make_registration(webinar, name: str, email: str, *, booking: Booking | None = None, **fields) -> Registration:
    now = timezone.now()
    booking = booking or Booking.objects.create(email=email, language=fields.get("language", "en"))
    return Registration.objects.create(
        booking=booking,
        webinar=webinar,
        email=email,
        name=name,
        status=Registration.Status.CONFIRMED,
        consent_privacy_at=now,
        confirmed_at=now,
        **fields,
    )


def current_import(webinar) -> AttendanceImport:
    existing = AttendanceImport.objects.filter(webinar=webinar, replaced_at__isnull=True).first()
    if existing:
        return existing
    digest = hashlib.sha256(f"report-{webinar.pk}".encode()).hexdigest()
    return AttendanceImport.objects.create(webinar=webinar, format="zoom_webinar", file_name="report.csv", sha256=digest)


def attend(registration: Registration, *, attended: bool = True, minutes: int = 80) -> Attendee:
    webinar = registration.webinar
    return Attendee.objects.create(
        attendance_import=current_import(webinar),
        webinar=webinar,
        name=registration.name,
        email=registration.email,
        minutes=minutes,
        attended=attended,
        registration=registration,
        match=Attendee.Match.EMAIL,
    )


def past_webinar(series, days_ago: int, **fields):
    starts = (timezone.now() - dt.timedelta(days=days_ago)).replace(hour=6, minute=0, second=0, microsecond=0)
    return WebinarFactory(series=series, starts_at=starts, start_date=starts.date(), **fields)


@pytest.fixture
def series(db):
    organiser = OrganisationFactory(name={"en": "ICOM Kazakhstan", "ru": "ИКОМ Казахстан"})
    return SeriesFactory(title={"en": "Museums and Migration", "ru": "Музеи и миграция"}, organiser=organiser)


@pytest.fixture
def webinar(series):
    return past_webinar(series, 10, title={"en": "Collections of Diaspora", "ru": "Коллекции диаспоры"})


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
