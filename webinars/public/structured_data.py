"""schema.org ``Event`` JSON-LD for webinar pages (search engines, aggregators)."""

from __future__ import annotations

import json

from django.conf import settings

from webinars.core.i18n import i18n_text
from webinars.library.models import LibraryItem
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
    return _script_safe(data)


def _script_safe(data: dict) -> str:
    # "</" must not appear inside <script>; escaping "<", ">" and "&" as \\u sequences keeps it valid JSON.
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


ITEM_TYPES = {
    LibraryItem.Kind.RECORDING: "VideoObject",
    LibraryItem.Kind.VIDEO: "VideoObject",
    LibraryItem.Kind.DATASET: "Dataset",
    LibraryItem.Kind.SLIDES: "PresentationDigitalDocument",
    LibraryItem.Kind.ARTICLE: "Article",
}


def library_item_json_ld(item: LibraryItem, paragraphs: list[dict] | None = None) -> str:
    """schema.org ``CreativeWork`` (``VideoObject`` for recordings, with the transcript shown on the page)."""
    url = settings.SITE_URL + item.get_absolute_url()
    data: dict = {
        "@context": "https://schema.org",
        "@type": ITEM_TYPES.get(LibraryItem.Kind(item.kind), "CreativeWork"),
        "name": i18n_text(item.title, original=item.original_language),
        "url": url,
        "isAccessibleForFree": True,
    }
    description = i18n_text(item.description, original=item.original_language)
    if description:
        data["description"] = description
    if item.languages:
        data["inLanguage"] = item.languages if len(item.languages) > 1 else item.languages[0]
    author = i18n_text(item.author, original=item.original_language)
    if author:
        data["author"] = {"@type": "Organization" if item.organisation_id else "Person", "name": author}
    elif item.organisation_id:
        data["author"] = {"@type": "Organization", "name": str(item.organisation)}
    if item.licence:
        data["license"] = item.licence
    if item.date:
        data["datePublished"] = item.date.isoformat()
    if item.url:
        data["sameAs"] = item.url
    themes = [str(t) for t in item.themes.all()]
    if themes:
        data["keywords"] = themes
    if data["@type"] == "VideoObject":
        data["name"] = data["name"] or url
        data["description"] = data.get("description") or data["name"]
        if item.published_at:
            data["uploadDate"] = item.published_at.date().isoformat()
        source = item.video_source
        if source:
            data["contentUrl"] = source if source.startswith("http") else settings.SITE_URL + source
        elif item.url:
            data["embedUrl"] = item.url
        if paragraphs:
            data["transcript"] = " ".join(p["text"] for p in paragraphs)
    about = [settings.SITE_URL + w.get_absolute_url() for w in item.webinars.all()]
    if about:
        data["subjectOf"] = [{"@type": "Event", "url": u} for u in about]
    return _script_safe(data)
