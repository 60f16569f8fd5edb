"""Shared helpers of the feedback tests: past webinars, registrations, attendance, answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import (
    AttendanceImportFactory,
    AttendeeFactory,
    FeedbackInvitationFactory,
    FeedbackResponseFactory,
    RegistrationFactory,
    WebinarFactory,
)
from webinars.attendance.models import AttendanceImport, Attendee
from webinars.feedback.models import FeedbackInvitation, FeedbackResponse
from webinars.registrations.models import Registration

S = Registration.Status


def ended_webinar(*, ago: dt.timedelta, now: dt.datetime | None = None, **fields):
    """A webinar of 90 minutes that ended ``ago`` before ``now``."""
    now = now or timezone.now()
    return WebinarFactory(starts_at=now - ago - dt.timedelta(minutes=90), duration_minutes=90, **fields)


def attendance(webinar, *registrations, replaced: bool = False, extra_unlinked: bool = True) -> AttendanceImport:
    """An attendance import of ``webinar`` listing ``registrations`` (and a walk-in)."""
    the_import = AttendanceImportFactory(
        webinar=webinar,
        format=AttendanceImport.Format.ZOOM_MEETING,
        file_name="report.csv",
        sha256=f"{webinar.pk}-{replaced}",
        replaced_at=timezone.now() if replaced else None,
    )
    for registration in registrations:
        AttendeeFactory(attendance_import=the_import, registration=registration, minutes=80, attended=True)
    if extra_unlinked:
        AttendeeFactory(attendance_import=the_import, name="Walk In", minutes=60, attended=False, match=Attendee.Match.WALK_IN)
    return the_import


def invite(registration) -> FeedbackInvitation:
    return FeedbackInvitationFactory(registration=registration)


def answer(invitation: FeedbackInvitation, rating: int, usefulness: int | None = None, **texts) -> FeedbackResponse:
    response = FeedbackResponseFactory(
        webinar=invitation.webinar, invitation=invitation, rating=rating, usefulness=usefulness, language="en", **texts
    )
    FeedbackInvitation.objects.filter(pk=invitation.pk).update(answered_at=timezone.now())
    return response


@pytest.fixture
def past_webinar(db):
    """A published webinar that ended three hours ago."""
    return ended_webinar(ago=dt.timedelta(hours=3))


@pytest.fixture
def invitation(past_webinar) -> FeedbackInvitation:
    return invite(RegistrationFactory(webinar=past_webinar, email="dinara@example.org", name="Динара Халикова"))


@pytest.fixture
def ru_invitation(past_webinar) -> FeedbackInvitation:
    return invite(RegistrationFactory(webinar=past_webinar, email="aigul@example.org", name="Айгуль Сатпаева", language="ru"))
