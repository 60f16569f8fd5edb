"""Shared machinery: content languages, HTML sanitising, time zones, page cache, viewer preferences."""

import datetime as dt
import json
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from tests.factories import OrganisationFactory, PersonFactory, SeriesFactory, UserFactory, WebinarFactory
from webinars.core import selectors as core_selectors
from webinars.core.i18n import LazyI18nString, i18n_dict, i18n_text, localize, sanitize_html
from webinars.core.models import ContentVersion
from webinars.core.services import content_version_bump
from webinars.core.timezones import chooser_zones, city_name, parse_time_zone, utc_offset_label, validate_time_zone
from webinars.programme.models import Person, Webinar

ALL = {"en": "English", "ru": "Русский", "kk": "Қазақша", "hy": "Հայերեն"}


# --- localize: fallback order and reported language ------------------------------------


@pytest.mark.parametrize(
    ("data", "language", "original", "expected"),
    [
        (ALL, "ru", "hy", ("Русский", "ru")),  # the requested language first
        ({"en": "English", "kk": "Қазақша"}, "ru", "kk", ("Қазақша", "kk")),  # then the original language
        ({"en": "English", "ru": "Русский"}, "ky", "ru", ("Русский", "ru")),  # original beats English
        ({"en": "English", "ru": "Русский"}, "ky", "hy", ("English", "en")),  # then English
        ({"en": "English", "ru": "Русский"}, "ky", None, ("English", "en")),
        ({"hy": "Հայերեն", "ka": "ქართული"}, "ru", "kk", ("Հայերեն", "hy")),  # then any language with text
        ({"ru": "", "en": "English"}, "ru", None, ("English", "en")),  # empty text does not count
        ({"ru": "", "kk": "", "ka": "ქართული"}, "ru", "kk", ("ქართული", "ka")),
        ({"ru": "Русский"}, "ru-RU", None, ("Русский", "ru")),  # a regional code finds its language
        ({}, "ru", "en", ("", "ru")),
        ({"en": "", "ru": ""}, "kk", "en", ("", "kk")),
    ],
)
def test_localize_fallback_order(data, language, original, expected):
    assert localize(data, language, original) == expected
    assert localize(LazyI18nString(data), language, original) == expected
    assert i18n_text(data, language, original) == expected[0]


def test_localize_uses_the_active_language():
    with translation.override("ru"):
        assert localize({"en": "Hello", "ru": "Привет"}) == ("Привет", "ru")
        assert localize({"en": "Hello"}) == ("Hello", "en")
    with translation.override("en"):
        assert localize({"en": "Hello", "ru": "Привет"}) == ("Hello", "en")


def test_localize_of_plain_and_missing_values():
    assert localize(None, "ru") == ("", "ru")
    assert localize("Just text", "ru") == ("Just text", "ru")
    assert localize(LazyI18nString('{"kk": "Сәлем"}'), "ru") == ("Сәлем", "kk")  # stored JSON text


def test_localize_of_model_content_read_from_the_database(db):
    organisation = OrganisationFactory(name={"ru": "ИКОМ России", "en": "ICOM Russia"}, original_language="ru")
    organisation.refresh_from_db()
    assert isinstance(organisation.name, LazyI18nString)
    assert localize(organisation.name, "kk", organisation.original_language) == ("ИКОМ России", "ru")
    with translation.override("en"):
        assert str(organisation) == "ICOM Russia"


def test_i18n_dict_keeps_only_languages_with_text():
    assert i18n_dict(LazyI18nString({"en": "Hi", "ru": "", "kk": "Сәлем"})) == {"en": "Hi", "kk": "Сәлем"}
    assert i18n_dict("Plain") == {"en": "Plain"}
    assert i18n_dict(None) == {}
    assert i18n_dict("") == {}


# --- sanitising rich text --------------------------------------------------------------

DIRTY = (
    '<p onclick="steal()">Hello <strong>world</strong></p>'
    "<script>alert(1)</script>"
    '<a href="javascript:alert(2)">bad link</a>'
    '<a href="https://example.org/" onmouseover="x()">good link</a>'
    '<img src="x" onerror="alert(3)">'
    '<iframe src="https://evil.example/"></iframe>'
    '<p style="color:red">styled</p>'
)


