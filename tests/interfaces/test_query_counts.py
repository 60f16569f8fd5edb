"""Exact query counts of the back-office list pages and the reports page, at 1 and at 3 items.

The same count for 1 and 3 items means no query per row (no N+1). The pages are requested by
an owner of series A (no Django model permission: the rules and the scoping are exercised);
rows of another series are always present too, and never counted in.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import SeriesFactory, WebinarFactory
from webinars.attendance.models import AttendanceImport, Attendee
from webinars.certificates.models import Certificate
from webinars.feedback.models import FeedbackResponse
from webinars.programme.models import SeriesRole
from webinars.registrations import messaging
from webinars.registrations.models import Booking, Registration

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)


def _registration(webinar) -> Registration:
    n = next(_serial)
    email = f"person{n}@example.org"
    now = timezone.now()
    booking = Booking.objects.create(email=email, series=webinar.series)
    return Registration.objects.create(
        booking=booking, webinar=webinar, email=email, name=f"Person {n}", status=Registration.Status.CONFIRMED, consent_privacy_at=now
    )


def _webinar(series):
    n = next(_serial)
    return WebinarFactory(series=series, slug=f"w{n}", title={"en": f"Webinar {n}"}, start_date=dt.date(2025, 3, 1) + dt.timedelta(days=n))


def _import(webinar) -> AttendanceImport:
    return AttendanceImport.objects.create(webinar=webinar, format="generic", file_name="r.csv", sha256=f"{next(_serial):064d}")


def _attendee(imported, *, match=Attendee.Match.EMAIL) -> Attendee:
    registration = _registration(imported.webinar)
    return Attendee.objects.create(
        attendance_import=imported,
        webinar=imported.webinar,
        name=registration.name,
        email=registration.email,
        minutes=60,
        attended=True,
        match=match,
        registration=registration if match == Attendee.Match.EMAIL else None,
        candidates=[registration.pk] if match != Attendee.Match.EMAIL else [],
    )


@pytest.fixture
def world(django_user_model):
    series_a = SeriesFactory(slug="series-a", title={"en": "Series A"})
    series_b = SeriesFactory(slug="series-b", title={"en": "Series B"})
    owner = django_user_model.objects.create_user("owner", "owner@example.org", "pw", is_staff=True)
    SeriesRole.objects.create(series=series_a, user=owner, role=SeriesRole.Role.OWNER)
    webinar_a, webinar_b = _webinar(series_a), _webinar(series_b)
    imported_a, imported_b = _import(webinar_a), _import(webinar_b)
    for _n in range(6):  # series B stays the larger part of the programme (one path of the report's people count)
        _registration(webinar_b)
    _attendee(imported_b)
    return {"a": series_a, "b": series_b, "owner": owner, "webinar_a": webinar_a, "import_a": imported_a, "import_b": imported_b}


def add_registration(w):
    return _registration(w["webinar_a"])


def add_webinar(w):
    return _webinar(w["a"])


def add_series(w):
    series = SeriesFactory(slug=f"more-{next(_serial)}")
    SeriesRole.objects.create(series=series, user=w["owner"], role=SeriesRole.Role.EDITOR)


def add_import(w):
    _attendee(_import(_webinar(w["a"])))


def add_attendee(w):
    _attendee(w["import_a"])


def add_to_review(w):
    _attendee(w["import_a"], match=Attendee.Match.AMBIGUOUS)


def add_certificate(w):
    registration = _registration(w["webinar_a"])
    Certificate.objects.create(
        kind=Certificate.Kind.WEBINAR,
        series=w["a"],
        webinar=w["webinar_a"],
        registration=registration,
        name_on_certificate=registration.name,
        issued_at=timezone.now(),
    )


def add_response(w):
    FeedbackResponse.objects.create(webinar=w["webinar_a"], rating=4, usefulness=3, improve=f"More {next(_serial)}")


def add_feedback_webinar(w):
    FeedbackResponse.objects.create(webinar=_webinar(w["a"]), rating=5)


def add_message(w):
    registration = _registration(w["webinar_a"])
    messaging.queue(kind="confirmed", registration=registration, key=f"confirmed:{registration.pk}")


def add_report_webinar(w):
    webinar = _webinar(w["a"])
    _attendee(_import(webinar))


# page: (url of the world, how to add one item, exact number of queries). The fixed part: the
# session, the user, their roles (once per request), the admin's counts and filters.
PAGES = {
    "registrations": (lambda w: "/admin/registrations/registration/", add_registration, 14),
    "webinars": (lambda w: "/admin/programme/webinar/", add_webinar, 11),
    "series": (lambda w: "/admin/programme/series/", add_series, 8),
    "attendance imports": (lambda w: "/admin/attendance/attendanceimport/", add_import, 12),
    "attendees": (lambda w: "/admin/attendance/attendee/", add_attendee, 9),
    "review screen": (lambda w: f"/admin/attendance/attendanceimport/{w['import_a'].pk}/review/?show=all", add_to_review, 12),
    "certificates": (lambda w: "/admin/certificates/certificate/", add_certificate, 11),
    "feedback answers": (lambda w: "/admin/feedback/feedbackresponse/", add_response, 13),
    "feedback by webinar": (lambda w: "/admin/feedback/webinarfeedback/", add_feedback_webinar, 9),
    "feedback summary": (lambda w: f"/admin/feedback/webinarfeedback/{w['webinar_a'].pk}/summary/", add_response, 11),
    "outgoing e-mails": (lambda w: "/admin/mail/outgoingmessage/", add_message, 11),
    "series report": (lambda w: f"/reports/series/{w['a'].pk}/", add_report_webinar, 20),
    "programme report": (lambda w: "/reports/", add_report_webinar, 21),
}


def _count(client, url: str) -> int:
    client.get(url)  # warms what is computed once (sessions, caches, pre-aggregated figures)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_list_pages_cost_the_same_queries_for_1_and_3_items(client, world, page, django_assert_num_queries):
    url_of, add, expected = PAGES[page]
    client.force_login(world["owner"])
    add(world)
    url = url_of(world)
    one = _count(client, url)
    add(world)
    add(world)
    three = _count(client, url)
    assert one == three, f"{page}: {one} queries for 1 item, {three} for 3"
    # The counts include reading the session from the database; with Redis (REDIS_URL) it is in the cache.
    from django.conf import settings

    session_query = 0 if settings.SESSION_ENGINE == "django.contrib.sessions.backends.cache" else 1
    with django_assert_num_queries(expected - 1 + session_query):
        client.get(url)
