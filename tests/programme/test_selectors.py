"""Reads of the programme: upcoming and past, ordering, slugs, people, back-office access."""

import datetime as dt

import pytest

from tests.factories import PersonFactory, SeriesFactory, SeriesRoleFactory, UserFactory, WebinarFactory, WebinarSpeakerFactory
from webinars.programme import selectors
from webinars.programme.models import Series, SeriesRole, Webinar

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2030, 3, 15, 12, 0, tzinfo=dt.UTC)  # 17:00 in Almaty (UTC+5)


def _at(offset: dt.timedelta, **kwargs) -> Webinar:
    starts_at = NOW + offset
    return WebinarFactory(starts_at=starts_at, start_date=starts_at.date(), **kwargs)


def _pks(queryset) -> list[int]:
    return [w.pk for w in queryset]


def test_upcoming_and_past_split_on_the_end_not_the_start():
    series = SeriesFactory()
    in_progress = _at(-dt.timedelta(minutes=30), series=series, duration_minutes=90)
    ends_now = _at(-dt.timedelta(minutes=90), series=series, duration_minutes=90)
    just_ended = _at(-dt.timedelta(minutes=91), series=series, duration_minutes=90)
    later = _at(dt.timedelta(days=2), series=series)

    upcoming = _pks(selectors.webinar_upcoming(now=NOW))
    past = _pks(selectors.webinar_past(now=NOW))

    assert in_progress.pk in upcoming and in_progress.pk not in past
    assert ends_now.pk in upcoming  # ends exactly now: still on
    assert just_ended.pk in past and just_ended.pk not in upcoming
    assert later.pk in upcoming
    assert set(upcoming) | set(past) == {in_progress.pk, ends_now.pk, just_ended.pk, later.pk}
    assert not set(upcoming) & set(past)


def test_unannounced_time_is_upcoming_until_the_end_of_the_organisers_day():
    today_almaty = WebinarFactory(starts_at=None, start_date=dt.date(2030, 3, 15), time_zone="Asia/Almaty")
    yesterday_almaty = WebinarFactory(starts_at=None, start_date=dt.date(2030, 3, 14), time_zone="Asia/Almaty")

    # 15 March ends at 19:00 UTC in Almaty.
    assert _pks(selectors.webinar_upcoming(now=NOW)) == [today_almaty.pk]
    assert _pks(selectors.webinar_past(now=NOW)) == [yesterday_almaty.pk]
    late = dt.datetime(2030, 3, 15, 19, 0, 1, tzinfo=dt.UTC)
    assert _pks(selectors.webinar_upcoming(now=late)) == []
    assert _pks(selectors.webinar_past(now=late)) == [today_almaty.pk, yesterday_almaty.pk]


def test_upcoming_soonest_first_and_past_newest_first():
    series = SeriesFactory()
    in_three_days = _at(dt.timedelta(days=3), series=series)
    tomorrow = _at(dt.timedelta(days=1), series=series)
    tomorrow_later = _at(dt.timedelta(days=1, hours=3), series=series)
    last_week = _at(-dt.timedelta(days=7), series=series)
    yesterday = _at(-dt.timedelta(days=1), series=series)
    last_month = _at(-dt.timedelta(days=30), series=series)

    assert _pks(selectors.webinar_upcoming(now=NOW)) == [tomorrow.pk, tomorrow_later.pk, in_three_days.pk]
    assert _pks(selectors.webinar_past(now=NOW)) == [yesterday.pk, last_week.pk, last_month.pk]
    assert _pks(selectors.webinar_filter(now=NOW)) == [
        last_month.pk,
        last_week.pk,
        yesterday.pk,
        tomorrow.pk,
        tomorrow_later.pk,
        in_three_days.pk,
    ]
    assert _pks(selectors.webinar_filter(when="upcoming", now=NOW)) == _pks(selectors.webinar_upcoming(now=NOW))
    assert _pks(selectors.webinar_filter(when="past", now=NOW)) == _pks(selectors.webinar_past(now=NOW))


def test_lists_hold_published_cancelled_and_postponed_but_no_drafts():
    series = SeriesFactory()
    published = _at(dt.timedelta(days=1), series=series)
    cancelled = _at(dt.timedelta(days=2), series=series, status=Webinar.Status.CANCELLED)
    postponed = _at(dt.timedelta(days=3), series=series, status=Webinar.Status.POSTPONED)
    _at(dt.timedelta(days=4), series=series, status=Webinar.Status.DRAFT)
    _at(-dt.timedelta(days=4), series=series, status=Webinar.Status.DRAFT)
    _at(dt.timedelta(days=1), series=SeriesFactory(is_published=False))

    assert _pks(selectors.webinar_upcoming(now=NOW)) == [published.pk, cancelled.pk, postponed.pk]
    assert _pks(selectors.webinar_past(now=NOW)) == []
    assert _pks(selectors.webinar_public().order_by("id")) == [published.pk, cancelled.pk, postponed.pk]