def _assert_clean(html: str) -> None:
    lowered = html.lower()
    for bad in ("<script", "alert(", "onclick", "onmouseover", "onerror", "javascript:", "<iframe", "<img", "style="):
        assert bad not in lowered, (bad, html)


def test_sanitize_html_removes_scripts_handlers_and_bad_urls():
    clean = sanitize_html(DIRTY)
    _assert_clean(clean)
    assert "<p>Hello <strong>world</strong></p>" in clean
    assert '<a href="https://example.org/" rel="noopener noreferrer nofollow">good link</a>' in clean
    assert "bad link" in clean  # the text stays, the link target goes
    assert "styled" in clean
    assert sanitize_html("") == ""
    assert sanitize_html(None) == ""


def test_sanitize_html_keeps_allowed_markup():
    html = '<h2>Title</h2><ul><li><em>one</em></li></ul><p lang="kk">Сәлем</p><a href="mailto:a@example.org">mail</a>'
    assert sanitize_html(html) == html.replace('">mail', '" rel="noopener noreferrer nofollow">mail')


def _stored(model, pk: int, field: str) -> str:
    """The raw text in the database column, whatever Python does on reading."""
    from django.db import connection

    table = model._meta.db_table
    column = model._meta.get_field(field).column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 -- names from model meta
        return cursor.fetchone()[0]


def test_rich_content_field_sanitises_every_language_on_save(db):
    person = PersonFactory(bio={"en": DIRTY, "ru": "<p>Привет</p><script>alert(1)</script>", "kk": ""})
    raw = _stored(Person, person.pk, "bio")
    _assert_clean(raw)
    data = json.loads(raw)
    assert set(data) == {"en", "ru"}
    assert data["ru"] == "<p>Привет</p>"
    assert "<strong>world</strong>" in data["en"]

    person.refresh_from_db()
    _assert_clean(json.dumps(person.bio.data))


@pytest.mark.parametrize(
    "value",
    [
        LazyI18nString({"en": DIRTY}),
        DIRTY,  # a plain string
        json.dumps({"en": DIRTY, "ru": DIRTY}),  # JSON text, as a form or fixture may give it
        "{" + DIRTY,  # text that merely starts like JSON
    ],
)
def test_rich_content_field_sanitises_every_input_form(db, value):
    webinar = WebinarFactory(description=value)
    raw = _stored(Webinar, webinar.pk, "description")
    _assert_clean(raw)
    assert "Hello <strong>world</strong>" in raw


def test_rich_content_field_sanitises_queryset_updates(db):
    person = PersonFactory()
    Person.objects.filter(pk=person.pk).update(bio={"en": DIRTY})
    _assert_clean(_stored(Person, person.pk, "bio"))


def test_plain_content_fields_are_not_html_but_are_escaped_on_output(db):
    series = SeriesFactory(title={"en": "<b>Bold</b> & co"})
    series.refresh_from_db()
    assert str(series) == "<b>Bold</b> & co"  # stored as typed
    with translation.override("en"):
        html = Template("{% load mw %}{% tr series.title series %}").render(Context({"series": series}))
    assert html == "&lt;b&gt;Bold&lt;/b&gt; &amp; co"


# --- template tags ---------------------------------------------------------------------


def _render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load mw %}" + source).render(Context(context))


def test_tr_marks_fallback_text_with_its_language():
    value = {"en": "Collection care"}
    assert _render("{% tr value %}", "en", value=value) == "Collection care"
    assert _render("{% tr value %}", "ru", value=value) == '<span lang="en">Collection care</span>'
    both = {"en": "Collection care", "ru": "Сохранение коллекций"}
    assert _render("{% tr value %}", "ru", value=both) == "Сохранение коллекций"


