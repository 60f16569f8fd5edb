"""Template helpers for translatable content and times in the viewer's zone."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

from django import template
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from webinars.core.formats import local_date, local_number
from webinars.core.i18n import localize, sanitize_html
from webinars.core.languages import language_name
from webinars.core.timezones import city_name, get_zone, parse_time_zone, utc_offset_label, zone_label

register = template.Library()


def _original(obj) -> str | None:
    return getattr(obj, "original_language", None)


@register.simple_tag
def tr(value, obj=None) -> str:
    """Text of a content field in the UI language; marked with ``lang`` when it fell back."""
    text, lang = localize(value, original=_original(obj))
    if lang != translation.get_language():
        return format_html('<span lang="{}">{}</span>', lang, text)
    return format_html("{}", text)


@register.simple_tag
def tr_plain(value, obj=None) -> str:
    """Text of a content field without markup (for attributes and titles)."""
    return localize(value, original=_original(obj))[0]


@register.simple_tag
def tr_html(value, obj=None) -> str:
    """Rich text of a content field, sanitised again on output as a second line of defence."""
    html, lang = localize(value, original=_original(obj))
    if not html:
        return ""
    clean = sanitize_html(html)
    if lang != translation.get_language():
        return format_html('<div lang="{}">{}</div>', lang, mark_safe(clean))  # noqa: S308 -- sanitised by nh3 above
    return mark_safe(clean)  # noqa: S308 -- sanitised by nh3 above


@register.filter
def day(value) -> str:
    """A date in the UI language's format: "26 Nov 2026", "26 нояб. 2026 г."."""
    return local_date(value)


@register.filter
def num(value) -> str:
    """A count with the UI language's grouping: "1,234", "1 234"."""
    return local_number(value) if isinstance(value, int | float) else str(value)


@register.filter
def langname(code: str) -> str:
    return language_name(code)


def _day(value: dt.date) -> str:
    return date_format(value, "l, j E Y")


def _is_past(webinar) -> bool:
    return webinar.ends_at is not None and webinar.ends_at <= timezone.now()


@register.inclusion_tag("public/_when.html")
def when(webinar, compact: bool = False) -> dict:
    """Date and time of a webinar in the viewer's zone, with the organiser's zone beside it."""
    viewer_zone = timezone.get_current_timezone()
    organiser_zone = get_zone(webinar.time_zone)
    context = {"webinar": webinar, "compact": compact, "announced": webinar.starts_at is not None}
    if webinar.starts_at is None:
        context.update(day=_day(webinar.start_date), iso=webinar.start_date.isoformat(), past=_is_past(webinar))
        return context
    local = webinar.starts_at.astimezone(viewer_zone)
    organiser_local = webinar.starts_at.astimezone(organiser_zone)
    context.update(
        iso=webinar.starts_at.isoformat(),
        day=_day(local.date()),
        time=date_format(local, "H:i"),
        end_time=date_format(webinar.ends_at.astimezone(viewer_zone), "H:i"),
        viewer_city=city_name(viewer_zone.key) if viewer_zone.key != "UTC" else "UTC",
        viewer_offset=utc_offset_label(webinar.starts_at, viewer_zone),
        same_zone=utc_offset_label(webinar.starts_at, viewer_zone) == utc_offset_label(webinar.starts_at, organiser_zone)
        and viewer_zone.key == organiser_zone.key,
        organiser_day=_day(organiser_local.date()) if organiser_local.date() != local.date() else "",
        organiser_time=date_format(organiser_local, "H:i"),
        organiser_city=city_name(organiser_zone.key) if organiser_zone.key != "UTC" else "UTC",
        organiser_offset=utc_offset_label(webinar.starts_at, organiser_zone),
    )
    return context


@register.simple_tag
def status_label(webinar) -> str:
    labels = {
        "cancelled": _("Cancelled"),
        "postponed": _("Postponed"),
        "draft": _("Draft"),
    }
    label = labels.get(webinar.status)
    if not label:
        return ""
    return format_html('<strong class="badge badge-{}">{}</strong>', webinar.status, label)


@register.simple_tag
def when_text(webinar, mid_sentence: bool = False) -> str:
    """Plain-text date and time in the active zone (e-mails), with the zone named.

    ``mid_sentence``: the text follows other words ("Title: Saturday, …"), where Russian
    writes the weekday in lower case; on a line of its own it starts with a capital.
    """
    if webinar.starts_at is None:
        day = _weekday_case(_day(webinar.start_date), mid_sentence)
        if _is_past(webinar):
            return f"{day} · {_('the time was not announced')}"
        return f"{day} · {_('time to be announced')}"
    return _when_text(webinar.starts_at, timezone.get_current_timezone(), translation.get_language(), mid_sentence)


def _weekday_case(text: str, mid_sentence: bool) -> str:
    """Russian weekday names are capitalised only at the start of a sentence."""
    if mid_sentence and (translation.get_language() or "").startswith("ru"):
        return text[:1].lower() + text[1:]
    return text


@functools.lru_cache(maxsize=1024)
def _when_text(starts_at: dt.datetime, zone: zoneinfo.ZoneInfo, language: str | None, mid_sentence: bool = False) -> str:
    """``when_text`` of a time, kept per zone and language (called in that language): the
    reminders of one webinar, thousands of e-mails, show a handful of different texts."""
    local = starts_at.astimezone(zone)
    day = _weekday_case(_day(local.date()), mid_sentence)
    return f"{day}, {date_format(local, 'H:i')} ({zone_label(zone.key, starts_at)})"


@register.simple_tag
def moment_text(value: dt.datetime | None, zone_name: str = "") -> str:
    """A deadline or moment with its weekday, in ``zone_name`` (default: the active zone), the
    zone named: "Friday, 4 December, 10:00 (Yerevan, UTC+4)"."""
    if value is None:
        return ""
    zone = (get_zone(zone_name) if zone_name and parse_time_zone(zone_name) else None) or timezone.get_current_timezone()
    local = value.astimezone(zone)
    weekday = _weekday_case(date_format(local, "l"), mid_sentence=True)  # a deadline is always mid-sentence
    return f"{weekday}, {date_format(local, 'j E')}, {date_format(local, 'H:i')} ({zone_label(zone.key, value)})"
