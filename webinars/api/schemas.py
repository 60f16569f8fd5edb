"""Input and output schemas of the public JSON API (v1).

Only public programme data appears here: never meeting addresses, never registrants.
"""

import datetime as dt
from typing import Annotated, Literal

from django.conf import settings
from django_countries import countries
from ninja import Schema
from pydantic import Field, WithJsonSchema

from webinars.registrations.forms import BIDI_CONTROLS, MARKUP_CHARACTERS
from webinars.registrations.models import Gender, InstitutionType

# Output formats, stated in the OpenAPI document (the values come from validated model fields).
Uri = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]
# A URL field a record may leave empty: "" or an absolute URI.
UriOrEmpty = Annotated[str, WithJsonSchema({"type": "string", "anyOf": [{"format": "uri"}, {"maxLength": 0}]})]
LanguageCode = Annotated[str, WithJsonSchema({"type": "string", "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"})]
LanguageCodeOrEmpty = Annotated[str, WithJsonSchema({"type": "string", "pattern": "^([a-z]{2,3}(-[A-Za-z0-9]{2,8})*)?$"})]
CountryCode = Annotated[str, WithJsonSchema({"type": "string", "pattern": "^[A-Z]{2}$"})]
Slug = Annotated[str, WithJsonSchema({"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"})]


class OrganisationOut(Schema):
    slug: Slug
    name: str
    name_i18n: dict[str, str]
    website: UriOrEmpty


class SeriesOut(Schema):
    slug: Slug
    title: str
    title_i18n: dict[str, str]
    summary: str
    url: Uri
    calendar_url: Uri
    organiser: OrganisationOut
    partners: list[OrganisationOut]
    countries: list[CountryCode]
    time_zone: str
    is_sample: bool


class SeriesRef(Schema):
    slug: Slug
    title: str
    url: Uri


class WebinarOut(Schema):
    id: int
    slug: Slug
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
    language: LanguageCodeOrEmpty
    interpretation_languages: list[LanguageCode]
    capacity: int | None
    recording_url: UriOrEmpty
    url: Uri
    permanent_url: Uri
    calendar_url: Uri


class SpeakerOut(Schema):
    slug: Slug
    name: str
    name_i18n: dict[str, str]
    role: str
    role_i18n: dict[str, str]
    url: Uri


class LinkOut(Schema):
    title: str
    title_i18n: dict[str, str]
    url: UriOrEmpty
    language: LanguageCodeOrEmpty


class WebinarDetailOut(WebinarOut):
    description_html: str
    speakers: list[SpeakerOut]
    links: list[LinkOut]
    partners: list[OrganisationOut]
    source_url: UriOrEmpty


class ErrorOut(Schema):
    """Every error answer (400, 404, 409, 429): a sentence, a machine-readable code for a domain rule,
    and the messages per field ("request" for the request as a whole)."""

    detail: str
    code: str | None = None
    errors: dict[str, list[str]] = {}


def _plain_text(*, required: bool, max_length: int, description: str) -> dict:
    """The JSON Schema of a ``PlainTextField``: no control or direction characters, no markup,
    at most ``max_length`` characters; a required one needs a character other than a space
    (the form folds runs of spaces into one and strips the ends)."""
    banned = "".join(sorted(MARKUP_CHARACTERS | BIDI_CONTROLS))
    banned_class = "\\x00-\\x1f\\x7f-\\x9f" + "".join(f"\\u{ord(c):04x}" for c in banned)
    allowed = f"[^{banned_class}]"
    pattern = f"^{allowed}*[^\\s{banned_class}]{allowed}*$" if required else f"^{allowed}*$"
    schema = {"type": "string", "maxLength": max_length, "pattern": pattern, "description": description}
    if required:
        schema["minLength"] = 1
    return schema


def _choice(values: list[str], *, description: str, optional: bool = False) -> dict:
    return {"type": "string", "enum": ([""] if optional else []) + values, "description": description}


# The API validates a registration with the web form's rules (``RegistrationForm``), which give
# the 400 messages per field; these schemas state the same rules in the OpenAPI document, and
# ``tests/api/test_openapi_fuzz.py`` checks that the two agree (valid data accepted, invalid refused).
class RegistrationIn(Schema):
    """Fields of a registration; validated by the same rules as the web form. A series may ask
    questions of its own (``answers``, keyed by question id; a required one must be answered)."""

    name: Annotated[str, WithJsonSchema(_plain_text(required=True, max_length=200, description="Full name, in any script."))]
    email: Annotated[str, WithJsonSchema({"type": "string", "format": "email", "maxLength": 254})]
    country: Annotated[str, WithJsonSchema(_choice([code for code, _name in countries], description="ISO 3166-1 alpha-2 code."))]
    city: Annotated[str, WithJsonSchema(_plain_text(required=False, max_length=200, description="City."))] = ""
    organisation: Annotated[str, WithJsonSchema(_plain_text(required=True, max_length=300, description="Museum or institution."))]
    position: Annotated[str, WithJsonSchema(_plain_text(required=False, max_length=200, description="Position."))] = ""
    institution_type: Annotated[str, WithJsonSchema(_choice(list(InstitutionType.values), description="Type of institution."))]
    gender: Annotated[str, WithJsonSchema(_choice(list(Gender.values), description="Optional.", optional=True))] = ""
    language: Annotated[
        str, WithJsonSchema(_choice([code for code, _name in settings.LANGUAGES], description="Language of the e-mails."))
    ] = "en"
    consent_privacy: Annotated[bool, WithJsonSchema({"type": "boolean", "const": True, "description": "Agreement to the privacy notice."})]
    consent_recording: bool = False
    time_zone: Annotated[
        str, WithJsonSchema({"type": "string", "maxLength": 64, "description": "IANA zone of the registrant; an unknown one is ignored."})
    ] = ""
    answers: dict[str, Annotated[str, Field(max_length=2000)]] = {}


class RegistrationOut(Schema):
    """The same for a new registration and a repeat one: it never tells whether an address is
    registered or confirmed (the e-mail to the address says what happened)."""

    status: Literal["received"]
    webinar: int
    message: str