def test_tr_falls_back_to_the_objects_original_language(db):
    organisation = OrganisationFactory(name={"kk": "Қазақ музейі", "en": "Kazakh museum"}, original_language="kk")
    html = _render("{% tr org.name org %}", "ru", org=organisation)
    assert html == '<span lang="kk">Қазақ музейі</span>'
    assert _render("{% tr_plain org.name org %}", "ru", org=organisation) == "Қазақ музейі"


def test_tr_html_sanitises_again_and_marks_fallback():
    value = {"en": "<p>Hi</p><script>alert(1)</script>"}
    assert _render("{% tr_html value %}", "en", value=value) == "<p>Hi</p>"
    assert _render("{% tr_html value %}", "ru", value=value) == '<div lang="en"><p>Hi</p></div>'
    assert _render("{% tr_html value %}", "ru", value={}) == ""


# --- time zones ------------------------------------------------------------------------


def test_parse_time_zone():
    assert parse_time_zone("Asia/Almaty") == zoneinfo.ZoneInfo("Asia/Almaty")
    assert parse_time_zone("UTC").key == "UTC"
    for bad in (None, "", "Nowhere/City", "asia/almaty", "../../etc/passwd", "Asia/" + "X" * 80):
        assert parse_time_zone(bad) is None, bad


def test_validate_time_zone():
    validate_time_zone("Asia/Tbilisi")
    with pytest.raises(ValidationError) as error:
        validate_time_zone("Mars/Olympus")
    assert "Mars/Olympus" in error.value.messages[0]


def test_city_name():
    assert city_name("Asia/Almaty") == "Almaty"
    assert city_name("America/Argentina/Salta") == "Salta"
    assert city_name("America/New_York") == "New York"
    assert city_name("UTC") == "UTC"


def test_utc_offset_label_uses_historic_rules():
    almaty = zoneinfo.ZoneInfo("Asia/Almaty")
    assert utc_offset_label(dt.datetime(2021, 4, 22, 9, 0, tzinfo=dt.UTC), almaty) == "UTC+6"
    assert utc_offset_label(dt.datetime(2025, 4, 22, 9, 0, tzinfo=dt.UTC), almaty) == "UTC+5"
    moment = dt.datetime(2030, 1, 15, 12, 0, tzinfo=dt.UTC)
    assert utc_offset_label(moment, zoneinfo.ZoneInfo("Asia/Kolkata")) == "UTC+5:30"
    assert utc_offset_label(moment, zoneinfo.ZoneInfo("Asia/Kathmandu")) == "UTC+5:45"
    assert utc_offset_label(moment, zoneinfo.ZoneInfo("America/New_York")) == "UTC−5"
    assert utc_offset_label(moment.replace(month=7), zoneinfo.ZoneInfo("America/New_York")) == "UTC−4"
    assert utc_offset_label(moment, zoneinfo.ZoneInfo("UTC")) == "UTC"
    assert utc_offset_label(moment, zoneinfo.ZoneInfo("Europe/London")) == "UTC"


def test_chooser_zones_put_an_unlisted_current_zone_first():
    assert chooser_zones("Asia/Almaty")[0] == "Asia/Almaty"
    assert chooser_zones("Asia/Almaty").count("Asia/Almaty") == 1
    zones = chooser_zones("Pacific/Auckland")
    assert zones[0] == "Pacific/Auckland"
    assert "Asia/Tbilisi" in zones
    assert "Pacific/Auckland" not in chooser_zones("Asia/Almaty")


# --- content version and the page cache ------------------------------------------------


def test_content_version_goes_up_on_every_content_change(db):
    start = core_selectors.content_version()
    content_version_bump()
    assert core_selectors.content_version() == start + 1
    assert ContentVersion.objects.get(pk=1).version == start + 1

    series = SeriesFactory()
    after_series = core_selectors.content_version()
    assert after_series > start + 1
    series.partners.add(OrganisationFactory())  # m2m changes count too
    assert core_selectors.content_version() > after_series


def test_content_version_is_memoised_briefly(db, django_assert_num_queries):
    core_selectors.content_version()
    with django_assert_num_queries(0):
        core_selectors.content_version()


