"""Request tests of every public page: status, content, language, time zone, no personal data."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import PersonFactory, SeriesFactory, WebinarFactory, WebinarSpeakerFactory
from webinars.programme.models import Webinar

SERIES = "/series/museum-webinars-central-asia-south-caucasus/"
MIGRATION = SERIES + "migration-and-diversity/"

pytestmark = pytest.mark.django_db


def test_home_lists_upcoming_past_and_series(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Upcoming webinars") < html.index("Recent webinars") < html.index("Series</h2>")
    assert "Sample: Collection care basics" in html
    assert "Migration and Diversity as Part of Relevant Social Agenda in Museum Practices" in html
    assert "Online capacity-building webinars for museum workers" in html


def test_series_page_shows_organiser_partner_and_archive_newest_first(client, demo):
    html = client.get(SERIES).content.decode()
    assert "UNESCO Almaty Cluster Office" in html
    assert "ICOM Russia" in html
    titles = [
        "Migration and Diversity",
        "Digital Development of Museums and Libraries",
        "The Work of ICOM Russia",
        "Digitalization of Museums Collections",
        "Museum Labels",
        "Travelling Exhibitions",
        "Inclusiveness in the Work of Museums",
        "Evacuation and Emergency Rescue",
    ]
    positions = [html.index(t) for t in titles]
    assert positions == sorted(positions)
    assert 'datetime="2021-02-11"' in html


def test_webinar_page_has_everything_from_the_seed(client, demo):
    response = client.get(MIGRATION)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thursday, 22 April 2021" in html
    assert "the time was not announced" in html  # a past webinar: nothing is "to be announced" any more
    assert "time to be announced" not in html
    assert "Dinara Khalikova" in html and "Olga Sinitsyna" in html
    assert "member of the Presidium of ICOM Russia" in html
    assert "National Coordinator for Russia at ICOM CECA" in html
    assert "ICOM Russia" in html
    assert html.count("<li>") >= 6  # the six useful links
    assert "Where I am" in html
    assert "Travelling Exhibitions" in html  # previous webinars of the series
    assert "Permanent link:" in html and f"/w/{demo.webinars.get(slug='migration-and-diversity').pk}/" in html
    assert "application/ld+json" in html


def test_permanent_link_redirects_301_to_canonical(client, demo):
    webinar = demo.webinars.get(slug="migration-and-diversity")
    response = client.get(f"/w/{webinar.pk}/")
    assert response.status_code == 301
    assert response["Location"] == MIGRATION


def test_renamed_series_and_webinar_keep_old_addresses(client, demo):
    webinar = demo.webinars.get(slug="migration-and-diversity")
    demo.slug = "museum-webinars"
    demo.save()
    webinar.refresh_from_db()
    webinar.slug = "migration"
    webinar.save()
    new_url = "/series/museum-webinars/migration/"
    assert client.get(new_url).status_code == 200
    for old in (MIGRATION, "/series/museum-webinars/migration-and-diversity/", SERIES + "migration/"):
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == new_url
    response = client.get(SERIES)
    assert response.status_code == 301 and response["Location"] == "/series/museum-webinars/"


def test_person_page_lists_their_webinars(client, demo):
    html = client.get("/people/dinara-khalikova/").content.decode()
    assert "Dinara Khalikova" in html
    assert "Migration and Diversity" in html


def test_drafts_are_not_public(client, db):
    draft = WebinarFactory(status=Webinar.Status.DRAFT, title={"en": "Secret draft"})
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(f"/w/{draft.pk}/").status_code == 404
    assert "Secret draft" not in client.get("/").content.decode()
    assert "Secret draft" not in client.get(draft.series.get_absolute_url()).content.decode()


def test_cancelled_and_postponed_are_marked(client, db):
    cancelled = WebinarFactory(status=Webinar.Status.CANCELLED)
    postponed = WebinarFactory(status=Webinar.Status.POSTPONED, series=cancelled.series)
    html = client.get(cancelled.series.get_absolute_url()).content.decode()
    assert "badge-cancelled" in html and "badge-postponed" in html
    assert "Cancelled" in client.get(postponed.get_absolute_url().replace(postponed.slug, cancelled.slug)).content.decode()


def test_meeting_address_never_shown(client, db):
    webinar = WebinarFactory()
    for url in ("/", webinar.get_absolute_url(), webinar.series.get_absolute_url(), f"/w/{webinar.pk}/calendar.ics"):
        assert "secret-room-123" not in client.get(url).content.decode(), url


def test_times_shown_in_viewer_zone_with_organiser_zone_beside(client, db):
    starts = dt.datetime(2030, 5, 14, 6, 0, tzinfo=dt.UTC)
    webinar = WebinarFactory(starts_at=starts, start_date=dt.date(2030, 5, 14))
    html = client.get(webinar.get_absolute_url() + "?tz=Asia/Yerevan").content.decode()
    assert "10:00" in html and "Yerevan time, UTC+4" in html
    assert "11:00 in Almaty (UTC+5), the organiser&#x27;s time" in html or "11:00 in Almaty (UTC+5), the organiser's time" in html


def test_historical_offset_of_kazakhstan_in_2021(client, db):
    # Almaty was UTC+6 until 1 March 2024, UTC+5 after it.
    webinar = WebinarFactory(starts_at=dt.datetime(2021, 4, 22, 8, 0, tzinfo=dt.UTC), start_date=dt.date(2021, 4, 22))
    html = client.get(webinar.get_absolute_url() + "?tz=Asia/Almaty").content.decode()
    assert "14:00" in html and "UTC+6" in html


def test_tz_cookie_is_remembered_and_bad_zone_ignored(client, db):
    webinar = WebinarFactory(starts_at=dt.datetime(2030, 5, 14, 6, 0, tzinfo=dt.UTC), start_date=dt.date(2030, 5, 14))
    response = client.get("/?tz=Asia/Tbilisi")
    assert response.cookies["tz"].value == "Asia/Tbilisi"
    assert "Tbilisi time" in client.get(webinar.get_absolute_url()).content.decode()
    response = client.get(webinar.get_absolute_url() + "?tz=Nowhere/City")
    assert response.status_code == 200
    assert "That time zone is unknown" in response.content.decode()


def test_russian_interface_and_content(client, demo):
    response = client.get(MIGRATION + "?lang=ru")
    html = response.content.decode()
    assert response.cookies["lang"].value == "ru"
    assert '<html lang="ru"' in html
    assert "Миграция и многообразие" in html
    assert "22 апреля 2021" in html
    assert "Динара Халикова" in html
    # Untranslated content falls back to the original language and says so.
    assert '<span lang="en">Specialist in social and cultural projects' in html


def test_unknown_addresses_are_404_in_the_users_language(client, demo):
    for url in ("/series/nope/", SERIES + "nope/", "/w/999999/", "/people/nobody/", "/w/999999/calendar.ics"):
        assert client.get(url).status_code == 404, url
    response = client.get("/series/nope/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_bad_page_numbers_do_not_fail(client, demo):
    for page in ("-1", "0", "abc", "999999"):
        assert client.get(SERIES + f"?page={page}").status_code == 200


def test_pages_are_cached_and_invalidated_on_edit(client, db):
    webinar = WebinarFactory(title={"en": "Before"})
    url = webinar.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    webinar.title = {"en": "After"}
    webinar.save()
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert "After" in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_does_not_grow_with_webinars(client, db, django_assert_max_num_queries, count):
    series = SeriesFactory()
    person = PersonFactory()
    for i in range(count):
        w = WebinarFactory(series=series, starts_at=timezone.now() - dt.timedelta(days=i + 1))
        WebinarSpeakerFactory(webinar=w, person=person)
    target = series.webinars.first()
    for url in ("/", series.get_absolute_url(), target.get_absolute_url(), person.get_absolute_url()):
        with django_assert_max_num_queries(12):
            assert client.get(url + "?nocache=" + str(count)).status_code == 200
