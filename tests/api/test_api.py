"""The public JSON API (/api/v1/): listing, pagination, filters, errors, detail, OpenAPI, privacy."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    SeriesFactory,
    WebinarFactory,
    WebinarLinkFactory,
    WebinarSpeakerFactory,
)
from webinars.programme.models import Webinar

API = "/api/v1"
SECRET = "secret-room-123"  # part of WebinarFactory.meeting_url

pytestmark = pytest.mark.django_db


def _in(days: float = 0, hours: float = 0) -> dt.datetime:
    """A whole-second UTC moment relative to now."""
    return (timezone.now() + dt.timedelta(days=days, hours=hours)).replace(microsecond=0)


def _webinar(starts_at: dt.datetime, **kwargs) -> Webinar:
    return WebinarFactory(starts_at=starts_at, start_date=starts_at.astimezone(dt.UTC).date(), **kwargs)


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


# --- series ---------------------------------------------------------------------------


def test_series_list_shows_public_series_with_organiser_and_partners(client):
    organiser = OrganisationFactory(slug="unesco", name={"en": "UNESCO office", "ru": "Бюро ЮНЕСКО"}, website="https://unesco.example/")
    series = SeriesFactory(slug="b-series", title={"en": "B series", "ru": "Серия Б"}, organiser=organiser, countries=["KZ", "GE"])
    series.partners.add(OrganisationFactory(slug="icom", name={"en": "ICOM"}))
    SeriesFactory(slug="a-sample", is_sample=True)
    SeriesFactory(slug="hidden", is_published=False)

    response = client.get(f"{API}/series/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [s["slug"] for s in body["items"]] == ["b-series", "a-sample"]  # real series before samples
    first = body["items"][0]
    assert first["title"] == "B series"
    assert first["title_i18n"] == {"en": "B series", "ru": "Серия Б"}
    assert first["url"].endswith("/series/b-series/")
    assert first["calendar_url"].endswith("/series/b-series/calendar.ics")
    assert first["organiser"] == {
        "slug": "unesco",
        "name": "UNESCO office",
        "name_i18n": {"en": "UNESCO office", "ru": "Бюро ЮНЕСКО"},
        "website": "https://unesco.example/",
    }
    assert [p["slug"] for p in first["partners"]] == ["icom"]
    assert sorted(first["countries"]) == ["GE", "KZ"]
    assert first["time_zone"] == "Asia/Almaty"
    assert first["is_sample"] is False
    assert body["items"][1]["is_sample"] is True


# --- webinar list: pagination ----------------------------------------------------------


def test_webinar_list_is_paginated_in_date_order(client):
    series = SeriesFactory()
    webinars = [_webinar(_in(days=10 - i), series=series) for i in range(5)]  # created latest-first
    expected = [w.pk for w in reversed(webinars)]

    response = client.get(f"{API}/webinars/?page_size=2")
    assert response.json()["count"] == 5
    assert _ids(response) == expected[:2]
    assert _ids(client.get(f"{API}/webinars/?page_size=2&page=2")) == expected[2:4]
    assert _ids(client.get(f"{API}/webinars/?page_size=2&page=3")) == expected[4:]
    assert _ids(client.get(f"{API}/webinars/")) == expected  # default page holds them all


def test_webinar_list_item_shape(client):
    webinar = _webinar(
        dt.datetime(2030, 5, 14, 6, 0, tzinfo=dt.UTC),
        title={"en": "Collection care", "ru": "Сохранение коллекций"},
        interpretation_languages=["en"],
        capacity=100,
        duration_minutes=60,
    )
    tba = WebinarFactory(series=webinar.series, starts_at=None, start_date=dt.date(2030, 6, 1))

    items = client.get(f"{API}/webinars/").json()["items"]

    item = items[0]
    assert item["id"] == webinar.pk
    assert item["title"] == "Collection care"
    assert item["title_i18n"] == {"en": "Collection care", "ru": "Сохранение коллекций"}
    assert item["status"] == "published"
    assert item["series"]["slug"] == webinar.series.slug
    assert item["start_date"] == "2030-05-14"
    assert dt.datetime.fromisoformat(item["starts_at"]) == dt.datetime(2030, 5, 14, 6, 0, tzinfo=dt.UTC)
    assert dt.datetime.fromisoformat(item["ends_at"]) == dt.datetime(2030, 5, 14, 7, 0, tzinfo=dt.UTC)
    assert item["time_announced"] is True
    assert item["language"] == "ru"
    assert item["interpretation_languages"] == ["en"]
    assert item["capacity"] == 100
    assert item["permanent_url"].endswith(f"/w/{webinar.pk}/")
    assert item["calendar_url"].endswith(f"/w/{webinar.pk}/calendar.ics")
    assert item["url"].endswith(webinar.get_absolute_url())

    unannounced = items[1]
    assert unannounced["id"] == tba.pk
    assert unannounced["starts_at"] is None
    assert unannounced["ends_at"] is None
    assert unannounced["time_announced"] is False


# --- webinar list: filters -------------------------------------------------------------


def test_filter_when_upcoming_and_past(client):
    series = SeriesFactory()
    long_ago = _webinar(_in(days=-30), series=series)
    yesterday = _webinar(_in(days=-1), series=series)
    in_progress = _webinar(_in(hours=-1), series=series, duration_minutes=120)
    tomorrow = _webinar(_in(days=1), series=series)
    next_month = _webinar(_in(days=30), series=series)

    assert _ids(client.get(f"{API}/webinars/?when=upcoming")) == [in_progress.pk, tomorrow.pk, next_month.pk]
    assert _ids(client.get(f"{API}/webinars/?when=past")) == [yesterday.pk, long_ago.pk]  # newest first
    assert len(_ids(client.get(f"{API}/webinars/"))) == 5


def test_filter_by_series_slug(client):
    one, other = SeriesFactory(slug="one"), SeriesFactory(slug="other")
    mine = [_webinar(_in(days=d), series=one) for d in (1, 2)]
    _webinar(_in(days=3), series=other)

    assert _ids(client.get(f"{API}/webinars/?series=one")) == [w.pk for w in mine]
    assert _ids(client.get(f"{API}/webinars/?series=nope")) == []


def test_filter_by_language_includes_interpretation(client):
    series = SeriesFactory()
    english = _webinar(_in(days=1), series=series, language="en")
    interpreted = _webinar(_in(days=2), series=series, language="ru", interpretation_languages=["kk", "en"])
    russian_only = _webinar(_in(days=3), series=series, language="ru", interpretation_languages=["kk"])

    assert _ids(client.get(f"{API}/webinars/?language=en")) == [english.pk, interpreted.pk]
    assert _ids(client.get(f"{API}/webinars/?language=ru")) == [interpreted.pk, russian_only.pk]
    assert _ids(client.get(f"{API}/webinars/?language=kk")) == [interpreted.pk, russian_only.pk]
    # A code is matched whole, never as part of another code.
    assert _ids(client.get(f"{API}/webinars/?language=e")) == []


def test_filters_combine(client):
    one, other = SeriesFactory(slug="one"), SeriesFactory(slug="other")
    wanted = _webinar(_in(days=1), series=one, language="en")
    _webinar(_in(days=-1), series=one, language="en")
    _webinar(_in(days=1), series=one, language="ru")
    _webinar(_in(days=1), series=other, language="en")

    assert _ids(client.get(f"{API}/webinars/?when=upcoming&series=one&language=en")) == [wanted.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("when=soon", "when"),
        ("page=-1", "page"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page_size=1000", "page_size"),
        ("page_size=0", "page_size"),
        ("series=" + "s" * 121, "series"),
        ("language=" + "x" * 9, "language"),
    ],
)
def test_invalid_query_values_answer_400_with_field_errors(client, query, field):
    WebinarFactory()
    response = client.get(f"{API}/webinars/?{query}")

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    assert field in body["errors"], body["errors"]
    messages = body["errors"][field]
    assert isinstance(messages, list) and messages
    assert all(isinstance(m, str) and m for m in messages)


def test_invalid_page_on_series_list_answers_400(client):
    response = client.get(f"{API}/series/?page=abc")
    assert response.status_code == 400
    assert "page" in response.json()["errors"]


# --- webinar detail --------------------------------------------------------------------


def test_webinar_detail_with_speakers_in_order_and_links(client):
    webinar = WebinarFactory(description={"en": "<p>About <strong>care</strong></p>"}, source_url="https://source.example/page")
    second = PersonFactory(slug="second", name={"en": "Second Speaker"})
    first = PersonFactory(slug="first", name={"en": "First Speaker", "ru": "Первый спикер"})
    WebinarSpeakerFactory(webinar=webinar, person=second, order=2, role={"en": "Moderator"})
    WebinarSpeakerFactory(webinar=webinar, person=first, order=1, role={"en": "Curator", "ru": "Куратор"})
    WebinarLinkFactory(webinar=webinar, title={"en": "Later link"}, url="https://example.org/b", order=5)
    WebinarLinkFactory(webinar=webinar, title={"en": "Earlier link"}, url="", language="ru", order=1)
    partner = OrganisationFactory(slug="partner-org")
    webinar.partners.add(partner)

    response = client.get(f"{API}/webinars/{webinar.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == webinar.pk
    assert [s["slug"] for s in body["speakers"]] == ["first", "second"]
    assert body["speakers"][0]["name"] == "First Speaker"
    assert body["speakers"][0]["name_i18n"] == {"en": "First Speaker", "ru": "Первый спикер"}
    assert body["speakers"][0]["role"] == "Curator"
    assert body["speakers"][0]["role_i18n"] == {"en": "Curator", "ru": "Куратор"}
    assert body["speakers"][0]["url"].endswith("/people/first/")
    assert body["speakers"][1]["role"] == "Moderator"
    assert body["links"] == [
        {"title": "Earlier link", "title_i18n": {"en": "Earlier link"}, "url": "", "language": "ru"},
        {"title": "Later link", "title_i18n": {"en": "Later link"}, "url": "https://example.org/b", "language": ""},
    ]
    assert [p["slug"] for p in body["partners"]] == ["partner-org"]
    assert body["description_html"] == "<p>About <strong>care</strong></p>"
    assert body["source_url"] == "https://source.example/page"


def test_webinar_detail_text_falls_back_to_the_original_language(client):
    webinar = WebinarFactory(title={"kk": "Музей күні", "en": "Museum day"}, original_language="kk")
    WebinarSpeakerFactory(webinar=webinar, role={"kk": "Куратор (kk)", "en": "Curator"})
    WebinarLinkFactory(webinar=webinar, title={"kk": "Сілтеме", "en": "Link"})
    body = client.get(f"{API}/webinars/{webinar.pk}/", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert body["title"] == "Музей күні"
    assert body["speakers"][0]["role"] == "Куратор (kk)"
    assert body["links"][0]["title"] == "Сілтеме"
    assert body["links"][0]["title_i18n"] == {"kk": "Сілтеме", "en": "Link"}
    # An English reader gets English.
    body = client.get(f"{API}/webinars/{webinar.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (body["title"], body["links"][0]["title"]) == ("Museum day", "Link")


def test_webinar_detail_of_demo_webinar(client, demo):
    webinar = demo.webinars.get(slug="migration-and-diversity")
    body = client.get(f"{API}/webinars/{webinar.pk}/").json()
    assert [s["name"] for s in body["speakers"]] == ["Dinara Khalikova", "Olga Sinitsyna"]
    assert len(body["links"]) == 6
    assert all(link["url"] == "" for link in body["links"])
    assert body["start_date"] == "2021-04-22"
    assert body["time_announced"] is False
    assert [p["slug"] for p in body["partners"]] == ["icom-russia"]


def test_unknown_and_draft_webinars_are_404_and_drafts_never_listed(client):
    public = WebinarFactory()
    draft = WebinarFactory(series=public.series, status=Webinar.Status.DRAFT, title={"en": "Secret draft"})
    hidden_series = WebinarFactory(series=SeriesFactory(is_published=False))

    for webinar_id in (draft.pk, hidden_series.pk, 999_999):
        response = client.get(f"{API}/webinars/{webinar_id}/")
        assert response.status_code == 404, webinar_id
        assert response.json() == {"detail": "Not found.", "errors": {}}

    for query in ("", "?when=upcoming", f"?series={public.series.slug}", "?language=ru"):
        response = client.get(f"{API}/webinars/{query}")
        assert _ids(response) == [public.pk], query
        assert "Secret draft" not in response.content.decode()


def test_cancelled_and_postponed_are_listed_with_their_status(client):
    series = SeriesFactory()
    cancelled = _webinar(_in(days=1), series=series, status=Webinar.Status.CANCELLED)
    postponed = _webinar(_in(days=2), series=series, status=Webinar.Status.POSTPONED)
    items = client.get(f"{API}/webinars/").json()["items"]
    assert [(i["id"], i["status"]) for i in items] == [(cancelled.pk, "cancelled"), (postponed.pk, "postponed")]


# --- OpenAPI ---------------------------------------------------------------------------


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_openapi_document(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] == "Museum Webinars API"
    assert doc["info"]["version"]
    paths = doc["paths"]
    programme = ("/api/v1/series/", "/api/v1/webinars/", "/api/v1/webinars/{webinar_id}/")
    assert set(programme) <= set(paths)
    for name in programme:
        assert set(paths[name]) == {"get"}, name  # programme data is read-only
        assert "200" in paths[name]["get"]["responses"]

    params = {p["name"]: p for p in paths["/api/v1/webinars/"]["get"]["parameters"]}
    assert {"when", "series", "language", "page", "page_size"} <= set(params)
    assert all(p["in"] == "query" for p in params.values())
    assert "upcoming" in json.dumps(params["when"]["schema"]) and "past" in json.dumps(params["when"]["schema"])
    detail = paths["/api/v1/webinars/{webinar_id}/"]["get"]
    assert [(p["name"], p["in"], p["required"]) for p in detail["parameters"]] == [("webinar_id", "path", True)]
    assert "404" in detail["responses"]

    # Every operation documents its refusals with the one error body.
    for name, operations in paths.items():
        for method, operation in operations.items():
            assert "400" in operation["responses"], (method, name)
    register = paths["/api/v1/webinars/{webinar_id}/registrations"]["post"]
    assert {"202", "400", "404", "409", "429"} <= set(register["responses"])
    assert register["responses"]["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    # Required fields and formats of a registration are stated, as the form enforces them.
    body = doc["components"]["schemas"]["RegistrationIn"]
    assert {"name", "email", "country", "organisation", "institution_type", "consent_privacy"} <= set(body["required"])
    assert body["properties"]["email"]["format"] == "email"
    assert body["properties"]["consent_privacy"]["const"] is True
    assert "KZ" in body["properties"]["country"]["enum"]
    assert body["properties"]["name"]["minLength"] == 1 and body["properties"]["name"]["maxLength"] == 200
    assert doc["components"]["schemas"]["WebinarOut"]["properties"]["url"]["format"] == "uri"
    assert doc["components"]["schemas"]["WebinarOut"]["properties"]["starts_at"]["anyOf"][0]["format"] == "date-time"

    # Every reference resolves inside the document.
    for ref in set(_refs(doc)):
        assert ref.startswith("#/"), ref
        node = doc
        for part in ref[2:].split("/"):
            node = node[part]
        assert isinstance(node, dict)

    # The schemas never expose a meeting address.
    assert "meeting" not in response.content.decode().lower()


# --- no personal data ------------------------------------------------------------------


def test_meeting_address_never_in_any_api_response(client):
    series = SeriesFactory(slug="private-check")
    past = _webinar(_in(days=-3), series=series)
    upcoming = _webinar(_in(days=3), series=series, interpretation_languages=["en"])
    cancelled = _webinar(_in(days=4), series=series, status=Webinar.Status.CANCELLED)
    WebinarSpeakerFactory(webinar=upcoming)
    WebinarLinkFactory(webinar=upcoming)
    urls = [
        f"{API}/series/",
        f"{API}/webinars/",
        f"{API}/webinars/?when=upcoming",
        f"{API}/webinars/?when=past",
        f"{API}/webinars/?series=private-check",
        f"{API}/webinars/?language=en",
        f"{API}/webinars/?when=soon",
        f"{API}/openapi.json",
        *(f"{API}/webinars/{w.pk}/" for w in (past, upcoming, cancelled)),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 400), url
        text = response.content.decode()
        assert SECRET not in text, url
        assert "meet.example.org" not in text, url
        assert "meeting_url" not in text, url