def test_same_url_is_cached_per_language(client, db):
    WebinarFactory(title={"en": "English title", "ru": "Русское название"})
    for language, text, other in (("en", "English title", "Русское название"), ("ru", "Русское название", "English title")):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
        assert response["X-Page-Cache"] == "miss", language
        assert text in response.content.decode() and other not in response.content.decode()
    for language, text, other in (("en", "English title", "Русское название"), ("ru", "Русское название", "English title")):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
        assert response["X-Page-Cache"] == "hit", language
        html = response.content.decode()
        assert f'<html lang="{language}"' in html
        assert text in html and other not in html
        assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]


def test_language_cookie_selects_the_cached_page(client, db):
    WebinarFactory(title={"en": "English title", "ru": "Русское название"})
    assert "English title" in client.get("/").content.decode()
    response = client.get("/?lang=ru")
    assert response.cookies["lang"].value == "ru"
    assert "Русское название" in response.content.decode()
    # The cookie now chooses Russian for the plain address, cached apart from English.
    first = client.get("/")
    second = client.get("/")
    assert "Русское название" in first.content.decode()
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert "Русское название" in second.content.decode()


def test_same_url_is_cached_per_time_zone(client, db):
    webinar = WebinarFactory(starts_at=dt.datetime(2030, 5, 14, 6, 0, tzinfo=dt.UTC), start_date=dt.date(2030, 5, 14))
    url = webinar.get_absolute_url()
    expected = {"Asia/Tbilisi": ("10:00", "Tbilisi time"), "Europe/London": ("07:00", "London time")}
    for zone, (time, label) in [*expected.items(), *expected.items()]:
        client.cookies["tz"] = zone
        response = client.get(url)
        html = response.content.decode()
        assert time in html and label in html, zone
    assert response["X-Page-Cache"] == "hit"


def test_content_bump_retires_cached_pages(client, db):
    series = SeriesFactory()
    url = series.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    content_version_bump()
    assert client.get(url)["X-Page-Cache"] == "miss"
    series.partners.add(OrganisationFactory(name={"en": "New partner"}))
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "New partner" in response.content.decode()


def test_signed_in_users_bypass_the_page_cache(client, db, django_user_model):
    series = SeriesFactory()
    url = series.get_absolute_url()
    client.get(url)
    client.force_login(UserFactory(username="organiser"))
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert "X-Page-Cache" not in response


def test_not_found_pages_are_not_cached(client, db):
    assert client.get("/series/not-yet/").status_code == 404
    series = SeriesFactory(slug="not-yet")
    # A 404 left in the cache would hide the new series; the content bump alone must not be needed.
    core_selectors.forget_content_version()
    ContentVersion.objects.filter(pk=1).update(version=1)
    assert client.get(series.get_absolute_url()).status_code == 200


# --- viewer preferences middleware -----------------------------------------------------


def test_lang_parameter_sets_cookie_and_unknown_language_is_ignored(client, db):
    response = client.get("/?lang=ru")
    cookie = response.cookies["lang"]
    assert cookie.value == "ru"
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert response["Content-Language"] == "ru"
    # Without the parameter the cookie keeps the choice.
    assert '<html lang="ru"' in client.get("/").content.decode()

    fresh = client.__class__()
    response = fresh.get("/?lang=xx")
    assert response.status_code == 200
    assert "lang" not in response.cookies
    assert '<html lang="en"' in response.content.decode()


def test_lang_parameter_overrides_accept_language(client, db):
    response = client.get("/?lang=en", HTTP_ACCEPT_LANGUAGE="ru")
    assert '<html lang="en"' in response.content.decode()
    assert response.cookies["lang"].value == "en"


def test_tz_cookie_only_set_when_it_changes(client, db):
    assert client.get("/?tz=Asia/Baku").cookies["tz"].value == "Asia/Baku"
    assert "tz" not in client.get("/?tz=Asia/Baku").cookies
    client.cookies["tz"] = "Nowhere/City"
    response = client.get("/")
    assert response.status_code == 200
    assert 'data-tz="Asia/Almaty"' in response.content.decode()  # a bad cookie falls back to the default zone