def test_series_public_counts_public_webinars_and_puts_samples_last():
    real = SeriesFactory(slug="zz-real")
    sample = SeriesFactory(slug="aa-sample", is_sample=True)
    SeriesFactory(slug="hidden", is_published=False)
    WebinarFactory(series=real)
    WebinarFactory(series=real, status=Webinar.Status.CANCELLED)
    WebinarFactory(series=real, status=Webinar.Status.DRAFT)

    series = list(selectors.series_public())
    assert [s.slug for s in series] == ["zz-real", "aa-sample"]
    assert series[0].webinar_count == 2
    assert series[1].webinar_count == 0
    assert sample in series


def test_series_by_slug_reports_whether_the_slug_is_canonical():
    series = SeriesFactory(slug="old-name")
    series.slug = "new-name"
    series.save()

    found, canonical = selectors.series_by_slug("new-name")
    assert (found, canonical) == (series, True)
    found, canonical = selectors.series_by_slug("old-name")
    assert (found, canonical) == (series, False)
    assert selectors.series_by_slug("never-existed") == (None, False)


def test_series_by_slug_hides_unpublished_series_under_any_slug():
    series = SeriesFactory(slug="secret-old", is_published=False)
    series.slug = "secret-new"
    series.save()
    assert selectors.series_by_slug("secret-new") == (None, False)
    assert selectors.series_by_slug("secret-old") == (None, False)


def test_webinar_by_slugs_and_by_id_hide_drafts():
    series = SeriesFactory()
    draft = WebinarFactory(series=series, slug="draft", status=Webinar.Status.DRAFT)
    draft.slug = "draft-renamed"
    draft.save()
    assert selectors.webinar_by_slugs(series, "draft-renamed") == (None, False)
    assert selectors.webinar_by_slugs(series, "draft") == (None, False)
    assert selectors.webinar_by_slugs(series, "nothing") == (None, False)
    assert selectors.webinar_by_id(draft.pk) is None

    public = WebinarFactory(series=series, slug="public")
    assert selectors.webinar_by_id(public.pk) == public
    # A slug of one series does not find a webinar of another.
    assert selectors.webinar_by_slugs(SeriesFactory(), "public") == (None, False)


def test_webinar_in_series_excludes_the_current_one_and_drafts():
    series = SeriesFactory()
    one, two = WebinarFactory(series=series), WebinarFactory(series=series)
    WebinarFactory(series=series, status=Webinar.Status.DRAFT)
    WebinarFactory()
    assert set(_pks(selectors.webinar_in_series(series))) == {one.pk, two.pk}
    assert _pks(selectors.webinar_in_series(series, exclude_id=one.pk)) == [two.pk]


def test_person_webinars_are_public_and_newest_first():
    person = PersonFactory()
    older = WebinarSpeakerFactory(person=person, webinar=_at(-dt.timedelta(days=30)))
    newer = WebinarSpeakerFactory(person=person, webinar=_at(dt.timedelta(days=3)))
    WebinarSpeakerFactory(person=person, webinar=_at(dt.timedelta(days=5), status=Webinar.Status.DRAFT))
    WebinarSpeakerFactory(person=person, webinar=_at(dt.timedelta(days=6), series=SeriesFactory(is_published=False)))
    assert [t.pk for t in selectors.person_webinars(person)] == [newer.pk, older.pk]
    assert selectors.person_by_slug(person.slug) == person
    assert selectors.person_by_slug("nobody") is None


def test_series_editable_by_roles_and_superusers():
    admin = UserFactory(superuser=True, username="admin", email="admin@example.org")
    editor = UserFactory(username="editor", email="editor@example.org")
    stranger = UserFactory(username="stranger", email="stranger@example.org")
    mine = SeriesFactory(slug="mine")
    also_mine = SeriesFactory(slug="also-mine", is_published=False)
    theirs = SeriesFactory(slug="theirs")
    SeriesRoleFactory(series=mine, user=editor, role=SeriesRole.Role.EDITOR)
    SeriesRoleFactory(series=also_mine, user=editor, role=SeriesRole.Role.OWNER)
    SeriesRoleFactory(series=theirs, user=admin, role=SeriesRole.Role.EDITOR)

    assert set(selectors.series_editable_by(admin)) == {mine, also_mine, theirs}
    assert list(selectors.series_editable_by(editor).order_by("slug")) == [also_mine, mine]
    assert selectors.series_editable_by(editor).count() == 2
    assert not selectors.series_editable_by(stranger).exists()

    draft = WebinarFactory(series=mine, status=Webinar.Status.DRAFT)
    assert selectors.webinar_for_preview(user=editor, webinar_id=draft.pk) == draft
    assert selectors.webinar_for_preview(user=admin, webinar_id=draft.pk) == draft
    assert selectors.webinar_for_preview(user=stranger, webinar_id=draft.pk) is None
    assert selectors.webinar_for_preview(user=editor, webinar_id=WebinarFactory(series=theirs).pk) is None


@pytest.mark.parametrize("countries", [["KZ", "UZ", "AM"], ["GE"], []])
def test_a_series_country_codes_are_its_countries_codes(countries):
    series = SeriesFactory(countries=countries)
    for read in (series, Series.objects.get(pk=series.pk), Series.objects.only("id").get(pk=series.pk)):
        assert read.country_codes == tuple(country.code for country in read.countries)
        assert sorted(read.country_codes) == sorted(countries)
