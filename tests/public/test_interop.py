"""What other software reads: iCalendar files, the Atom feed, the sitemap and JSON-LD."""

import datetime as dt
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.utils import timezone
from icalendar import Calendar

from tests.factories import PersonFactory, SeriesFactory, WebinarFactory, WebinarSpeakerFactory
from webinars.programme.models import Webinar
from webinars.programme.services import webinar_schedule

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SECRET = "secret-room-123"  # part of WebinarFactory.meeting_url
XSS_TITLE = "Care </script><script>alert(1)</script> & more"


def _in(days: float = 0, hours: float = 0) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days, hours=hours)).replace(microsecond=0)


def _webinar(starts_at: dt.datetime | None, **kwargs) -> Webinar:
    kwargs.setdefault("start_date", starts_at.astimezone(dt.UTC).date() if starts_at else dt.date(2030, 6, 1))
    return WebinarFactory(starts_at=starts_at, **kwargs)


def _calendar(client, url: str) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def _events(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def _only_event(client, webinar: Webinar):
    events = _events(_calendar(client, f"/w/{webinar.pk}/calendar.ics"))
    assert len(events) == 1
    return events[0]


# --- iCalendar -------------------------------------------------------------------------


def test_webinar_calendar_has_one_event_in_utc(client):
    webinar = _webinar(
        dt.datetime(2030, 5, 14, 6, 0, tzinfo=dt.UTC), title={"en": "Collection care"}, summary={"en": "Basics"}, duration_minutes=90
    )
    response = client.get(f"/w/{webinar.pk}/calendar.ics")
    assert response.status_code == 200
    assert 'filename="webinar-' in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["method"]) == "PUBLISH"

    [event] = _events(calendar)
    assert str(event["uid"]) == f"webinar-{webinar.pk}@museum-webinars"
    assert str(event["summary"]) == "Collection care"
    assert str(event["status"]) == "CONFIRMED"
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == dt.datetime(2030, 5, 14, 6, 0, tzinfo=dt.UTC)
    assert start.utcoffset() == dt.timedelta(0)
    assert end == dt.datetime(2030, 5, 14, 7, 30, tzinfo=dt.UTC)
    # Written as UTC ("Z"), not as a floating or zone-bound local time.
    assert b"DTSTART:20300514T060000Z" in response.content
    assert b"DTEND:20300514T073000Z" in response.content
    assert event.decoded("dtstamp").utcoffset() == dt.timedelta(0)  # RFC 5545: DTSTAMP in UTC
    assert str(event["url"]).endswith(webinar.get_absolute_url())
    assert "Basics" in str(event["description"])


def test_unannounced_time_is_an_all_day_event(client):
    webinar = _webinar(None, start_date=dt.date(2030, 6, 1))
    event = _only_event(client, webinar)
    assert event["dtstart"].params.get("VALUE") == "DATE"
    assert event.decoded("dtstart") == dt.date(2030, 6, 1)
    assert not isinstance(event.decoded("dtstart"), dt.datetime)
    assert event.decoded("dtend") == dt.date(2030, 6, 2)


@pytest.mark.parametrize(
    ("status", "ical_status"),
    [(Webinar.Status.CANCELLED, "CANCELLED"), (Webinar.Status.POSTPONED, "TENTATIVE"), (Webinar.Status.PUBLISHED, "CONFIRMED")],
)
def test_status_in_calendar(client, status, ical_status):
    event = _only_event(client, _webinar(_in(days=3), status=status))
    assert str(event["status"]) == ical_status


def test_uid_is_stable_across_renames_and_reschedules(client):
    webinar = _webinar(dt.datetime(2030, 5, 14, 6, 0, tzinfo=dt.UTC), title={"en": "Old title"})
    before = _only_event(client, webinar)
    uid = str(before["uid"])

    webinar.title = {"en": "New title"}
    webinar.slug = "renamed-webinar"
    webinar.save()
    webinar.series.slug = "renamed-series"
    webinar.series.title = {"en": "Renamed series"}
    webinar.series.save()
    webinar_schedule(webinar=webinar, date=dt.date(2030, 7, 1), local_time=dt.time(15, 0))
    webinar.save()

    after = _only_event(client, webinar)
    assert str(after["uid"]) == uid
    assert str(after["summary"]) == "New title"  # the new version, not a stale cached file
    assert after.decoded("dtstart") == dt.datetime(2030, 7, 1, 10, 0, tzinfo=dt.UTC)  # 15:00 in Almaty (UTC+5)
    assert str(after["url"]).endswith("/series/renamed-series/renamed-webinar/")
    # The series calendar carries the same UID for the same webinar.
    [in_series] = _events(_calendar(client, "/series/renamed-series/calendar.ics"))
    assert str(in_series["uid"]) == uid


