"""iCalendar (.ics) files of webinars, made with the icalendar library."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from webinars.core.i18n import i18n_text

from .models import Webinar

UID_DOMAIN = "museum-webinars"


def webinar_uid(webinar: Webinar) -> str:
    """Stable across renames, reschedules and hosts' address changes: built from the id only."""
    return f"webinar-{webinar.pk}@{UID_DOMAIN}"


def webinar_event(webinar: Webinar, *, language: str | None = None, description_extra: str = "") -> Event:
    event = Event()
    event.add("uid", webinar_uid(webinar))
    event.add("dtstamp", webinar.updated_at or timezone.now())
    event.add("summary", i18n_text(webinar.title, language, webinar.original_language))
    url = settings.SITE_URL + webinar.get_absolute_url()
    event.add("url", url)
    if webinar.starts_at is not None:
        event.add("dtstart", webinar.starts_at)
        event.add("dtend", webinar.ends_at)
    else:
        # The time is not announced yet: an all-day event on the organiser's date.
        event.add("dtstart", webinar.start_date)
        event.add("dtend", webinar.start_date + dt.timedelta(days=1))
    summary = i18n_text(webinar.summary, language, webinar.original_language)
    event.add("description", "\n\n".join(part for part in (summary, url, description_extra) if part))
    event.add("location", url)
    if webinar.status == Webinar.Status.CANCELLED:
        event.add("status", "CANCELLED")
    elif webinar.status == Webinar.Status.POSTPONED:
        event.add("status", "TENTATIVE")
    else:
        event.add("status", "CONFIRMED")
    # A higher sequence tells calendars that this version replaces what they stored.
    event.add("sequence", int(webinar.updated_at.timestamp()) if webinar.updated_at else 0)
    organiser = webinar.series.organiser
    event.add("organizer", f"{settings.SITE_URL}/", parameters={"cn": str(organiser)})
    return event


def calendar_for(webinars: Iterable[Webinar], *, name: str, language: str | None = None, description_extra: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Museum Webinars//museum-webinars//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for webinar in webinars:
        calendar.add_component(webinar_event(webinar, language=language, description_extra=description_extra))
    return calendar.to_ical()
