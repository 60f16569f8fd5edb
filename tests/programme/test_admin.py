"""The organisers' back office: admin pages, the webinar form, actions and series-scoped access."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    SeriesFactory,
    SeriesRoleFactory,
    UserFactory,
    WebinarFactory,
    WebinarSpeakerFactory,
)
from tests.forms import form_data
from webinars.audit.models import LogEntry
from webinars.core.languages import CONTENT_LANGUAGE_CODES
from webinars.programme.models import Organisation, Person, Series, SeriesRole, Webinar

pytestmark = pytest.mark.django_db

WEBINARS = "/admin/programme/webinar/"


def i18n(name: str, values: dict[str, str]) -> dict[str, str]:
    return {f"{name}_{i}": values.get(code, "") for i, code in enumerate(CONTENT_LANGUAGE_CODES)}


def add_webinar_data(client, series: Series, **changes: object) -> dict[str, object]:
    response = client.get(WEBINARS + "add/")
    assert response.status_code == 200
    data = form_data(response.content.decode(), "webinar_form")
    data.update(
        {
            "series": str(series.pk),
            **i18n("title", {"en": "Museum labels", "ru": "Музейные этикетки"}),
            "slug": "museum-labels",
            "start_date": "2026-03-10",
            "local_time": "15:00",
            "time_zone": "Asia/Almaty",
            "duration_minutes": "90",
        }
    )
    data.update(changes)
    return data


@pytest.fixture
def superuser(django_user_model):
    return UserFactory(superuser=True, username="root", email="root@example.org")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def two_series():
    series_a = SeriesFactory(slug="series-a", title={"en": "Series A"})
    series_b = SeriesFactory(slug="series-b", title={"en": "Series B"})
    webinar_a = WebinarFactory(series=series_a, slug="alpha", title={"en": "Alpha webinar"})
    webinar_b = WebinarFactory(series=series_b, slug="beta", title={"en": "Beta webinar"})
    return series_a, series_b, webinar_a, webinar_b


def role_user(django_user_model, series: Series, role: str = SeriesRole.Role.EDITOR, username: str = "editor"):
    user = UserFactory(username=username, email=f"{username}@example.org", is_staff=True)
    SeriesRoleFactory(series=series, user=user, role=role)
    return user


@pytest.fixture
def editor_client(client, django_user_model, two_series):
    client.force_login(role_user(django_user_model, two_series[0]))
    return client


# --- pages render for superusers ------------------------------------------------------


def test_every_programme_admin_page_renders_for_a_superuser(admin_client, two_series, django_user_model):
    series_a, _series_b, webinar_a, _webinar_b = two_series
    speaker = WebinarSpeakerFactory(webinar=webinar_a)
    role = SeriesRoleFactory(series=series_a, user=UserFactory(username="ed", is_staff=True))
    objects = {
        "organisation": series_a.organiser,
        "person": speaker.person,
        "series": series_a,
        "seriesrole": role,
        "webinar": webinar_a,
    }
    assert admin_client.get("/admin/").status_code == 200
    for model, obj in objects.items():
        base = f"/admin/programme/{model}/"
        for url in (base, base + "add/", f"{base}{obj.pk}/change/"):
            response = admin_client.get(url)
            assert response.status_code == 200, url


def test_translatable_fields_are_labelled_with_language_endonyms(admin_client, two_series):
    html = admin_client.get(f"{WEBINARS}{two_series[2].pk}/change/").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    group = soup.find(id="id_title")
    labels = [label.get_text(" ", strip=True) for label in group.find_all("label")]
    assert labels[:3] == ["English en", "Русский ru", "Қазақша kk"]
    assert len(labels) == len(CONTENT_LANGUAGE_CODES)
    assert group.find("input", id="id_title_1")["lang"] == "ru"
    assert group.find("input", id="id_title_0")["value"] == "Alpha webinar"
    assert "mw/admin-i18n.css" in html
    # Speakers and links are edited inline; raw UTC columns are not editable.
    assert 'name="speakers-TOTAL_FORMS"' in html and 'name="links-TOTAL_FORMS"' in html
    assert 'name="starts_at"' not in html and 'name="ends_at"' not in html


def test_changelist_shows_date_status_series_and_filters(admin_client, two_series):
    response = admin_client.get(WEBINARS)
    html = response.content.decode()
    assert "Alpha webinar" in html and "Beta webinar" in html
    assert "Series A" in html and "published" in html and "15:00 Asia/Almaty" in html
    assert "?status__exact=draft" in html
    assert f"?series__id__exact={two_series[0].pk}" in html
    assert admin_client.get(WEBINARS + "?q=alpha").content.decode().count("Alpha webinar") >= 1


def test_search_finds_cyrillic_words_in_translations(admin_client):
    WebinarFactory(slug="labels", title={"en": "Museum labels", "ru": "Музейные этикетки"})
    WebinarFactory(slug="other", title={"en": "Something else", "ru": "Другое"})
    html = admin_client.get(WEBINARS + "?q=этикетки").content.decode()
    assert "Museum labels" in html and "Something else" not in html
    html = admin_client.get(WEBINARS + "?q=музейные").content.decode()  # other capitalisation
    assert "Museum labels" in html


# --- the webinar form -------------------------------------------------------------------


def test_local_time_in_almaty_is_stored_in_utc(admin_client):
    series = SeriesFactory()
    response = admin_client.post(WEBINARS + "add/", add_webinar_data(admin_client, series))
    assert response.status_code == 302, response.content.decode()[:3000]
    webinar = Webinar.objects.get(slug="museum-labels")
    # Kazakhstan has been on UTC+5 since 1 March 2024: 15:00 in Almaty is 10:00 UTC.
    assert webinar.starts_at == dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)
    assert webinar.start_date == dt.date(2026, 3, 10)
    assert webinar.time_zone == "Asia/Almaty"
    assert webinar.ends_at == dt.datetime(2026, 3, 10, 11, 30, tzinfo=dt.UTC)
    assert webinar.status == Webinar.Status.DRAFT
    assert webinar.title.data["ru"] == "Музейные этикетки"


def test_historical_offsets_are_respected(admin_client):
    series = SeriesFactory()
    admin_client.post(WEBINARS + "add/", add_webinar_data(admin_client, series, start_date="2021-04-22", local_time="15:00"))
    webinar = Webinar.objects.get(slug="museum-labels")
    assert webinar.starts_at == dt.datetime(2021, 4, 22, 9, 0, tzinfo=dt.UTC)  # UTC+6 then


def test_empty_time_means_time_to_be_announced(admin_client):
    series = SeriesFactory()
    response = admin_client.post(WEBINARS + "add/", add_webinar_data(admin_client, series, local_time=""))
    assert response.status_code == 302
    webinar = Webinar.objects.get(slug="museum-labels")
    assert webinar.starts_at is None
    assert webinar.ends_at == dt.datetime(2026, 3, 10, 19, 0, tzinfo=dt.UTC)  # end of the day in Almaty
    assert "time to be announced" in admin_client.get(WEBINARS).content.decode()


def test_empty_time_zone_takes_the_series_zone(admin_client):
    series = SeriesFactory(time_zone="Asia/Tbilisi")
    admin_client.post(WEBINARS + "add/", add_webinar_data(admin_client, series, time_zone=""))
    webinar = Webinar.objects.get(slug="museum-labels")
    assert webinar.time_zone == "Asia/Tbilisi"
    assert webinar.starts_at == dt.datetime(2026, 3, 10, 11, 0, tzinfo=dt.UTC)


def test_change_form_shows_the_local_time_the_organiser_typed(admin_client):
    webinar = WebinarFactory(starts_at=dt.datetime(2026, 5, 5, 4, 30, tzinfo=dt.UTC), start_date=dt.date(2026, 5, 5))
    soup = BeautifulSoup(admin_client.get(f"{WEBINARS}{webinar.pk}/change/").content, "html.parser")
    assert soup.find("input", attrs={"name": "local_time"})["value"] == "09:30"
    assert soup.find("input", attrs={"name": "time_zone"})["value"] == "Asia/Almaty"
    assert "2026-05-05 04:30 UTC" in soup.get_text()


def test_unknown_time_zone_is_refused(admin_client):
    series = SeriesFactory()
    response = admin_client.post(WEBINARS + "add/", add_webinar_data(admin_client, series, time_zone="Asia/Atlantis"))
    assert response.status_code == 200
    assert "not a known time zone" in response.content.decode()
    assert not Webinar.objects.filter(slug="museum-labels").exists()


def test_a_time_skipped_by_a_clock_change_is_refused(admin_client):
    series = SeriesFactory()
    data = add_webinar_data(admin_client, series, start_date="2026-03-29", local_time="02:30", time_zone="Europe/Paris")
    response = admin_client.post(WEBINARS + "add/", data)
    assert response.status_code == 200
    assert "does not exist in Europe/Paris" in response.content.decode()


def test_rich_description_is_sanitised_when_stored(admin_client):
    series = SeriesFactory()
    description = '<p onclick="steal()">Hello <strong>museums</strong></p><script>alert("x")</script>'
    data = add_webinar_data(admin_client, series, **i18n("description", {"en": description, "ru": "<script>1</script><p>Привет</p>"}))
    assert admin_client.post(WEBINARS + "add/", data).status_code == 302
    stored = Webinar.objects.get(slug="museum-labels").description.data
    assert stored["en"] == "<p>Hello <strong>museums</strong></p>"
    assert stored["ru"] == "<p>Привет</p>"


def test_speakers_and_links_are_added_inline(admin_client):
    series = SeriesFactory()
    person = PersonFactory()
    data = add_webinar_data(
        admin_client,
        series,
        **{
            "speakers-TOTAL_FORMS": "1",
            "speakers-0-person": str(person.pk),
            "speakers-0-order": "1",
            **i18n("speakers-0-role", {"en": "Curator", "kk": "Куратор"}),
            "links-TOTAL_FORMS": "1",
            "links-0-url": "https://example.org/guide",
            "links-0-language": "ru",
            "links-0-order": "0",
            **i18n("links-0-title", {"ru": "Руководство"}),
        },
    )
    response = admin_client.post(WEBINARS + "add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    webinar = Webinar.objects.get(slug="museum-labels")
    speaker = webinar.speakers.get()
    assert speaker.person == person and speaker.role.data == {"en": "Curator", "kk": "Куратор"}
    assert webinar.links.get().title.data == {"ru": "Руководство"}


def test_publishing_in_the_form_records_when(admin_client):
    series = SeriesFactory()
    admin_client.post(WEBINARS + "add/", add_webinar_data(admin_client, series, status="published"))
    webinar = Webinar.objects.get(slug="museum-labels")
    assert webinar.status == Webinar.Status.PUBLISHED and webinar.published_at is not None


# --- actions and links to the public page ---------------------------------------------


def run_action(client, action: str, *webinars: Webinar):
    return client.post(WEBINARS, {"action": action, "_selected_action": [w.pk for w in webinars]}, follow=True)


def test_publish_and_unpublish_actions(admin_client):
    drafts = WebinarFactory.create_batch(2, status=Webinar.Status.DRAFT)
    response = run_action(admin_client, "publish", *drafts)
    assert "2 webinars published." in response.content.decode()
    for webinar in drafts:
        webinar.refresh_from_db()
        assert webinar.status == Webinar.Status.PUBLISHED and webinar.published_at is not None
    first_published_at = drafts[0].published_at

    response = run_action(admin_client, "unpublish", drafts[0])
    assert "1 webinar is back to draft." in response.content.decode()
    drafts[0].refresh_from_db()
    assert drafts[0].status == Webinar.Status.DRAFT
    run_action(admin_client, "publish", drafts[0])
    drafts[0].refresh_from_db()
    assert drafts[0].published_at == first_published_at  # first publication is kept


def test_cancel_and_postpone_actions(admin_client):
    one, two = WebinarFactory.create_batch(2)
    run_action(admin_client, "mark_cancelled", one)
    run_action(admin_client, "mark_postponed", two)
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.status, two.status) == (Webinar.Status.CANCELLED, Webinar.Status.POSTPONED)


def test_view_on_site_is_the_public_page_or_the_preview(admin_client):
    public = WebinarFactory()
    draft = WebinarFactory(status=Webinar.Status.DRAFT)
    html = admin_client.get(f"{WEBINARS}{public.pk}/change/").content.decode()
    assert f'href="{public.get_absolute_url()}"' in html
    html = admin_client.get(f"{WEBINARS}{draft.pk}/change/").content.decode()
    preview = reverse("public:preview", args=[draft.pk])
    assert f'href="{preview}"' in html
    assert f'href="{draft.get_absolute_url()}"' not in html
    assert admin_client.get(preview).status_code == 200


# --- series-scoped access ---------------------------------------------------------------


def test_editor_sees_and_edits_only_their_series(editor_client, two_series):
    series_a, series_b, webinar_a, webinar_b = two_series
    index = editor_client.get("/admin/").content.decode()
    assert WEBINARS in index and "/admin/programme/person/" in index and "/admin/programme/seriesrole/" not in index
    html = editor_client.get(WEBINARS).content.decode()
    assert "Alpha webinar" in html
    assert "Beta webinar" not in html and "Series B" not in html

    url = f"{WEBINARS}{webinar_a.pk}/change/"
    data = form_data(editor_client.get(url).content.decode(), "webinar_form")
    data.update(i18n("title", {"en": "Alpha, renamed"}))
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    webinar_a.refresh_from_db()
    assert webinar_a.title.data == {"en": "Alpha, renamed"}


def test_editor_cannot_open_or_change_another_series_webinar(editor_client, two_series):
    _series_a, series_b, webinar_a, webinar_b = two_series
    url = f"{WEBINARS}{webinar_b.pk}/change/"
    assert editor_client.get(url).status_code in {302, 403, 404}
    data = form_data(editor_client.get(f"{WEBINARS}{webinar_a.pk}/change/").content.decode(), "webinar_form")
    data.update({"series": str(series_b.pk), **i18n("title", {"en": "Hijacked"})})
    assert editor_client.post(url, data).status_code in {302, 403, 404}
    webinar_b.refresh_from_db()
    assert webinar_b.title.data == {"en": "Beta webinar"}
    assert editor_client.get(f"{WEBINARS}{webinar_b.pk}/delete/").status_code in {302, 403, 404}
    assert editor_client.get(reverse("public:preview", args=[webinar_b.pk])).status_code == 404


def test_editor_cannot_add_a_webinar_to_another_series(editor_client, two_series):
    series_a, series_b, _webinar_a, _webinar_b = two_series
    html = editor_client.get(WEBINARS + "add/").content.decode()
    options = [o.get("value") for o in BeautifulSoup(html, "html.parser").find("select", attrs={"name": "series"}).find_all("option")]
    assert str(series_a.pk) in options and str(series_b.pk) not in options
    # The only series on offer gives its time zone to the new webinar.
    assert BeautifulSoup(html, "html.parser").find("input", attrs={"name": "time_zone"})["value"] == series_a.time_zone

    response = editor_client.post(WEBINARS + "add/", add_webinar_data(editor_client, series_b))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Webinar.objects.filter(slug="museum-labels").exists()

    response = editor_client.post(WEBINARS + "add/", add_webinar_data(editor_client, series_a))
    assert response.status_code == 302
    assert Webinar.objects.get(slug="museum-labels").series == series_a


def test_actions_do_not_reach_another_series(editor_client, two_series):
    _series_a, _series_b, webinar_a, webinar_b = two_series
    run_action(editor_client, "unpublish", webinar_a, webinar_b)
    webinar_a.refresh_from_db()
    webinar_b.refresh_from_db()
    assert webinar_a.status == Webinar.Status.DRAFT
    assert webinar_b.status == Webinar.Status.PUBLISHED


def test_editor_sees_their_series_read_only_and_no_roles(editor_client, two_series):
    series_a, series_b, _webinar_a, _webinar_b = two_series
    html = editor_client.get("/admin/programme/series/").content.decode()
    assert "Series A" in html and "Series B" not in html
    assert editor_client.get(f"/admin/programme/series/{series_a.pk}/change/").status_code == 200
    assert editor_client.get(f"/admin/programme/series/{series_b.pk}/change/").status_code == 302
    data = {"slug": "stolen", **i18n("title", {"en": "Stolen"})}
    editor_client.post(f"/admin/programme/series/{series_a.pk}/change/", data)
    series_a.refresh_from_db()
    assert series_a.slug == "series-a"  # editors do not change the series itself
    assert editor_client.get("/admin/programme/series/add/").status_code == 403
    assert editor_client.get("/admin/programme/seriesrole/").status_code == 403
    assert editor_client.get("/admin/programme/seriesrole/add/").status_code == 403


def test_organiser_changes_the_series_and_deletes_its_webinars(client, django_user_model, two_series):
    series_a, series_b, webinar_a, webinar_b = two_series
    client.force_login(role_user(django_user_model, series_a, SeriesRole.Role.OWNER, "organiser"))
    url = f"/admin/programme/series/{series_a.pk}/change/"
    data = form_data(client.get(url).content.decode(), "series_form")
    data.update({"time_zone": "Asia/Bishkek"})
    assert "roles-TOTAL_FORMS" not in data  # roles are for superusers to hand out
    assert client.post(url, data).status_code == 302
    series_a.refresh_from_db()
    assert series_a.time_zone == "Asia/Bishkek"

    assert client.post(f"{WEBINARS}{webinar_a.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Webinar.objects.filter(pk=webinar_a.pk).exists()
    client.post(f"{WEBINARS}{webinar_b.pk}/delete/", {"post": "yes"})
    assert Webinar.objects.filter(pk=webinar_b.pk).exists()


def test_editor_does_not_delete_webinars(editor_client, two_series):
    webinar_a = two_series[2]
    assert editor_client.get(f"{WEBINARS}{webinar_a.pk}/delete/").status_code == 403
    assert Webinar.objects.filter(pk=webinar_a.pk).exists()


def test_staff_without_a_role_sees_no_programme(client, django_user_model, two_series):
    client.force_login(UserFactory(username="nobody", is_staff=True))
    assert client.get(WEBINARS).status_code == 403
    assert client.get("/admin/programme/series/").status_code == 403
    assert WEBINARS not in client.get("/admin/").content.decode()


def test_people_and_organisations_are_shared(editor_client, two_series):
    person = PersonFactory(name={"en": "Aigerim Sadykova", "ru": "Айгерим Садыкова"})
    # Editors look people up to pick speakers, by any script, and may add new ones.
    response = editor_client.get(
        "/admin/autocomplete/", {"app_label": "programme", "model_name": "webinarspeaker", "field_name": "person", "term": "Айгерим"}
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(person.pk)]
    assert editor_client.get("/admin/programme/person/").status_code == 200
    assert editor_client.get("/admin/programme/person/add/").status_code == 200
    data = {"slug": "new-speaker", "original_language": "en", **i18n("name", {"en": "New speaker"})}
    data.update(i18n("bio", {}) | i18n("affiliation", {}))
    assert editor_client.post("/admin/programme/person/add/", data).status_code == 302
    assert Person.objects.filter(slug="new-speaker").exists()
    # ... but changing a record every series shows needs the model permission.
    url = f"/admin/programme/person/{person.pk}/change/"
    editor_client.post(url, {"slug": "renamed", "original_language": "en", **i18n("name", {"en": "Renamed"})})
    person.refresh_from_db()
    assert person.slug != "renamed"
    assert editor_client.get("/admin/programme/organisation/").status_code == 200
    assert editor_client.get("/admin/programme/organisation/add/").status_code == 403


def test_staff_with_model_permissions_edit_shared_records(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="librarian", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_organisation", "change_organisation"]))
    organisation = OrganisationFactory()
    client.force_login(user)
    url = f"/admin/programme/organisation/{organisation.pk}/change/"
    data = form_data(client.get(url).content.decode(), "organisation_form")
    data.update(i18n("name", {"en": "ICOM Kazakhstan"}))
    assert client.post(url, data).status_code == 302
    assert Organisation.objects.get(pk=organisation.pk).name.data == {"en": "ICOM Kazakhstan"}
    assert client.get(WEBINARS).status_code == 403  # model permissions alone give no series


def test_granting_a_role_in_the_admin_goes_through_the_service_and_needs_no_staff_flag(admin_client, django_user_model):
    # Changed with the organisers' workspace (issue 8): a role alone opens the workspace, so
    # granting one no longer makes the user staff (the admin is the superusers' console).
    series = SeriesFactory()
    user = UserFactory(username="newcomer")
    response = admin_client.post("/admin/programme/seriesrole/add/", {"series": series.pk, "user": user.pk, "role": "editor"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_staff
    assert SeriesRole.objects.filter(series=series, user=user, role="editor").exists()
    assert LogEntry.objects.filter(action="series.role_granted", series_id=series.pk, data__user_id=user.pk).exists()