def test_series_calendar_has_all_public_webinars_and_no_drafts(client):
    series = SeriesFactory(slug="calendar-series", title={"en": "Calendar series"})
    public = [
        _webinar(_in(days=-20), series=series),
        _webinar(_in(days=5), series=series, status=Webinar.Status.CANCELLED),
        _webinar(_in(days=9), series=series, status=Webinar.Status.POSTPONED),
        _webinar(None, series=series, start_date=dt.date(2030, 1, 1)),
    ]
    draft = _webinar(_in(days=7), series=series, status=Webinar.Status.DRAFT, title={"en": "Secret draft"})
    _webinar(_in(days=7), title={"en": "Other series"})

    response = client.get("/series/calendar-series/calendar.ics")
    assert response.status_code == 200
    assert 'filename="calendar-series.ics"' in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == "Calendar series"
    uids = {str(e["uid"]) for e in _events(calendar)}
    assert uids == {f"webinar-{w.pk}@museum-webinars" for w in public}
    assert f"webinar-{draft.pk}@" not in response.content.decode()
    assert "Secret draft" not in response.content.decode()
    assert "Other series" not in response.content.decode()


def test_demo_series_calendar_has_eight_all_day_events(client, demo):
    calendar = _calendar(client, f"/series/{demo.slug}/calendar.ics")
    events = _events(calendar)
    assert len(events) == 8
    assert sorted(e.decoded("dtstart") for e in events)[-1] == dt.date(2021, 4, 22)
    assert all(e["dtstart"].params.get("VALUE") == "DATE" for e in events)


def test_old_series_slug_calendar_redirects_permanently(client):
    series = SeriesFactory(slug="first-name")
    _webinar(_in(days=2), series=series)
    series.slug = "second-name"
    series.save()

    response = client.get("/series/first-name/calendar.ics")
    assert response.status_code == 301
    assert response["Location"] == "/series/second-name/calendar.ics"
    assert len(_events(_calendar(client, response["Location"]))) == 1


def test_calendars_of_drafts_and_unknown_series_are_404(client):
    draft = _webinar(_in(days=2), status=Webinar.Status.DRAFT)
    hidden = SeriesFactory(is_published=False)
    _webinar(_in(days=2), series=hidden)
    assert client.get(f"/w/{draft.pk}/calendar.ics").status_code == 404
    assert client.get(f"/series/{hidden.slug}/calendar.ics").status_code == 404
    assert client.get("/series/no-such-series/calendar.ics").status_code == 404


def test_meeting_address_never_in_calendars(client):
    webinar = _webinar(_in(days=2), summary={"en": "A summary"})
    for url in (f"/w/{webinar.pk}/calendar.ics", f"/series/{webinar.series.slug}/calendar.ics"):
        text = client.get(url).content.decode()
        assert SECRET not in text and "meet.example.org" not in text, url


def test_cached_calendar_keeps_its_headers(client):
    webinar = _webinar(_in(days=2))
    url = f"/w/{webinar.pk}/calendar.ics"
    first = client.get(url)
    second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Disposition"] == first["Content-Disposition"]


# --- Atom ------------------------------------------------------------------------------


