import datetime as dt
import hashlib
import io

import pytest
from django.utils import timezone

from tests.factories import AttendanceImportFactory, AttendeeFactory, OrganisationFactory, SeriesFactory, WebinarFactory
from webinars.attendance.models import AttendanceImport, Attendee
from webinars.registrations.models import Registration

NAMES = {
    "latin": "Dinara Khalikova",
    "cyrillic": "Динара Халикова",
    "kazakh": "Әсел Нұрланқызы",
    "armenian": "Նարե Հակոբյան",
    "georgian": "ნინო ბերիძე".replace("ბ", "ბ"),
}
NAMES["georgian"] = "ნინო ბერიძე"


def current_import(webinar) -> AttendanceImport:
    existing = AttendanceImport.objects.filter(webinar=webinar, replaced_at__isnull=True).first()
    if existing:
        return existing
    digest = hashlib.sha256(f"report-{webinar.pk}".encode()).hexdigest()
    return AttendanceImportFactory(webinar=webinar, format="zoom_webinar", file_name="report.csv", sha256=digest)


def attend(registration: Registration, *, attended: bool = True, minutes: int = 80) -> Attendee:
    """``registration`` in the webinar's current attendance report, matched by e-mail."""
    return AttendeeFactory(
        attendance_import=current_import(registration.webinar), registration=registration, minutes=minutes, attended=attended
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
