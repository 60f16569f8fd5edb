"""Retention: personal data is erased N months after each webinar (the series' setting, 24 by
default), by the worker's periodic job and by ``manage.py purge_personal_data`` (with a dry run).
Same guarantees as erasure: nothing left in any table; the counts stay.

Runs on SQLite and PostgreSQL (``DATABASE_URL=postgres://... pytest tests/security``).
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import AttendanceImportFactory, AttendeeFactory, RegistrationFactory, SeriesFactory, WebinarFactory
from tests.security import scan
from webinars.attendance.models import Attendee
from webinars.core.signals import periodic_tasks_run
from webinars.registrations.models import Registration
from webinars.reports import selectors as reports
from webinars.reports.services import refresh_stale

pytestmark = pytest.mark.django_db

OLD = ["Гаянэ Старикян", "gayane.old@museum-test.am", "Walkin Oldtimer", "walkin.old@museum-test.kz"]
RECENT = ["Recent Registrant", "recent@museum-test.ge"]


def _ended(series, months_ago: int):
    starts = timezone.now() - dt.timedelta(days=months_ago * 30.5)
    return WebinarFactory(series=series, starts_at=starts, duration_minutes=60)


@pytest.fixture
def programme(db):
    series = SeriesFactory()  # default: 24 months
    assert series.retention_months == 24
    old, recent = _ended(series, 25), _ended(series, 23)
    old_registration = RegistrationFactory(webinar=old, name=OLD[0], email=OLD[1], status=Registration.Status.CONFIRMED)
    report = AttendanceImportFactory(webinar=old, format="zoom_webinar", file_name="old.csv", sha256="old")
    AttendeeFactory(attendance_import=report, registration=old_registration, name="Gayane S.", email=OLD[1], minutes=60, attended=True)
    AttendeeFactory(attendance_import=report, name=OLD[2], email=OLD[3], minutes=50, attended=True, match=Attendee.Match.WALK_IN)
    RegistrationFactory(webinar=recent, name=RECENT[0], email=RECENT[1], status=Registration.Status.CONFIRMED)
    return series, old, recent


def _figures(webinar) -> dict:
    refresh_stale()
    totals = reports.reach_report(reports.scope_webinar(webinar))["totals"]
    return {k: v for k, v in totals.items() if k != "erased"}


def test_dry_run_counts_and_changes_nothing(programme):
    out = StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    assert "registrations: 1 would be erased" in out.getvalue()
    assert "attendees: 2 would be erased" in out.getvalue()
    assert len(scan.in_database(OLD)) >= 4  # still there


def test_command_erases_past_retention_only_and_keeps_the_counts(programme):
    _series, old, recent = programme
    before = _figures(old)
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "registrations: 1 erased" in out.getvalue()
    leaks = scan.in_database(OLD)
    assert leaks == [], "\n".join(leaks)
    assert Registration.objects.get(webinar=recent).name == RECENT[0]  # 23 months: kept
    assert scan.in_database(RECENT)
    assert _figures(old) == before
    call_command("purge_personal_data", "--dry-run", stdout=(again := StringIO()))
    assert "registrations: 0" in again.getvalue() and "attendees: 0" in again.getvalue()


def test_the_worker_applies_the_series_setting(programme):
    series, _old, recent = programme
    series.retention_months = 12
    series.save()
    stats = periodic_tasks_run()
    assert stats.get("purged_registrations") == 2 and stats.get("purged_attendees", 0) >= 1
    assert scan.in_database(OLD + RECENT) == []
    assert Registration.objects.get(webinar=recent).erased_at is not None
