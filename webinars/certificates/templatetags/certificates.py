"""Template helpers for certificates (the self-service page and the verification page)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import translation

from webinars.core.i18n import i18n_text

from .. import selectors
from ..pdf import format_date

register = template.Library()


@register.simple_tag
def booking_certificates(booking) -> list:
    """The valid certificates of the person behind ``booking`` (for their self-service page)."""
    if booking is None:
        return []
    return list(selectors.certificates_of_booking(booking))


@register.simple_tag
def certificate_subject(certificate) -> str:
    """The webinar's or the series' title, in the page's language."""
    return certificate.subject(translation.get_language())


@register.simple_tag
def certificate_issuer(certificate) -> str:
    return i18n_text(certificate.issuer, translation.get_language())


@register.simple_tag
def certificate_webinars(certificate) -> list[dict]:
    """The webinars attended, each with its title in the page's language and its date."""
    language = translation.get_language() or "en"
    return [
        {
            "title": i18n_text(item.get("title"), language, item.get("original_language")),
            "date": dt.date.fromisoformat(item["date"]),
            "date_text": format_date(dt.date.fromisoformat(item["date"]), language),
        }
        for item in certificate.webinars or []
        if item.get("date")
    ]
