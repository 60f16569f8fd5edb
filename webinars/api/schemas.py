"""Input and output schemas of the public JSON API (v1).

Only public programme data appears here: never meeting addresses, never registrants.
"""

import datetime as dt
from typing import Literal

from ninja import Schema


class OrganisationOut(Schema):
    slug: str
    name: str
    name_i18n: dict[str, str]
    website: str


class SeriesOut(Schema):
    slug: str
    title: str
    title_i18n: dict[str, str]
    summary: str
    url: str
    calendar_url: str
    organiser: OrganisationOut
    partners: list[OrganisationOut]
    countries: list[str]
    time_zone: str
    is_sample: bool


class SeriesRef(Schema):
    slug: str
    title: str
    url: str


class WebinarOut(Schema):
    id: int
    slug: str
    title: str
    title_i18n: dict[str, str]
    summary: str
    status: Literal["published", "cancelled", "postponed"]
    series: SeriesRef
    start_date: dt.date
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    time_announced: bool
    duration_minutes: int
    time_zone: str
    language: str
    interpretation_languages: list[str]
    capacity: int | None
    recording_url: str
    url: str
    permanent_url: str
    calendar_url: str


class SpeakerOut(Schema):
    slug: str
    name: str
    name_i18n: dict[str, str]
    role: str
    role_i18n: dict[str, str]
    url: str


class LinkOut(Schema):
    title: str
    title_i18n: dict[str, str]
    url: str
    language: str


class WebinarDetailOut(WebinarOut):
    description_html: str
    speakers: list[SpeakerOut]
    links: list[LinkOut]
    partners: list[OrganisationOut]
    source_url: str


class ErrorOut(Schema):
    detail: str
    code: str | None = None
    errors: dict[str, list[str]] = {}


class RegistrationIn(Schema):
    """Fields of a registration; validated by the same rules as the web form."""

    name: str
    email: str
    country: str
    city: str = ""
    organisation: str
    position: str = ""
    institution_type: str
    gender: str = ""
    language: str = "en"
    consent_privacy: bool
    consent_recording: bool = False
    time_zone: str = ""
    answers: dict[str, str] = {}


class RegistrationOut(Schema):
    """The same for a new registration and a repeat one: it never tells whether an address is
    registered or confirmed (the e-mail to the address says what happened)."""

    status: Literal["received"]
    webinar: int
    message: str
