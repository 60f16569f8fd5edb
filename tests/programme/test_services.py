"""Writes to the programme: scheduling in the organiser's zone, publishing, slug history, demo data."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import SeriesFactory, WebinarFactory
from webinars.core.errors import DomainError
from webinars.programme import selectors
from webinars.programme.demo import SOURCE_PAGE, demo_programme_is_needed, demo_programme_load
from webinars.programme.models import Organisation, Person, Series, SeriesSlug, Webinar, WebinarLink, WebinarSlug, WebinarSpeaker
from webinars.programme.services import (
    series_slug_remember,
    webinar_local_start,
    webinar_schedule,
    webinar_set_status,
    webinar_slug_remember,
)

pytestmark = pytest.mark.django_db

UNESCO_SERIES = "museum-webinars-central-asia-south-caucasus"


# --- webinar_schedule ------------------------------------------------------------------


def test_schedule_uses_the_historic_almaty_offset_of_2021():
    # Almaty was UTC+6 until 1 March 2024.
    webinar = WebinarFactory(time_zone="Asia/Almaty", duration_minutes=90)
    webinar_schedule(webinar=webinar, date=dt.date(2021, 4, 22), local_time=dt.time(15, 0))
    webinar.save()
    webinar.refresh_from_db()
    assert webinar.starts_at == dt.datetime(2021, 4, 22, 9, 0, tzinfo=dt.UTC)
    assert webinar.start_date == dt.date(2021, 4, 22)
    assert webinar.ends_at == dt.datetime(2021, 4, 22, 10, 30, tzinfo=dt.UTC)
    assert webinar_local_start(webinar) == dt.time(15, 0)


def test_schedule_uses_utc_plus_5_for_almaty_in_2025():
    webinar = WebinarFactory(time_zone="Asia/Almaty")
    webinar_schedule(webinar=webinar, date=dt.date(2025, 4, 22), local_time=dt.time(15, 0), duration_minutes=45)
    webinar.save()
    webinar.refresh_from_db()
    assert webinar.starts_at == dt.datetime(2025, 4, 22, 10, 0, tzinfo=dt.UTC)
    assert webinar.duration_minutes == 45
    assert webinar.ends_at == dt.datetime(2025, 4, 22, 10, 45, tzinfo=dt.UTC)
    assert webinar_local_start(webinar) == dt.time(15, 0)


def test_schedule_in_another_zone_changes_the_webinars_zone():
    webinar = WebinarFactory(time_zone="Asia/Almaty")
    # Paris is on summer time (UTC+2) in July.
    webinar_schedule(webinar=webinar, date=dt.date(2030, 7, 1), local_time=dt.time(9, 30), time_zone="Europe/Paris")
    assert webinar.time_zone == "Europe/Paris"
    assert webinar.starts_at == dt.datetime(2030, 7, 1, 7, 30, tzinfo=dt.UTC)


def test_schedule_a_local_date_that_is_the_previous_day_in_utc():
    webinar = WebinarFactory(time_zone="Asia/Almaty")
    webinar_schedule(webinar=webinar, date=dt.date(2030, 3, 10), local_time=dt.time(2, 0))
    assert webinar.start_date == dt.date(2030, 3, 10)  # the organiser's date, not the UTC one
    assert webinar.starts_at == dt.datetime(2030, 3, 9, 21, 0, tzinfo=dt.UTC)


def test_schedule_without_time_is_all_day_until_local_midnight():
    webinar = WebinarFactory(time_zone="Asia/Almaty")
    webinar_schedule(webinar=webinar, date=dt.date(2021, 4, 22), local_time=None)
    assert webinar.starts_at is None
    webinar.save()
    webinar.refresh_from_db()
    assert webinar.starts_at is None
    assert webinar.time_announced is False
    # 23 April 00:00 in Almaty (UTC+6 in 2021) is 22 April 18:00 UTC.
    assert webinar.ends_at == dt.datetime(2021, 4, 22, 18, 0, tzinfo=dt.UTC)
    assert webinar_local_start(webinar) is None

    webinar_schedule(webinar=webinar, date=dt.date(2025, 4, 22), local_time=None)
    webinar.save()
    assert webinar.ends_at == dt.datetime(2025, 4, 22, 19, 0, tzinfo=dt.UTC)  # UTC+5 since March 2024


@pytest.mark.parametrize("zone", ["Nowhere/City", "../../etc/passwd", "asia/almaty", "Asia/" + "X" * 100])
def test_schedule_with_unknown_zone_raises_and_changes_nothing(zone):
    starts = dt.datetime(2030, 5, 14, 6, 0, tzinfo=dt.UTC)
    webinar = WebinarFactory(starts_at=starts, start_date=starts.date(), time_zone="Asia/Almaty")
    with pytest.raises(DomainError) as error:
        webinar_schedule(webinar=webinar, date=dt.date(2030, 6, 1), local_time=dt.time(10, 0), time_zone=zone)
    assert error.value.field == "time_zone"
    assert webinar.starts_at == starts
    assert webinar.start_date == starts.date()
    assert webinar.time_zone == "Asia/Almaty"


def test_schedule_with_the_webinars_own_bad_zone_raises():
    webinar = Webinar(series=SeriesFactory(), slug="unsaved", title={"en": "Unsaved"}, time_zone="Nowhere/City")
    with pytest.raises(DomainError):
        webinar_schedule(webinar=webinar, date=dt.date(2030, 6, 1), local_time=None)


# --- webinar_set_status ----------------------------------------------------------------


def test_publish_sets_published_at_once_and_unpublish_hides():
    webinar = WebinarFactory(status=Webinar.Status.DRAFT, published_at=None)
    assert not Webinar.objects.public().filter(pk=webinar.pk).exists()

    before = timezone.now()
    webinar_set_status(webinar=webinar, status=Webinar.Status.PUBLISHED)
    webinar.refresh_from_db()
    assert webinar.status == Webinar.Status.PUBLISHED
    first_published = webinar.published_at
    assert first_published is not None and before <= first_published <= timezone.now()
    assert Webinar.objects.public().filter(pk=webinar.pk).exists()

    webinar_set_status(webinar=webinar, status=Webinar.Status.DRAFT)
    webinar.refresh_from_db()
    assert webinar.status == Webinar.Status.DRAFT
    assert not Webinar.objects.public().filter(pk=webinar.pk).exists()
    assert selectors.webinar_by_id(webinar.pk) is None

    webinar_set_status(webinar=webinar, status=Webinar.Status.PUBLISHED)
    webinar.refresh_from_db()
    assert webinar.published_at == first_published  # set the first time only


def test_cancel_and_postpone_keep_the_webinar_public():
    webinar = WebinarFactory(status=Webinar.Status.DRAFT, published_at=None)
    webinar_set_status(webinar=webinar, status=Webinar.Status.PUBLISHED)
    published_at = Webinar.objects.get(pk=webinar.pk).published_at
    for status in (Webinar.Status.CANCELLED, Webinar.Status.POSTPONED):
        webinar_set_status(webinar=webinar, status=status)
        stored = Webinar.objects.get(pk=webinar.pk)
        assert stored.status == status
        assert stored.published_at == published_at
        assert selectors.webinar_by_id(webinar.pk) is not None


def test_set_status_saves_only_the_status():
    webinar = WebinarFactory(status=Webinar.Status.DRAFT, title={"en": "Stored title"})
    webinar.title = {"en": "Unsaved edit"}
    webinar_set_status(webinar=webinar, status=Webinar.Status.PUBLISHED)
    stored = Webinar.objects.get(pk=webinar.pk)
    assert stored.status == Webinar.Status.PUBLISHED
    assert str(stored) == "Stored title"


def test_unknown_status_is_rejected():
    webinar = WebinarFactory(status=Webinar.Status.DRAFT)
    with pytest.raises(DomainError) as error:
        webinar_set_status(webinar=webinar, status="archived")
    assert error.value.field == "status"
    assert Webinar.objects.get(pk=webinar.pk).status == Webinar.Status.DRAFT


# --- slug history ----------------------------------------------------------------------


def test_series_slug_history_keeps_old_addresses():
    series = SeriesFactory(slug="first")
    series.slug = "second"
    series.save()
    series.slug = "third"
    series.save()

    assert set(SeriesSlug.objects.filter(series=series).values_list("slug", flat=True)) == {"first", "second", "third"}
    assert selectors.series_by_slug("third") == (series, True)
    assert selectors.series_by_slug("first") == (series, False)
    assert selectors.series_by_slug("second") == (series, False)


def test_series_slug_remember_is_idempotent():
    series = SeriesFactory(slug="once")
    series_slug_remember(series=series)
    series_slug_remember(series=series)
    assert SeriesSlug.objects.filter(slug="once").count() == 1


def test_series_slug_reused_by_another_series_goes_to_the_new_one():
    old = SeriesFactory(slug="museum-labels")
    old.slug = "museum-labels-2021"
    old.save()
    new = SeriesFactory(slug="museum-labels")

    assert SeriesSlug.objects.get(slug="museum-labels").series == new
    assert selectors.series_by_slug("museum-labels") == (new, True)
    assert selectors.series_by_slug("museum-labels-2021") == (old, True)

    # Even after the new series moves on, the slug stays with its latest holder.
    new.slug = "museum-labels-2025"
    new.save()
    assert selectors.series_by_slug("museum-labels") == (new, False)


def test_webinar_slug_history_and_reuse_within_a_series():
    series = SeriesFactory()
    webinar = WebinarFactory(series=series, slug="labels")
    webinar.slug = "museum-labels"
    webinar.save()

    assert set(WebinarSlug.objects.filter(webinar=webinar).values_list("slug", flat=True)) == {"labels", "museum-labels"}
    assert selectors.webinar_by_slugs(series, "labels") == (webinar, False)
    assert selectors.webinar_by_slugs(series, "museum-labels") == (webinar, True)

    other = WebinarFactory(series=series, slug="labels")
    assert WebinarSlug.objects.get(series=series, slug="labels").webinar == other
    assert selectors.webinar_by_slugs(series, "labels") == (other, True)
    assert selectors.webinar_by_slugs(series, "museum-labels") == (webinar, True)


def test_same_webinar_slug_in_two_series():
    first = WebinarFactory(slug="intro")
    second = WebinarFactory(slug="intro")
    webinar_slug_remember(webinar=first)
    webinar_slug_remember(webinar=second)
    assert WebinarSlug.objects.filter(slug="intro").count() == 2
    assert selectors.webinar_by_slugs(first.series, "intro") == (first, True)
    assert selectors.webinar_by_slugs(second.series, "intro") == (second, True)


# --- demo programme --------------------------------------------------------------------


def test_demo_programme_creates_exactly_the_seed_content():
    assert demo_programme_is_needed()
    series = demo_programme_load(now=dt.datetime(2030, 1, 10, 12, 0, tzinfo=dt.UTC))
    assert not demo_programme_is_needed()

    assert series.slug == UNESCO_SERIES
    assert series.organiser.slug == "unesco-almaty"
    assert str(series.organiser) == "UNESCO Almaty Cluster Office"
    assert [str(p) for p in series.partners.all()] == ["ICOM Russia"]
    assert series.time_zone == "Asia/Almaty"
    assert series.is_sample is False

    webinars = list(series.webinars.order_by("start_date"))
    assert [w.start_date.isoformat() for w in webinars] == [
        "2021-02-11",
        "2021-02-25",
        "2021-03-17",
        "2021-03-31",
        "2021-04-07",
        "2021-04-09",
        "2021-04-15",
        "2021-04-22",
    ]
    assert all(w.status == Webinar.Status.PUBLISHED and w.published_at for w in webinars)
    # The source gives no times and no delivery language: nothing is invented.
    assert all(w.starts_at is None and w.language == "" for w in webinars)
    assert all(w.meeting_url == "" and w.recording_url == "" for w in webinars)
    assert str(webinars[0]) == "Evacuation and Emergency Rescue of Museum Collections and Objects"
    assert webinars[0].title.data["ru"] == "Эвакуация и экстренное спасение музейных коллекций и предметов"

    migration = webinars[-1]
    assert migration.slug == "migration-and-diversity"
    assert str(migration) == "Migration and Diversity as Part of Relevant Social Agenda in Museum Practices"
    assert migration.source_url == SOURCE_PAGE
    assert migration.source_url == (
        "http://en.unesco.kz/migration-and-diversity-as-part-of-relevant-social-agenda-in-museum-practices-br-webinar"
    )
    assert [str(p) for p in migration.partners.all()] == ["ICOM Russia"]
    assert all(not w.partners.exists() for w in webinars[:-1])

    speakers = list(migration.speakers.select_related("person"))
    assert [(s.person.slug, str(s.person)) for s in speakers] == [
        ("dinara-khalikova", "Dinara Khalikova"),
        ("olga-sinitsyna", "Olga Sinitsyna"),
    ]
    assert str(speakers[0].role) == "Specialist in social and cultural projects, member of the Presidium of ICOM Russia"
    assert str(speakers[1].role) == (
        "Specialist in museum and library development, member of the Expert Council of the Prokhorov Foundation, "
        "National Coordinator for Russia at ICOM CECA"
    )
    assert speakers[0].person.name.data["ru"] == "Динара Халикова"

    links = list(migration.links.all())
    assert [str(link) for link in links] == [
        "Migrations: Revealing the Personal Project",
        "Museum practices and recommendations for working on Migration, Mobility and Diversity",
        "“Where I am” documentary movie",
        "“Museums and People in the Mobile World” International Online Seminar",
        "Materials of the “Heritage Interpretation: Power of Storytelling in Museums” International Conference",
        "Materials “Innovation Areas for the Open-Air Museums” All-Russian Conference",
    ]
    assert all(link.url == "" for link in links)

    # Nothing else is made up: the other webinars have no speakers or links.
    assert WebinarSpeaker.objects.filter(webinar__series=series).count() == 2
    assert WebinarLink.objects.count() == 6


def test_demo_programme_adds_a_labelled_sample_series_in_the_future():
    now = dt.datetime(2030, 1, 10, 12, 0, tzinfo=dt.UTC)
    demo_programme_load(now=now)
    sample = Series.objects.get(slug="sample-series")
    assert sample.is_sample is True
    webinars = list(sample.webinars.order_by("start_date"))
    assert [w.start_date for w in webinars] == [dt.date(2030, 1, 17), dt.date(2030, 1, 31)]
    # 11:00 and 15:00 in Almaty (UTC+5).
    assert [w.starts_at for w in webinars] == [
        dt.datetime(2030, 1, 17, 6, 0, tzinfo=dt.UTC),
        dt.datetime(2030, 1, 31, 10, 0, tzinfo=dt.UTC),
    ]
    assert all(w.ends_at > now for w in webinars)
    assert Series.objects.count() == 2
    assert Webinar.objects.count() == 10
    assert Person.objects.count() == 3
    assert set(Organisation.objects.values_list("slug", flat=True)) == {"unesco-almaty", "icom-russia"}


def test_load_demo_programme_command_loads_only_into_an_empty_database():
    out = io.StringIO()
    call_command("load_demo_programme", stdout=out)
    assert "Loaded the demo programme" in out.getvalue()
    counts = (Series.objects.count(), Webinar.objects.count(), Person.objects.count(), WebinarLink.objects.count())
    assert counts == (2, 10, 3, 6)

    out = io.StringIO()
    call_command("load_demo_programme", stdout=out)
    assert "not loaded" in out.getvalue()
    assert (Series.objects.count(), Webinar.objects.count(), Person.objects.count(), WebinarLink.objects.count()) == counts
    assert Series.objects.filter(slug=UNESCO_SERIES).count() == 1


def test_load_demo_programme_command_never_loads_over_real_data():
    SeriesFactory(slug="an-organisers-series")
    call_command("load_demo_programme", stdout=io.StringIO())
    assert list(Series.objects.values_list("slug", flat=True)) == ["an-organisers-series"]
    assert not Webinar.objects.exists()
