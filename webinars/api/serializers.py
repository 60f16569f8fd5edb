"""Model -> API dicts. Plain functions so the same shapes serve the API and tests."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from webinars.core.i18n import i18n_dict, i18n_text, sanitize_html
from webinars.programme.models import Organisation, Series, Webinar


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def organisation_dict(org: Organisation) -> dict:
    return {"slug": org.slug, "name": str(org), "name_i18n": i18n_dict(org.name), "website": org.website}


def series_dict(series: Series) -> dict:
    return {
        "slug": series.slug,
        "title": str(series),
        "title_i18n": i18n_dict(series.title),
        "summary": i18n_text(series.summary, original=series.original_language),
        "url": absolute(series.get_absolute_url()),
        "calendar_url": absolute(reverse("public:series_ics", args=[series.slug])),
        "organiser": organisation_dict(series.organiser),
        "partners": [organisation_dict(p) for p in series.partners.all()],
        "countries": [c.code for c in series.countries],
        "time_zone": series.time_zone,
        "is_sample": series.is_sample,
    }


def webinar_dict(webinar: Webinar) -> dict:
    return {
        "id": webinar.pk,
        "slug": webinar.slug,
        "title": str(webinar),
        "title_i18n": i18n_dict(webinar.title),
        "summary": i18n_text(webinar.summary, original=webinar.original_language),
        "status": webinar.status,
        "series": {"slug": webinar.series.slug, "title": str(webinar.series), "url": absolute(webinar.series.get_absolute_url())},
        "start_date": webinar.start_date,
        "starts_at": webinar.starts_at,
        "ends_at": webinar.ends_at if webinar.starts_at else None,
        "time_announced": webinar.starts_at is not None,
        "duration_minutes": webinar.duration_minutes,
        "time_zone": webinar.time_zone,
        "language": webinar.language,
        "interpretation_languages": list(webinar.interpretation_languages or []),
        "capacity": webinar.capacity,
        "recording_url": webinar.recording_url,
        "url": absolute(webinar.get_absolute_url()),
        "permanent_url": absolute(webinar.get_permanent_url()),
        "calendar_url": absolute(reverse("public:webinar_ics", args=[webinar.pk])),
    }


def webinar_detail_dict(webinar: Webinar) -> dict:
    return {
        **webinar_dict(webinar),
        "description_html": sanitize_html(i18n_text(webinar.description, original=webinar.original_language)),
        "speakers": [
            {
                "slug": s.person.slug,
                "name": str(s.person),
                "name_i18n": i18n_dict(s.person.name),
                "role": i18n_text(s.role, original=webinar.original_language),
                "role_i18n": i18n_dict(s.role),
                "url": absolute(s.person.get_absolute_url()),
            }
            for s in webinar.speakers.all()
        ],
        "links": [
            {
                "title": i18n_text(link.title, original=webinar.original_language),
                "title_i18n": i18n_dict(link.title),
                "url": link.url,
                "language": link.language,
            }
            for link in webinar.links.all()
        ],
        "partners": [organisation_dict(p) for p in webinar.partners.all()],
        "source_url": webinar.source_url,
    }
