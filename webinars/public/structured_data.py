"""schema.org ``Event`` JSON-LD for webinar pages (search engines, aggregators)."""

from __future__ import annotations

import json

from django.conf import settings

from webinars.core.i18n import i18n_text
from webinars.programme.models import Webinar

EVENT_STATUS = {
    Webinar.Status.PUBLISHED: "https://schema.org/EventScheduled",
    Webinar.Status.CANCELLED: "https://schema.org/EventCancelled",
    Webinar.Status.POSTPONED: "https://schema.org/EventPostponed",
    Webinar.Status.DRAFT: "https://schema.org/EventScheduled",
}


def webinar_json_ld(webinar: Webinar) -> str:
    """The JSON-LD document, safe to place inside a ``<script>`` element.

    Uses prefetched speakers and partners; never includes the meeting address or any
    registrant data.
    """
    url = settings.SITE_URL + webinar.get_absolute_url()
    organiser = webinar.series.organiser
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": i18n_text(webinar.title, original=webinar.original_language),
        "url": url,
        "startDate": webinar.starts_at.isoformat() if webinar.starts_at else webinar.start_date.isoformat(),
        "eventAttendanceMode": "https://schema.org/OnlineEventAttendanceMode",
        "eventStatus": EVENT_STATUS[webinar.status],
        "location": {"@type": "VirtualLocation", "url": url},
        "organizer": {"@type": "Organization", "name": str(organiser), **({"url": organiser.website} if organiser.website else {})},
        "performer": [
            {"@type": "Person", "name": str(s.person), "url": settings.SITE_URL + s.person.get_absolute_url()}
            for s in webinar.speakers.all()
        ],
        "isAccessibleForFree": True,
    }
    if webinar.ends_at and webinar.starts_at:
        data["endDate"] = webinar.ends_at.isoformat()
    if webinar.language:
        data["inLanguage"] = webinar.language
    partners = [*webinar.partners.all()]
    if partners:
        data["sponsor"] = [{"@type": "Organization", "name": str(p)} for p in partners]
    summary = i18n_text(webinar.summary, original=webinar.original_language)
    if summary:
        data["description"] = summary
    if webinar.recording_url:
        data["recordedIn"] = {"@type": "CreativeWork", "url": webinar.recording_url}
    # "</" must not appear inside <script>; escaping "<", ">" and "&" as \\u sequences keeps it valid JSON.
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