def test_atom_feed_lists_upcoming_published_webinars_only(client):
    series = SeriesFactory(organiser__name={"en": "UNESCO office"})
    later = _webinar(_in(days=10), series=series, title={"en": "Later webinar"}, summary={"en": "Later summary"})
    sooner = _webinar(_in(days=2), series=series, title={"en": "Sooner webinar"})
    running = _webinar(_in(hours=-1), series=series, duration_minutes=120, title={"en": "Running webinar"})
    _webinar(_in(days=-2), series=series, title={"en": "Past webinar"})
    _webinar(_in(days=3), series=series, status=Webinar.Status.DRAFT, title={"en": "Draft webinar"})
    _webinar(_in(days=3), series=SeriesFactory(is_published=False), title={"en": "Hidden series webinar"})

    response = client.get("/feeds/upcoming.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # well-formed XML
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title")
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Running webinar", "Sooner webinar", "Later webinar"]
    by_title = {e.findtext(f"{ATOM}title"): e for e in entries}
    entry = by_title["Later webinar"]
    # An Atom id is an absolute IRI, and the permanent link never changes with renames.
    assert entry.findtext(f"{ATOM}id") == f"{settings.SITE_URL}/w/{later.pk}/"
    assert entry.find(f"{ATOM}link").get("href").endswith(later.get_absolute_url())
    assert entry.find(f"{ATOM}link").get("href").startswith("http")
    assert entry.findtext(f"{ATOM}summary") == "Later summary"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "UNESCO office"
    assert by_title["Sooner webinar"].findtext(f"{ATOM}id") == f"{settings.SITE_URL}/w/{sooner.pk}/"
    assert by_title["Running webinar"].findtext(f"{ATOM}id") == f"{settings.SITE_URL}/w/{running.pk}/"
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 3
    assert SECRET not in response.content.decode()


def test_atom_feed_falls_back_to_the_original_language(client):
    series = SeriesFactory(title={"kk": "Қазақ сериясы", "en": "Kazakh series"}, original_language="kk")
    _webinar(_in(days=2), series=series, title={"kk": "Музей күні", "en": "Museum day"}, original_language="kk")
    root = ET.fromstring(client.get("/feeds/upcoming.atom", HTTP_ACCEPT_LANGUAGE="ru").content)
    [entry] = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Музей күні"
    assert entry.findtext(f"{ATOM}summary") == "Қазақ сериясы"  # no summary: the series title, same fallback


def test_atom_feed_is_well_formed_with_markup_in_titles(client):
    _webinar(_in(days=2), title={"en": XSS_TITLE})
    root = ET.fromstring(client.get("/feeds/upcoming.atom").content)
    assert [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")] == [XSS_TITLE]


# --- sitemap ---------------------------------------------------------------------------


def _sitemap_locs(client) -> set[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {loc.text.removeprefix("http://testserver") for loc in root.iter(f"{SITEMAP}loc")}


def test_sitemap_lists_series_webinars_and_people_but_not_drafts(client):
    series = SeriesFactory(slug="mapped")
    webinar = _webinar(_in(days=-5), series=series, slug="public-one")
    _webinar(_in(days=5), series=series, slug="cancelled-one", status=Webinar.Status.CANCELLED)
    draft = _webinar(_in(days=5), series=series, slug="draft-one", status=Webinar.Status.DRAFT)
    speaker = PersonFactory(slug="speaker-public")
    WebinarSpeakerFactory(webinar=webinar, person=speaker)
    draft_only = PersonFactory(slug="speaker-of-draft")
    WebinarSpeakerFactory(webinar=draft, person=draft_only)
    hidden = SeriesFactory(slug="hidden-series", is_published=False)
    _webinar(_in(days=5), series=hidden, slug="in-hidden-series")

    locs = _sitemap_locs(client)

    assert "/series/mapped/" in locs
    assert "/series/mapped/public-one/" in locs
    assert "/series/mapped/cancelled-one/" in locs
    assert "/people/speaker-public/" in locs
    assert "/series/mapped/draft-one/" not in locs
    assert "/people/speaker-of-draft/" not in locs
    assert not any("hidden-series" in loc for loc in locs)
    assert all(loc.startswith("/") for loc in locs)


def test_sitemap_of_demo_programme(client, demo):
    locs = _sitemap_locs(client)
    assert f"/series/{demo.slug}/" in locs
    assert "/series/sample-series/" in locs
    assert f"/series/{demo.slug}/migration-and-diversity/" in locs
    assert {"/people/dinara-khalikova/", "/people/olga-sinitsyna/", "/people/sample-speaker/"} <= locs
    assert len([loc for loc in locs if loc.startswith(f"/series/{demo.slug}/") and loc != f"/series/{demo.slug}/"]) == 8


# --- JSON-LD ---------------------------------------------------------------------------


class _Scripts(HTMLParser):
    """Collects <script> elements the way a browser splits them."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self._current: dict | None = None
        self._data: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._current, self._data = dict(attrs), []

    def handle_data(self, data):
        if self._current is not None:
            self._data.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._current is not None:
            self.scripts.append((self._current, "".join(self._data)))
            self._current = None


def _scripts(html: str) -> list[tuple[dict, str]]:
    parser = _Scripts()
    parser.feed(html)
    parser.close()
    return parser.scripts


def _json_ld(client, webinar: Webinar) -> dict:
    response = client.get(webinar.get_absolute_url())
    assert response.status_code == 200
    blocks = [text for attrs, text in _scripts(response.content.decode()) if attrs.get("type") == "application/ld+json"]
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_json_ld_describes_an_online_event(client):
    series = SeriesFactory(organiser__name={"en": "UNESCO office"}, organiser__website="https://unesco.example/")
    webinar = _webinar(
        dt.datetime(2030, 5, 14, 6, 0, tzinfo=dt.UTC),
        series=series,
        title={"en": "Collection care"},
        summary={"en": "Basics of care"},
        language="ru",
        duration_minutes=60,
    )
    WebinarSpeakerFactory(webinar=webinar, person=PersonFactory(name={"en": "Second Person"}), order=2)
    WebinarSpeakerFactory(webinar=webinar, person=PersonFactory(name={"en": "First Person"}), order=1)

    data = _json_ld(client, webinar)

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == "Collection care"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["location"]["@type"] == "VirtualLocation"
    assert data["organizer"] == {"@type": "Organization", "name": "UNESCO office", "url": "https://unesco.example/"}
    assert [p["name"] for p in data["performer"]] == ["First Person", "Second Person"]
    assert all(p["@type"] == "Person" for p in data["performer"])
    assert dt.datetime.fromisoformat(data["startDate"]) == dt.datetime(2030, 5, 14, 6, 0, tzinfo=dt.UTC)
    assert dt.datetime.fromisoformat(data["endDate"]) == dt.datetime(2030, 5, 14, 7, 0, tzinfo=dt.UTC)
    assert data["inLanguage"] == "ru"
    assert data["description"] == "Basics of care"
    assert data["url"].endswith(webinar.get_absolute_url())
    assert SECRET not in json.dumps(data)


@pytest.mark.parametrize(
    ("status", "schema_status"),
    [(Webinar.Status.CANCELLED, "https://schema.org/EventCancelled"), (Webinar.Status.POSTPONED, "https://schema.org/EventPostponed")],
)
def test_json_ld_status(client, status, schema_status):
    assert _json_ld(client, _webinar(_in(days=3), status=status))["eventStatus"] == schema_status


def test_json_ld_of_demo_webinar_with_unannounced_time(client, demo):
    data = _json_ld(client, demo.webinars.get(slug="migration-and-diversity"))
    assert data["startDate"] == "2021-04-22"
    assert "endDate" not in data
    assert data["organizer"]["name"] == "UNESCO Almaty Cluster Office"
    assert [p["name"] for p in data["performer"]] == ["Dinara Khalikova", "Olga Sinitsyna"]
    assert [s["name"] for s in data["sponsor"]] == ["ICOM Russia"]


def test_json_ld_text_falls_back_like_the_page(client):
    webinar = _webinar(
        _in(days=3),
        title={"kk": "Музей күні", "en": "Museum day"},
        summary={"kk": "Қысқаша", "en": "In short"},
        original_language="kk",
    )
    response = client.get(webinar.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru")
    [block] = [text for attrs, text in _scripts(response.content.decode()) if attrs.get("type") == "application/ld+json"]
    data = json.loads(block)
    assert data["name"] == "Музей күні"
    assert data["description"] == "Қысқаша"  # the original language, as on the page, not English
    assert '<meta name="description" content="Қысқаша">' in response.content.decode()


def test_json_ld_cannot_be_broken_out_of(client):
    webinar = _webinar(_in(days=3), title={"en": XSS_TITLE}, summary={"en": "<!-- a <script> summary"})
    html = client.get(webinar.get_absolute_url()).content.decode()

    data = _json_ld(client, webinar)
    assert data["name"] == XSS_TITLE  # the whole title is inside the JSON, unchanged once parsed
    assert data["description"] == "<!-- a <script> summary"
    # No script element other than the JSON-LD carries the title's payload.
    assert not any("alert(1)" in text for attrs, text in _scripts(html) if attrs.get("type") != "application/ld+json")
    assert "<script>alert(1)" not in html
