"""Names of the region in the UI language: countries, time zones, dates."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone, translation

from tests.factories import WebinarFactory
from webinars.core.countries import collation_key
from webinars.core.templatetags.mw import moment_text, when_text
from webinars.core.timezones import city_name, zone_label, zone_options
from webinars.registrations.forms import country_choices


def names(language: str) -> list[str]:
    with translation.override(language):
        return [name for code, name in country_choices([]) if code]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_countries_are_in_the_alphabetical_order_of_the_ui_language(language):
    listed = names(language)
    assert listed == sorted(listed, key=collation_key)
    if language == "ru":
        assert listed[:3] == ["Австралия", "Австрия", "Азербайджан"]
        assert listed.index("Кабо-Верде") < listed.index("Казахстан") < listed.index("Кыргызстан")


def test_russian_country_names_are_in_the_nominative():
    listed = set(names("ru"))
    for nominative in ("Либерия", "Мьянма", "Новая Каледония", "Сан-Марино", "Кыргызстан"):
        assert nominative in listed
    for genitive in ("Либерии", "Мьянмы", "Новой Каледонии"):
        assert genitive not in listed
    assert not [name for name in listed if name.startswith(("Святого ", "Святой Елены"))]


def test_collation_puts_yo_with_ye_and_short_i_after_i():
    words = ["Йемен", "Ёлка", "Ель", "Ирак", "Иран"]
    assert sorted(words, key=collation_key) == ["Ёлка", "Ель", "Ирак", "Иран", "Йемен"]  # ё is read as е


def test_time_zones_are_named_by_their_city_in_the_ui_language_with_the_offset():
    winter = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert city_name("Asia/Yerevan", "ru") == "Ереван"
    assert zone_label("Asia/Yerevan", winter, "ru") == "Ереван, UTC+4"
    assert zone_label("Asia/Almaty", winter, "en") == "Almaty, UTC+5"
    assert zone_label("UTC", winter, "ru") == "UTC"
    with translation.override("ru"):
        labels = dict(zone_options("Asia/Tbilisi"))
    assert labels["Asia/Tbilisi"] == "Тбилиси, UTC+4"
    assert not [label for label in labels.values() if "/" in label]


@pytest.mark.django_db
def test_the_time_zone_chooser_shows_localised_cities_not_identifiers(client):
    html = client.get("/?lang=ru&tz=Asia/Yerevan").content.decode()
    select = BeautifulSoup(html, "html.parser").find("select", id="tz-select")
    options = {o["value"]: o.get_text() for o in select.find_all("option")}
    assert options["Asia/Yerevan"].startswith("Ереван, UTC+")
    assert not [text for text in options.values() if "Asia/" in text or "Europe/" in text]


@pytest.mark.django_db
def test_time_lines_name_the_city_in_russian(client):
    webinar = WebinarFactory(time_zone="Asia/Almaty")
    html = client.get(f"{webinar.get_absolute_url()}?lang=ru&tz=Asia/Yerevan").content.decode()
    text = BeautifulSoup(html, "html.parser").find("main").get_text(" ")
    assert "Ереван, UTC+4" in text and "Алматы" in text
    assert "Yerevan" not in text and "Almaty" not in text


def test_a_deadline_reads_with_its_weekday_in_the_registrants_zone():
    moment = dt.datetime(2026, 12, 4, 6, 0, tzinfo=dt.UTC)
    with translation.override("en"):
        assert moment_text(moment, "Asia/Yerevan") == "Friday, 4 December, 10:00 (Yerevan, UTC+4)"
    with translation.override("ru"):
        assert moment_text(moment, "Asia/Yerevan") == "пятница, 4 декабря, 10:00 (Ереван, UTC+4)"


def test_an_email_date_starts_with_a_capital_on_its_own_line_and_not_after_a_colon_in_russian():
    webinar = WebinarFactory.build(starts_at=dt.datetime(2026, 12, 5, 6, 0, tzinfo=dt.UTC), time_zone="Asia/Yerevan")
    with translation.override("ru"), timezone.override("Asia/Yerevan"):
        assert when_text(webinar) == "Суббота, 5 декабря 2026, 10:00 (Ереван, UTC+4)"
        assert when_text(webinar, mid_sentence=True) == "суббота, 5 декабря 2026, 10:00 (Ереван, UTC+4)"
    with translation.override("en"), timezone.override("Asia/Yerevan"):
        # English capitalises weekdays everywhere.
        assert when_text(webinar, mid_sentence=True) == "Saturday, 5 December 2026, 10:00 (Yerevan, UTC+4)"
    undated = WebinarFactory.build(starts_at=None, start_date=dt.date(2026, 12, 5), ends_at=None)
    with translation.override("ru"):
        assert when_text(undated, mid_sentence=True).startswith("суббота, 5 декабря 2026")
