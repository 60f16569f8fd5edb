"""Series settings, webinar editing and the directory, as organisers use them (ws-content)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import PersonFactory, RegistrationFactory, SeriesRoleFactory, WebinarFactory, WebinarSpeakerFactory
from tests.forms import form_data
from webinars.audit.models import LogEntry
from webinars.programme.models import Person, Series, SeriesRole, Webinar
from webinars.registrations.models import Registration

pytestmark = pytest.mark.django_db


def _edit(client, webinar, **changes):
    url = f"/organise/webinars/{webinar.pk}/edit/"
    data = form_data(client.get(url).content.decode(), "webinar-form")
    data.update(changes)
    return client.post(url, data)


def test_create_a_webinar_from_the_dashboard_with_the_series_preselected(signed_in, world):
    client = signed_in("editor_a")
    dashboard = client.get("/organise/").content.decode()
    assert 'href="/organise/webinars/new/"' in dashboard
    form_url = client.get("/organise/webinars/new/")["Location"]
    assert form_url == f"/organise/series/{world['a'].pk}/webinars/new/"
    data = form_data(client.get(form_url).content.decode(), "webinar-form")
    data.update(
        {
            "title_1": "Хранение текстиля",  # Russian pane (en=0, ru=1)
            "start_date": "2031-05-12",
            "local_time": "15:00",
            "capacity": "30",
            "speakers-0-new_person_name": "Ануш Петросян",
            "description_markdown_1": "## План\n\n* раз <img src=x onerror=alert(1)>",
        }
    )
    response = client.post(form_url, data)
    webinar = Webinar.objects.get(slug="khranenie-tekstilya")
    assert response.status_code == 302 and response["Location"] == f"/organise/webinars/{webinar.pk}/edit/"
    assert webinar.status == Webinar.Status.DRAFT and webinar.capacity == 30
    assert webinar.starts_at == dt.datetime(2031, 5, 12, 10, 0, tzinfo=dt.UTC)  # 15:00 in Almaty
    assert "<h2>План</h2>" in webinar.description.data["ru"] and "onerror" not in webinar.description.data["ru"]
    assert [str(s.person) for s in webinar.speakers.all()] == ["Ануш Петросян"]
    page = client.get(response["Location"]).content.decode()
    assert "Draft saved" in page and f'href="/w/{webinar.pk}/preview/"' in page
    assert "## План" in page  # the Markdown as typed, for editing


def test_bad_input_answers_in_russian_keeps_what_was_typed_and_stores_nothing(signed_in, world):
    client = signed_in("editor_a")
    webinar = world["webinar_a"]
    before = Webinar.objects.filter(pk=webinar.pk).values().get()
    url = f"/organise/webinars/{webinar.pk}/edit/?lang=ru"
    data = form_data(client.get(url).content.decode(), "webinar-form")
    data.update({"title_0": "Typed title", "duration_minutes": "0", "local_time": "25:99", "speakers-0-role_0": "Curator"})
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Введите правильное время" in page  # Django's own message, in Russian
    assert "от 5 до 1440" in page and "Выберите человека или укажите имя нового" in page
    assert 'value="Typed title"' in page
    assert Webinar.objects.filter(pk=webinar.pk).values().get() == before


def test_raising_the_seats_promotes_the_waiting_list_at_once(signed_in, world, django_capture_on_commit_callbacks):
    webinar = world["webinar_a"]  # 2 seats
    RegistrationFactory(webinar=webinar)
    RegistrationFactory(webinar=webinar)
    waiting = [RegistrationFactory(webinar=webinar, status="waitlisted") for _ in range(3)]
    client = signed_in("editor_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = _edit(client, webinar, capacity="4")
    assert response.status_code == 302
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == ["pending", "pending", "waitlisted"]  # moved up, in order; they still confirm their address
    assert "2 people moved up from the waiting list." in client.get(response["Location"]).content.decode()
    assert LogEntry.objects.filter(action="webinar.capacity_changed", webinar_id=webinar.pk).count() == 1


def test_a_stale_form_is_refused_and_nothing_is_overwritten(signed_in, world):
    webinar = world["webinar_a"]
    client = signed_in("editor_a")
    url = f"/organise/webinars/{webinar.pk}/edit/"
    data = form_data(client.get(url).content.decode(), "webinar-form")
    other = signed_in("owner_a")
    assert _edit(other, webinar, title_0="Owner's title").status_code == 302
    client.force_login(world["users"]["editor_a"])
    data["title_0"] = "Editor's title"
    response = client.post(url, data)
    assert response.status_code == 200 and "Someone else changed this webinar" in response.content.decode()
    assert Webinar.objects.get(pk=webinar.pk).title.data["en"] == "Owner's title"


def test_cancel_says_who_is_emailed_then_cancels(signed_in, world):
    webinar = world["webinar_a"]
    RegistrationFactory(webinar=webinar)
    RegistrationFactory(webinar=webinar, status="waitlisted")
    client = signed_in("editor_a")
    url = f"/organise/webinars/{webinar.pk}/status/cancel/"
    assert "2 registrants get an e-mail in their language" in client.get(url).content.decode()
    ru = client.get(url + "?lang=ru").content.decode()
    assert "2 участника получат письмо на своём языке" in ru
    assert client.post(url).status_code == 302
    assert Webinar.objects.get(pk=webinar.pk).status == Webinar.Status.CANCELLED
    assert LogEntry.objects.filter(action="webinar.cancelled", actor=world["users"]["editor_a"]).exists()


def test_publish_a_draft_and_duplicate_it(signed_in, world):
    draft = WebinarFactory(series=world["a"], status=Webinar.Status.DRAFT)
    client = signed_in("editor_a")
    assert client.post(f"/organise/webinars/{draft.pk}/status/publish/").status_code == 302
    assert Webinar.objects.get(pk=draft.pk).status == Webinar.Status.PUBLISHED
    response = client.post(f"/organise/webinars/{draft.pk}/duplicate/")
    copy = Webinar.objects.exclude(pk__in=[draft.pk, world["webinar_a"].pk, world["webinar_b"].pk]).get(series=world["a"])
    assert response["Location"] == f"/organise/webinars/{copy.pk}/edit/"
    assert copy.status == Webinar.Status.DRAFT and copy.start_date == draft.start_date + dt.timedelta(days=7)


def test_edit_page_queries_do_not_grow_with_speakers(signed_in, world, django_assert_num_queries, django_assert_max_num_queries):
    webinar = world["webinar_a"]
    client = signed_in("editor_a")
    WebinarSpeakerFactory(webinar=webinar)
    client.get(f"/organise/webinars/{webinar.pk}/edit/")
    with django_assert_max_num_queries(50) as one:
        client.get(f"/organise/webinars/{webinar.pk}/edit/")
    WebinarSpeakerFactory(webinar=webinar)
    WebinarSpeakerFactory(webinar=webinar)
    PersonFactory()
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(f"/organise/webinars/{webinar.pk}/edit/").status_code == 200


def test_series_settings_in_russian_with_zone_labels_and_language_tabs(signed_in, world):
    series = world["a"]
    client = signed_in("owner_a")
    page = client.get(f"/organise/series/{series.pk}/settings/?lang=ru").content.decode()
    assert "Алматы · UTC+5 · Asia/Almaty" in page
    assert 'id="content-tab-en"' in page and 'id="content-tab-ru"' in page
    assert "<summary>Добавить язык</summary>" in page  # the other eight behind it
    data = form_data(page, "series-form")
    data.update({"content_languages": ["ru", "kk"], "contact_email": "office@example.org", "time_zone": "Asia/Yerevan"})
    data.pop("content_tab", None)
    assert client.post(f"/organise/series/{series.pk}/settings/", data).status_code == 302
    series.refresh_from_db()
    assert series.content_languages == ["ru", "kk"] and series.time_zone == "Asia/Yerevan" and series.contact_email == "office@example.org"
    assert sorted(LogEntry.objects.get(action="series.changed").data["fields"]) == ["contact_email", "content_languages", "time_zone"]


def test_series_settings_bad_input_keeps_what_was_typed(signed_in, world):
    series = world["a"]
    client = signed_in("owner_a")
    url = f"/organise/series/{series.pk}/settings/"
    data = form_data(client.get(url).content.decode(), "series-form")
    data.update({"reminder_hours": "24, soon", "contact_email": "not-an-address", "attendance_threshold_percent": "150"})
    refused = client.post(url, data)
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "between 1 and 336" in page and "Enter a valid email address." in page and "between 1 and 100" in page
    assert 'value="24, soon"' in page
    assert Series.objects.get(pk=series.pk).contact_email == ""


def test_owner_sets_retention_link_lifetime_and_two_factor_in_the_series_settings(signed_in, world):
    series = world["a"]
    client = signed_in("owner_a")
    url = f"/organise/series/{series.pk}/settings/"
    assert "Конфиденциальность и безопасность" in client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    data = form_data(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode(), "series-form")
    assert data["retention_months"] == "24"
    data.update({"retention_months": "0", "link_months": "121"})
    refused = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "greater than or equal to 1" in refused.content.decode() and "less than or equal to 120" in refused.content.decode()
    assert Series.objects.get(pk=series.pk).retention_months == 24
    data = form_data(client.get(url).content.decode(), "series-form")
    data.update({"retention_months": "6", "link_months": "3", "require_two_factor": "on"})
    assert client.post(url, data).status_code == 302
    series.refresh_from_db()
    assert (series.retention_months, series.link_months, series.require_two_factor) == (6, 3, True)
    changed = LogEntry.objects.filter(action="series.changed").latest("pk").data["fields"]
    assert sorted(changed) == ["link_months", "require_two_factor", "retention_months"]


def test_an_owner_starts_a_series_and_becomes_its_owner(signed_in, world):
    client = signed_in("owner_a")
    data = form_data(client.get("/organise/series/new/").content.decode(), "series-form")
    data.update({"title_0": "Conservation Clinic", "organiser": str(world["a"].organiser_id), "time_zone": "Asia/Tbilisi"})
    response = client.post("/organise/series/new/", data)
    series = Series.objects.get(slug="conservation-clinic")
    assert response["Location"] == f"/organise/series/{series.pk}/"
    assert SeriesRole.objects.get(series=series, user=world["users"]["owner_a"]).role == "owner"
    assert series.content_languages == ["en", "ru"]


def test_the_directory_shows_the_series_people_and_editors_edit_them(signed_in, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    speaker = WebinarSpeakerFactory(webinar=world["webinar_a"], person__name={"en": "Dinara Khalikova"}).person
    WebinarSpeakerFactory(webinar=world["webinar_b"], person__name={"en": "Someone of B"})
    client = signed_in("editor_a")
    page = client.get("/organise/people/").content.decode()
    assert "Dinara Khalikova" in page and "Someone of B" not in page
    assert "Alpha webinar" in client.get(f"/organise/people/{speaker.pk}/").content.decode()
    url = f"/organise/people/{speaker.pk}/edit/"
    data = form_data(client.get(url).content.decode(), "person-form")
    buffer = io.BytesIO()
    Image.new("RGB", (900, 900), "navy").save(buffer, "JPEG")
    data.update({"affiliation_0": "State Museum", "bio_markdown_0": "Curator of *textiles*."})
    data["photo_upload"] = SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")
    assert client.post(url, data).status_code == 302
    speaker.refresh_from_db()
    assert speaker.photo.name.endswith(".webp") and speaker.bio.data["en"] == "<p>Curator of <em>textiles</em>.</p>"
    public = client.get(speaker.get_absolute_url()).content.decode()
    assert speaker.photo.url in public
    image = client.get(speaker.photo.url)
    assert image.status_code == 200 and image["Content-Type"] == "image/webp" and image["X-Content-Type-Options"] == "nosniff"


def test_adding_a_person_files_them_under_the_editors_series(signed_in, world):
    client = signed_in("editor_a")
    data = form_data(client.get("/organise/people/new/").content.decode(), "person-form")
    data.update({"name_1": "Айгерим Садыкова"})
    response = client.post("/organise/people/new/", data)
    person = Person.objects.get(slug="aygerim-sadykova")
    assert response["Location"] == f"/organise/people/{person.pk}/" and person.added_for_series_id == world["a"].pk
    assert signed_in("editor_b").get(f"/organise/people/{person.pk}/").status_code == 404


def test_directory_queries_do_not_grow_with_people(signed_in, world, django_assert_num_queries, django_assert_max_num_queries):
    client = signed_in("editor_a")
    WebinarSpeakerFactory(webinar=world["webinar_a"])
    client.get("/organise/people/")
    with django_assert_max_num_queries(50) as one:
        client.get("/organise/people/")
    for _ in range(3):
        WebinarSpeakerFactory(webinar=world["webinar_a"])
    with django_assert_num_queries(len(one.captured_queries)):
        client.get("/organise/people/")


def test_media_serves_images_only(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "people").mkdir()
    (tmp_path / "people" / "a.webp").write_bytes(b"RIFF....WEBP")
    (tmp_path / "people" / "evil.html").write_text("<script>alert(1)</script>")
    assert client.get("/media/people/a.webp").status_code == 200
    assert client.get("/media/people/evil.html").status_code == 404
    assert client.get("/media/../config/settings/base.py").status_code == 404
    assert client.post("/media/people/a.webp").status_code == 405


def test_an_editor_of_b_may_not_pick_series_a_for_a_new_webinar(signed_in, world):
    SeriesRoleFactory(series=world["b"], user=world["users"]["editor_a"], role=SeriesRole.Role.EDITOR)
    client = signed_in("editor_a")
    choice = client.get("/organise/webinars/new/").content.decode()
    assert "Series A" in choice and "Series B" in choice
    assert client.get(f"/organise/webinars/new/?series={world['b'].pk}")["Location"].endswith(f"/series/{world['b'].pk}/webinars/new/")


def test_settings_and_form_pages_cost_the_same_with_more_webinars_and_partners(
    signed_in, world, django_assert_num_queries, django_assert_max_num_queries
):
    from tests.factories import OrganisationFactory

    client = signed_in("owner_a")
    pages = [f"/organise/series/{world['a'].pk}/settings/", f"/organise/series/{world['a'].pk}/webinars/new/", "/organise/series/new/"]
    counts = {}
    for url in pages:
        client.get(url)
        with django_assert_max_num_queries(40) as first:
            client.get(url)
        counts[url] = len(first.captured_queries)
    for _ in range(3):
        WebinarFactory(series=world["a"])
        world["a"].partners.add(OrganisationFactory())
        PersonFactory()
    for url in pages:
        with django_assert_num_queries(counts[url]):
            assert client.get(url).status_code == 200
