"""Viewer time zones: validation, labels and the zones offered in the chooser."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache

from babel.core import UnknownLocaleError
from babel.dates import get_timezone_location
from django.utils import translation

# Zones of the region first in the chooser; every IANA zone is accepted from ?tz=.
REGION_TIME_ZONES: list[str] = [
    "Asia/Almaty",
    "Asia/Qostanay",
    "Asia/Aqtobe",
    "Asia/Aqtau",
    "Asia/Atyrau",
    "Asia/Oral",
    "Asia/Qyzylorda",
    "Asia/Bishkek",
    "Asia/Tashkent",
    "Asia/Samarkand",
    "Asia/Dushanbe",
    "Asia/Ashgabat",
    "Asia/Yerevan",
    "Asia/Tbilisi",
    "Asia/Baku",
    "Europe/Moscow",
    "Europe/Paris",
    "Europe/London",
    "America/New_York",
    "UTC",
]


@lru_cache(maxsize=1)
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def parse_time_zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    """Return the zone called ``name``, or None when it is not a known IANA zone."""
    if not name or len(name) > 64 or name not in available_time_zones():
        return None
    return get_zone(name)


@lru_cache(maxsize=1024)
def get_zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def city_name(zone_name: str, language: str | None = None) -> str:
    """The zone's city in ``language`` (default: the active one) from CLDR (Babel):
    "Asia/Yerevan" -> "Yerevan", in Russian "Ереван". Without a CLDR name, the identifier's
    last part: "America/Argentina/Salta" -> "Salta"."""
    return _city_name(zone_name, (language or translation.get_language() or "en").split("-")[0])


@lru_cache(maxsize=2048)
def _city_name(zone_name: str, language: str) -> str:
    fallback = zone_name.rsplit("/", 1)[-1].replace("_", " ")
    if zone_name == "UTC" or "/" not in zone_name:
        return fallback
    try:
        name = get_timezone_location(zone_name, locale=language, return_city=True)
    except (LookupError, ValueError, UnknownLocaleError):
        return fallback
    return fallback if not name or "/" in name else name


def zone_label(zone_name: str, moment: dt.datetime | None = None, language: str | None = None) -> str:
    """ "Ереван, UTC+4": the city in the UI language and the offset in force at ``moment`` (now)."""
    zone = parse_time_zone(zone_name)
    if zone is None:
        return zone_name
    offset = utc_offset_label(moment or dt.datetime.now(dt.UTC), zone)
    if zone_name == "UTC":
        return offset
    return f"{city_name(zone_name, language)}, {offset}"


def zone_options(current: str, language: str | None = None) -> list[tuple[str, str]]:
    """The chooser's (value, label) pairs: the region's zones first, each with a localised label."""
    now = dt.datetime.now(dt.UTC)
    return [(name, zone_label(name, now, language)) for name in chooser_zones(current)]


def utc_offset_label(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """The offset in force in ``zone`` at ``moment`` (historical rules included), e.g. "UTC+6"."""
    offset = moment.astimezone(zone).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "") if minutes else "UTC"


def chooser_zones(current: str) -> list[str]:
    zones = list(REGION_TIME_ZONES)
    if current not in zones:
        zones.insert(0, current)
    return zones


def validate_time_zone(value: str) -> None:
    """Model/form validator: ``value`` must be an IANA zone name such as "Asia/Almaty"."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if parse_time_zone(value) is None:
        raise ValidationError(_("“%(zone)s” is not a known time zone; use a name such as Asia/Almaty."), params={"zone": value})


# -- the organisers' zone select (names with the localised city and the offset in force) --------

# Canonical zones live under these areas; the aliases (US/Eastern, Etc/GMT+5, Asia/Calcutta...)
# stay valid values but are not offered.
_ZONE_AREAS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
_LEGACY_NAMES = frozenset({"Asia/Calcutta", "Asia/Katmandu", "Asia/Rangoon", "Asia/Saigon", "Europe/Kiev", "America/Buenos_Aires"})


def zone_select_label(zone_name: str, language: str, *, now: dt.datetime | None = None) -> str:
    """ "Asia/Almaty" in Russian -> "Алматы · UTC+5 · Asia/Almaty": the city in the language (CLDR
    through Babel, as ``zone_label``), the offset in force now, and the name stored (organisers
    pick a zone by any of the three)."""
    if zone_name == "UTC":
        return "UTC"
    offset = utc_offset_label(now or dt.datetime.now(dt.UTC), get_zone(zone_name))
    return f"{city_name(zone_name, language)} · {offset} · {zone_name}"


def _offered_zones() -> list[str]:
    others = sorted(
        zone
        for zone in available_time_zones()
        if zone.split("/", 1)[0] in _ZONE_AREAS and zone not in _LEGACY_NAMES and zone not in REGION_TIME_ZONES
    )
    return [*REGION_TIME_ZONES, *others]


@lru_cache(maxsize=8)
def _zone_choices(language: str, hour: int) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    from django.utils.translation import gettext, override

    now = dt.datetime.fromtimestamp(hour * 3600, dt.UTC)
    region = tuple((zone, zone_select_label(zone, language, now=now)) for zone in REGION_TIME_ZONES)
    others = tuple((zone, zone_select_label(zone, language, now=now)) for zone in _offered_zones()[len(REGION_TIME_ZONES) :])
    with override(language):
        return ((gettext("Zones of the region"), region), (gettext("All zones"), others))


def zone_choices(language: str, *, current: str | None = None) -> list[tuple[str, object]]:
    """Grouped choices for a zone ``<select>``: the region's zones first, then every canonical
    zone, each labelled by :func:`zone_label` (offsets as of this hour). ``current`` is added
    when it is a valid name not otherwise offered (an alias typed in the admin)."""
    hour = int(dt.datetime.now(dt.UTC).timestamp() // 3600)
    choices: list[tuple[str, object]] = [(group, list(items)) for group, items in _zone_choices(language, hour)]
    if current and parse_time_zone(current) is not None and current not in _offered_zones():
        choices.insert(0, (current, zone_select_label(current, language)))
    return choices
