"""The workspace's content services: series, webinar saving with speakers/links, duplication,
Markdown descriptions, stale forms, people and organisations."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    SeriesFactory,
    UserFactory,
    WebinarFactory,
    WebinarLinkFactory,
    WebinarSpeakerFactory,
)
from webinars.audit.models import LogEntry
from webinars.core.errors import Conflict, DomainError
from webinars.programme import services
from webinars.programme.models import Organisation, Person, Series, SeriesRole, Webinar
from webinars.programme.rules import may

pytestmark = pytest.mark.django_db


def test_series_create_makes_the_actor_owner_and_a_slug_from_a_cyrillic_title():
    actor = UserFactory()
    series = Series(
        title={"ru": "Музейная педагогика"}, organiser=OrganisationFactory(), original_language="ru", content_languages=["ru", "kk"]
    )
    services.series_create(
        series=series, actor=actor, partners=[OrganisationFactory()], description_markdown={"ru": "**Жирный** <script>x</script>"}
    )
    series.refresh_from_db()
    assert series.slug == "muzeynaya-pedagogika"
    assert SeriesRole.objects.get(series=series, user=actor).role == SeriesRole.Role.OWNER
    assert series.description.data["ru"] == "<p><strong>Жирный</strong> </p>"  # script removed by nh3
    assert series.description_source.data["ru"].startswith("**Жирный**")
    assert series.partners.count() == 1
    assert list(LogEntry.objects.filter(series_id=series.pk).values_list("action", flat=True).order_by("id")) == [
        "series.created",
        "series.role_granted",
    ]


def test_series_create_refuses_unknown_languages_and_a_taken_slug_storing_nothing():
    SeriesFactory(slug="taken")
    with pytest.raises(DomainError) as refused:
        services.series_create(series=Series(title={"en": "X"}, organiser=OrganisationFactory(), content_languages=["xx"]), actor=None)
    assert refused.value.field == "content_languages"
    with pytest.raises(DomainError) as refused:
        services.series_create(series=Series(title={"en": "X"}, slug="taken", organiser=OrganisationFactory()), actor=None)
    assert refused.value.field == "slug"
    assert Series.objects.count() == 1


def test_series_update_logs_the_changed_fields_and_refuses_a_stale_form():
    series = SeriesFactory()
    loaded = series.updated_at
    series.contact_email = "office@example.org"
    services.series_update(series=series, actor=None, expected_updated_at=loaded)
    entry = LogEntry.objects.get(action="series.changed")
    assert entry.data == {"fields": ["contact_email"]}
    stale = Series.objects.get(pk=series.pk)
    stale.contact_email = "other@example.org"
    with pytest.raises(Conflict):
        services.series_update(series=stale, actor=None, expected_updated_at=loaded)
    assert Series.objects.get(pk=series.pk).contact_email == "office@example.org"


def _new_webinar(series, **fields):
    webinar = Webinar(series=series, title=fields.pop("title", {"en": "Caring for textiles"}), time_zone=series.time_zone, **fields)
    services.webinar_schedule(webinar=webinar, date=dt.date(2031, 5, 12), local_time=dt.time(15, 0))
    return webinar


def test_webinar_save_creates_a_draft_with_speakers_links_and_a_unique_slug():
    series = SeriesFactory()
    WebinarFactory(series=series, slug="caring-for-textiles")
    known = PersonFactory()
    webinar = _new_webinar(series)
    services.webinar_save(
        webinar=webinar,
        actor=None,
        description_markdown={"en": "# Plan\n\n- one\n- [two](javascript:alert(1))"},
        speakers=[
            services.SpeakerRow(person=known, role={"en": "Curator"}, order=2),
            services.SpeakerRow(new_person_name="Ануш Петросян", order=1),
        ],
        links=[services.LinkRow(title={"en": "Guide"}, url="https://example.org/guide")],
    )
    webinar.refresh_from_db()
    assert webinar.status == Webinar.Status.DRAFT and webinar.slug == "caring-for-textiles-2"
    assert webinar.starts_at == dt.datetime(2031, 5, 12, 10, 0, tzinfo=dt.UTC)  # 15:00 in Almaty (UTC+5)
    html = webinar.description.data["en"]
    assert "<h2>Plan</h2>" in html and "javascript" not in html
    speakers = list(webinar.speakers.select_related("person"))
    assert [str(s.person) for s in speakers] == ["Ануш Петросян", str(known)]
    created = speakers[0].person
    assert created.slug == "anush-petrosyan" and created.added_for_series_id == series.pk
    assert [link.url for link in webinar.links.all()] == ["https://example.org/guide"]


def test_webinar_save_refuses_a_taken_slug_and_a_stale_form():
    series = SeriesFactory()
    WebinarFactory(series=series, slug="taken")
    webinar = WebinarFactory(series=series, slug="mine")
    loaded = webinar.updated_at
    webinar.slug = "taken"
    with pytest.raises(DomainError) as refused:
        services.webinar_save(webinar=webinar, actor=None, expected_updated_at=loaded)
    assert refused.value.field == "slug"
    other = Webinar.objects.get(pk=webinar.pk)
    other.capacity = 5
    services.webinar_save(webinar=other, actor=None, expected_updated_at=loaded)
    webinar.slug = "mine"
    webinar.title = {"en": "Mine, edited"}
    with pytest.raises(Conflict):
        services.webinar_save(webinar=webinar, actor=None, expected_updated_at=loaded)
    assert Webinar.objects.get(pk=webinar.pk).title.data.get("en") != "Mine, edited"


def test_duplicate_is_a_draft_a_week_later_with_speakers_links_and_partners():
    webinar = WebinarFactory(starts_at=dt.datetime(2031, 3, 3, 9, 0, tzinfo=dt.UTC), capacity=40)
    webinar.partners.add(OrganisationFactory())
    WebinarSpeakerFactory(webinar=webinar)
    WebinarLinkFactory(webinar=webinar)
    copy = services.webinar_duplicate(webinar=webinar, actor=None)
    assert copy.pk != webinar.pk and copy.status == Webinar.Status.DRAFT
    assert copy.starts_at == dt.datetime(2031, 3, 10, 9, 0, tzinfo=dt.UTC) and copy.capacity == 40
    assert copy.speakers.count() == 1 and copy.links.count() == 1 and copy.partners.count() == 1
    assert copy.slug != webinar.slug and copy.recording_url == ""
    assert LogEntry.objects.get(action="webinar.duplicated").data == {"from_webinar_id": webinar.pk}


def test_status_changes_offered_in_each_status():
    webinar = WebinarFactory(status=Webinar.Status.DRAFT)
    assert services.webinar_status_changes(webinar) == [Webinar.Status.PUBLISHED]
    webinar.status = Webinar.Status.PUBLISHED
    assert Webinar.Status.CANCELLED in services.webinar_status_changes(webinar)


def _image(size=(1200, 900), fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    buffer.seek(0)
    buffer.name = f"big.{fmt.lower()}"
    return buffer


def test_person_photo_and_organisation_logo_are_made_small(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = Person(name={"en": "Dinara Khalikova"})
    services.person_save(person=person, actor=None, photo=_image(), bio_markdown={"en": "Works on *textiles*."})
    with Image.open(person.photo.path) as stored:
        assert stored.format == "WEBP" and max(stored.size) <= 320
    person.refresh_from_db()
    assert person.photo.size < 20_000 and person.bio.data["en"] == "<p>Works on <em>textiles</em>.</p>"
    organisation = Organisation(name={"en": "ICOM Kazakhstan"})
    services.organisation_save(organisation=organisation, actor=None, logo=_image((2000, 400)))
    with Image.open(organisation.logo.path) as stored:
        assert stored.size[0] <= 480 and stored.size[1] <= 240
    services.person_save(person=person, actor=None, remove_photo=True)
    assert not Person.objects.get(pk=person.pk).photo


def test_who_may_change_a_person_editors_of_a_series_where_they_spoke():
    a, b = SeriesFactory(), SeriesFactory()
    speaker = WebinarSpeakerFactory(webinar=WebinarFactory(series=a)).person
    editor_a, editor_b, viewer_a, owner_b = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    SeriesRole.objects.create(series=a, user=editor_a, role="editor")
    SeriesRole.objects.create(series=a, user=viewer_a, role="viewer")
    SeriesRole.objects.create(series=b, user=editor_b, role="editor")
    SeriesRole.objects.create(series=b, user=owner_b, role="owner")
    assert may(editor_a, "programme.edit_person", speaker)
    assert not may(viewer_a, "programme.edit_person", speaker)
    assert not may(editor_b, "programme.edit_person", speaker)
    added_for_b = PersonFactory(added_for_series=b)
    assert may(editor_b, "programme.edit_person", added_for_b) and not may(editor_a, "programme.edit_person", added_for_b)
    assert may(owner_b, "programme.add_series") and not may(editor_a, "programme.add_series")


def test_capacity_change_promotes_the_waiting_list_in_order(django_capture_on_commit_callbacks):
    from tests.factories import RegistrationFactory
    from webinars.registrations.services import webinar_capacity_change

    webinar = WebinarFactory(capacity=1, starts_at=timezone.now() + dt.timedelta(days=3))
    RegistrationFactory(webinar=webinar)
    first = RegistrationFactory(webinar=webinar, status="waitlisted")
    second = RegistrationFactory(webinar=webinar, status="waitlisted")
    third = RegistrationFactory(webinar=webinar, status="waitlisted")
    with django_capture_on_commit_callbacks(execute=True):
        promoted = webinar_capacity_change(webinar=webinar, capacity=3, actor=None)
    assert [r.pk for r in promoted] == [first.pk, second.pk]
    third.refresh_from_db()
    assert third.status == "waitlisted" and webinar.capacity == 3
    assert LogEntry.objects.get(action="webinar.capacity_changed").data == {"from": 1, "to": 3}
    assert webinar_capacity_change(webinar=webinar, capacity=None, actor=None) == [third]
