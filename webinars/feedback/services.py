"""Writes of feedback: invite registrants after a webinar, store their answers once."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from webinars.attendance.models import Attendee
from webinars.core.errors import NotAllowed
from webinars.programme.models import Webinar
from webinars.registrations import messaging
from webinars.registrations.models import Registration

from .models import FeedbackInvitation, FeedbackResponse

logger = logging.getLogger(__name__)

# Invitations go out from an hour after a webinar's end until two weeks after it.
SEND_AFTER = dt.timedelta(hours=1)
SEND_UNTIL = dt.timedelta(days=14)


class AlreadyAnswered(NotAllowed):
    """The invitation has a response; nothing was stored."""

    code = "already_answered"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or gettext("This survey has already been answered."))


def webinars_due_for_feedback(*, now: dt.datetime) -> QuerySet[Webinar]:
    """Published webinars (with an announced time) that ended between 1 hour and 14 days ago."""
    return Webinar.objects.filter(
        status=Webinar.Status.PUBLISHED,
        starts_at__isnull=False,
        ends_at__lte=now - SEND_AFTER,
        ends_at__gt=now - SEND_UNTIL,
    )


def _current_attendees(webinar: Webinar) -> QuerySet[Attendee]:
    return Attendee.objects.filter(webinar=webinar, attendance_import__replaced_at__isnull=True)


def feedback_recipients(webinar: Webinar) -> QuerySet[Registration]:
    """Who is invited: confirmed registrants; once attendance is imported, those of them in the report.

    "In the report" means an ``Attendee`` row of the webinar's current import (not
    replaced) linked to the registration. Erased registrations are never invited.
    """
    registrations = Registration.objects.filter(webinar=webinar, status=Registration.Status.CONFIRMED, erased_at__isnull=True)
    attendees = _current_attendees(webinar)
    if attendees.exists():
        registrations = registrations.filter(Exists(attendees.filter(registration=OuterRef("pk"))))
    return registrations


def feedback_requests_queue_due(*, now: dt.datetime | None = None) -> int:
    """Invite the recipients of every webinar now due who have no invitation yet. Returns how many.

    Safe to run often and concurrently: the invitation is unique per registration and the
    e-mail is queued once per key (``feedback:<registration uuid>``), both in one transaction.
    """
    now = now or timezone.now()
    count = 0
    for webinar in webinars_due_for_feedback(now=now).order_by("ends_at", "pk"):
        pending = feedback_recipients(webinar).filter(feedback_invitation__isnull=True).select_related("booking").order_by("pk")
        for registration in pending:
            count += _invite(registration, webinar=webinar, now=now)
    return count


def _invite(registration: Registration, *, webinar: Webinar, now: dt.datetime) -> int:
    try:
        with transaction.atomic():
            FeedbackInvitation.objects.create(registration=registration, webinar=webinar, sent_at=now)
            messaging.queue(
                kind="feedback_request",
                registration=registration,
                key=f"feedback:{registration.uuid}",  # the survey link is signed when the e-mail is rendered
            )
    except IntegrityError:
        return 0  # another worker invited this registrant a moment ago
    return 1


def feedback_submit(*, invitation: FeedbackInvitation, data: dict, language: str, now: dt.datetime | None = None) -> FeedbackResponse:
    """Store the answers of ``invitation``. Raises AlreadyAnswered when it has them already."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            locked = FeedbackInvitation.objects.select_for_update().get(pk=invitation.pk)
            if locked.answered_at is not None or FeedbackResponse.objects.filter(invitation=locked).exists():
                raise AlreadyAnswered
            response = FeedbackResponse.objects.create(
                webinar_id=locked.webinar_id,
                invitation=locked,
                rating=data["rating"],
                usefulness=data.get("usefulness"),
                improve=data.get("improve", ""),
                topics_next=data.get("topics_next", ""),
                comments=data.get("comments", ""),
                language=language[:8],
            )
            FeedbackInvitation.objects.filter(pk=locked.pk).update(answered_at=now)
    except IntegrityError as exc:
        # Two submissions raced past the check; the one-response-per-invitation constraint kept one.
        raise AlreadyAnswered from exc
    invitation.answered_at = now
    return response
