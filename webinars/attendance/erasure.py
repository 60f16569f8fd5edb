"""Erasure and retention of what attendance reports said about people (services of this app,
kept apart from the import so the two change independently).

An attendee row keeps its minutes, joins and match (reports count them); its name, other
names and the report's address go. A walk-in's address becomes the keyed hash of it
(``core.pseudonyms``), so the person still counts once in reach reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q, QuerySet

from webinars.audit.services import admin_log_forget
from webinars.core.pseudonyms import ERASED_DOMAIN, erased_address
from webinars.programme.selectors import webinars_past_retention

from .models import Attendee


def attendees_erase(*, attendees: QuerySet[Attendee] | Iterable[Attendee]) -> int:
    """Anonymise ``attendees`` (names and addresses from the report); returns how many changed."""
    changed = 0
    with transaction.atomic():
        for attendee in list(attendees):
            if attendee.registration_id is not None or not attendee.email:
                email = ""  # the registration (or the row itself) says who they are
            else:
                email = erased_address(attendee.email)
            if attendee.name or attendee.other_names or attendee.email != email:
                admin_log_forget(objects=[attendee])
                Attendee.objects.filter(pk=attendee.pk).update(name="", other_names=[], email=email)
                changed += 1
    return changed


def attendees_erase_for_person(*, registration_id: int, email: str) -> int:
    """The person of a registration asked for erasure: every row linked to it, and every
    row anywhere that carries their address (walk-ins, unmatched rows)."""
    rows = Attendee.objects.filter(Q(registration_id=registration_id) | Q(email__iexact=email.strip()))
    if email.endswith("@" + ERASED_DOMAIN):
        rows = Attendee.objects.filter(registration_id=registration_id)
    return attendees_erase(attendees=rows)


def attendees_purge_past_retention(*, now: dt.datetime, dry_run: bool = False, batch: int = 2000) -> int:
    """Retention: anonymise the report rows of webinars past their series' retention period
    (walk-ins and unmatched people; registered attendees went with their registration)."""
    personal = ~Q(name="") | ~Q(other_names=[]) | (~Q(email="") & ~Q(email__endswith="@" + ERASED_DOMAIN))
    due = Attendee.objects.filter(personal, webinar__in=webinars_past_retention(now=now))
    if dry_run:
        return due.count()
    return attendees_erase(attendees=due.order_by("pk")[:batch])
