"""Public library pages, search page, webinar and speaker pages, the feed and the API."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from tests.factories import PersonFactory, ThemeFactory, WebinarLinkFactory, WebinarSpeakerFactory
from webinars.library import services
from webinars.library.models import LibraryItem

from .conftest import VTT

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


@pytest.fixture
def library(make_item, series_webinar):
    migration = ThemeFactory(slug="migration", name={"en": "Migration", "ru": "Миграция"})
    labels = ThemeFactory(slug="labels", name={"en": "Labels", "ru": "Этикетки"})
    guide = make_item(
        {"en": "Migration guide", "ru": "Руководство по миграции"},
        description={"en": "Practice guide for museums."},
        themes=[migration],
        languages=["en", "ru"],
        countries=["KZ", "AM"],
        date=dt.date(2021, 3, 1),
        licence="CC BY 4.0",
        webinars=[series_webinar],
    )
    recording = make_item(
        {"en": "Recording: evacuation"},
        kind=LibraryItem.Kind.RECORDING,
        url="https://media.example.org/rec.mp4",
        languages=["en"],
        themes=[labels],
        date=dt.date(2022, 5, 1),
        webinars=[series_webinar],
    )
    services.caption_upload(item=recording, language="en", data=VTT)
    make_item({"ka": "ეტიკეტები"}, languages=["ka"], countries=["GE"], themes=[labels])
    return {"guide": guide, "recording": recording}


def test_library_page_with_facets(client, library):
    html = client.get("/library/").content.decode()
    assert "3 items" in html
    assert 'value="migration">Migration (1)' in html and 'value="labels">Labels (2)' in html
    assert 'value="ka">ქართული (1)' in html and ">2021 (1)<" in html and 'value="GE">Georgia (1)' in html
    filtered = client.get("/library/?theme=labels&year=2022").content.decode()
    assert "1 item<" in filtered and "Recording: evacuation" in filtered and "Migration guide" not in filtered
    assert "Migration guide" in client.get("/library/?country=am").content.decode()


def test_library_search_with_snippet_and_moment(client, library):
    html = client.get("/library/?q=packing").content.decode()
    assert f'href="/library/{library["recording"].pk}/?t=40#t=40"' in html
    assert "<mark>packing</mark>" in html


def test_item_page_with_json_ld(client, library):
    html = client.get(library["guide"].get_absolute_url()).content.decode()
    data = json_ld(html)
    assert data["@type"] == "CreativeWork" and data["name"] == "Migration guide"
    assert data["license"] == "CC BY 4.0" and data["inLanguage"] == ["en", "ru"] and data["keywords"] == ["Migration"]
    assert "Migration guide" in html and "Alpha webinar" in html


def test_recording_page_plays_and_jumps(client, library):
    item = library["recording"]
    html = client.get(item.get_absolute_url() + "?t=40").content.decode()
    assert 'src="https://media.example.org/rec.mp4#t=40"' in html
    assert f'<track kind="captions" srclang="en" label="English" src="/library/{item.pk}/captions/en.vtt" default>' in html
    assert 'href="?t=40#t=40" data-t="40">00:40</a>Travelling exhibitions need careful packing.' in html
    assert "mw/player.js" in html
    data = json_ld(html)
    assert data["@type"] == "VideoObject" and data["contentUrl"] == "https://media.example.org/rec.mp4"
    assert "careful packing" in data["transcript"]


def test_a_long_transcript_is_shown_in_parts(client, make_item):
    item = make_item({"en": "Long"}, kind=LibraryItem.Kind.RECORDING)
    cues = "".join(f"{m // 60:02d}:{m % 60:02d}:00.000 --> {m // 60:02d}:{m % 60:02d}:05.000\nminute {m}\n\n" for m in range(0, 45))
    services.caption_upload(item=item, language="en", data=("WEBVTT\n\n" + cues).encode())
    first = client.get(item.get_absolute_url()).content.decode()
    assert "minute 9<" in first and "minute 10<" not in first
    later = client.get(item.get_absolute_url() + "?t=1500").content.decode()
    assert "minute 25<" in later and "minute 9<" not in later
    assert 'aria-current="page">3<' in later


def test_webinar_page_keeps_its_links_and_shows_the_library(client, library, series_webinar):
    WebinarLinkFactory(webinar=series_webinar, title={"en": "Practice guide"}, url="https://example.org/practice")
    services.links_convert()
    html = client.get(series_webinar.get_absolute_url()).content.decode()
    assert html.count("Practice guide") == 1
    assert "in the library" in html and "Migration guide" in html
    assert "Recording: evacuation" in html and "with transcript" in html


def test_speaker_page_lists_their_items(client, make_item):
    person = PersonFactory(name={"en": "Olga Sinitsyna"})
    make_item({"en": "Her slides"}, speakers=[person])
    html = client.get(person.get_absolute_url()).content.decode()
    assert "In the library" in html and "Her slides" in html


def test_speaker_page_lists_items_of_their_webinars(client, library, series_webinar):
    person = PersonFactory()
    WebinarSpeakerFactory(webinar=series_webinar, person=person)
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Migration guide" in html


def test_search_page_and_search_box_everywhere(client, library):
    assert 'role="search"' in client.get("/").content.decode()
    assert 'role="search"' in client.get("/library/").content.decode()
    html = client.get("/search/?q=migratsiya").content.decode()
    assert "<mark>Migration</mark> guide" in html
    assert "Nothing found" in client.get("/search/?q=zzzzqqqq").content.decode()


def test_pages_in_russian(client, library):
    html = client.get("/library/?lang=ru").content.decode()
    assert "Библиотека" in html and "Поиск" in html
    html = client.get("/search/?q=музей&lang=ru").content.decode()
    assert "Поиск" in html


def test_atom_feed_of_new_items(client, library):
    feed = client.get("/feeds/library.atom").content.decode()
    assert "Migration guide" in feed and "<feed" in feed


def test_api_list_detail_and_search(client, library):
    listing = client.get("/api/v1/library/?theme=migration").json()
    assert listing["count"] == 1 and listing["items"][0]["title"] == "Migration guide"
    detail = client.get(f"/api/v1/library/{library['recording'].pk}/").json()
    assert detail["kind"] == "recording" and detail["captions"][0]["cues"] == 2
    found = client.get("/api/v1/search?q=packing").json()
    assert found["hits"][0]["source"] == "transcript" and found["hits"][0]["start_seconds"] == 40.0
    assert client.get("/api/v1/search").status_code == 400
    assert client.get("/api/v1/library/?year=1").status_code == 400
    assert client.get("/api/v1/library/999999/").status_code == 404


def test_bad_parameters_never_fail(client, library):
    for url in ("/library/?page=abc", "/library/?year=x", "/library/?page=99999", "/search/?q=" + "x" * 500, "/library/1/?t=-5&part=zz"):
        assert client.get(url).status_code in (200, 404), url
