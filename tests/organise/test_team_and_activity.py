"""The team section (invite, change role, remove after confirming, re-send) and the activity log."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.factories import RegistrationFactory
from webinars.audit.models import LogEntry
from webinars.audit.services import log_action
from webinars.programme.models import SeriesRole

pytestmark = pytest.mark.django_db


def team_url(series) -> str:
    return f"/organise/series/{series.pk}/team/"


def activity_url(series) -> str:
    return f"/organise/series/{series.pk}/activity/"


def test_the_team_lists_members_with_roles(signed_in, world):
    page = signed_in("owner_a").get(team_url(world["a"])).content.decode()
    assert "owner-a@example.org" in page and "editor-a@example.org" in page and "viewer-a@example.org" in page
    assert "editor-b@example.org" not in page


def test_invite_in_the_owners_language(signed_in, world, django_capture_on_commit_callbacks):
    client = signed_in("owner_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(team_url(world["a"]) + "?lang=ru", {"action": "invite", "email": "New@Example.org", "role": "editor"})
    assert response.status_code == 302
    assert SeriesRole.objects.get(series=world["a"], user__username="new@example.org").role == "editor"
    [sent] = mail.outbox
    assert sent.to == ["new@example.org"] and sent.subject.startswith("Вас пригласили")


def test_a_bad_address_keeps_what_was_typed(signed_in, world):
    response = signed_in("owner_a").post(team_url(world["a"]), {"action": "invite", "email": "not-an-address", "role": "editor"})
    page = response.content.decode()
    assert response.status_code == 400 and 'value="not-an-address"' in page and "Enter a valid email address." in page


def test_change_role_remove_after_confirming_and_resend(signed_in, world, django_capture_on_commit_callbacks):
    client = signed_in("owner_a")
    viewer = world["users"]["viewer_a"]
    client.post(team_url(world["a"]), {"action": "role", "user": viewer.pk, "role": "editor"})
    assert SeriesRole.objects.get(series=world["a"], user=viewer).role == "editor"
    asked = client.post(team_url(world["a"]), {"action": "remove", "user": viewer.pk})
    assert asked.status_code == 200 and "Yes, remove" in asked.content.decode()
    assert SeriesRole.objects.filter(series=world["a"], user=viewer).exists()
    client.post(team_url(world["a"]), {"action": "remove", "user": viewer.pk, "confirmed": "1"})
    assert not SeriesRole.objects.filter(series=world["a"], user=viewer).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(team_url(world["a"]), {"action": "resend", "user": world["users"]["editor_a"].pk})
    assert [m.to for m in mail.outbox] == [["editor-a@example.org"]]


def test_the_last_owner_is_told_why_they_cannot_step_down(signed_in, world):
    owner = world["users"]["owner_a"]
    page = (
        signed_in("owner_a")
        .post(team_url(world["a"]), {"action": "role", "user": owner.pk, "role": "viewer"}, follow=True)
        .content.decode()
    )
    assert "A series needs at least one owner" in page
    assert SeriesRole.objects.get(series=world["a"], user=owner).role == "owner"


def test_a_member_of_another_series_cannot_be_touched(signed_in, world):
    page = signed_in("owner_a").post(
        team_url(world["a"]), {"action": "remove", "user": world["users"]["editor_b"].pk, "confirmed": "1"}, follow=True
    )
    assert "not on the series" in page.content.decode()
    assert SeriesRole.objects.filter(series=world["b"], user=world["users"]["editor_b"]).exists()


@pytest.mark.parametrize("page", [team_url, activity_url])
@pytest.mark.parametrize(("who", "status"), [("owner_a", 200), ("editor_a", 403), ("viewer_a", 403), ("editor_b", 404), ("nobody", 403)])
def test_only_owners_see_the_team_and_the_activity(signed_in, world, page, who, status):
    client = signed_in(who)
    assert client.get(page(world["a"])).status_code == status
    before = SeriesRole.objects.count()
    assert (
        client.post(page(world["a"]), {"action": "invite", "email": "x@example.org", "role": "owner"}).status_code
        == (403 if status != 404 else 404)
        or who == "owner_a"
    )
    if who != "owner_a":
        assert SeriesRole.objects.count() == before


def test_activity_shows_every_action_with_filters_and_pages(signed_in, world, django_capture_on_commit_callbacks):
    client = signed_in("owner_a")
    webinar = world["webinar_a"]
    registration = RegistrationFactory(webinar=webinar, name="Динара Халикова")
    log_action("registration.created", obj=registration, data={"to_status": "confirmed"})
    log_action("export.registrations", actor=world["users"]["editor_a"], series=world["a"], data={"format": "csv", "count": 12})
    log_action("series.changed", actor=world["users"]["owner_a"], obj=world["a"])
    log_action("series.changed", actor=world["users"]["editor_b"], obj=world["b"])
    page = client.get(activity_url(world["a"])).content.decode()
    assert "Registrations exported (csv, rows: 12)" in page and "Динара Халикова" in page and "Series settings changed" in page
    page = client.get(activity_url(world["a"]), {"kind": "export."}).content.decode()
    assert "Registrations exported" in page and "Series settings changed" not in page
    page = client.get(activity_url(world["a"]), {"who": world["users"]["editor_a"].pk}).content.decode()
    assert "Registrations exported" in page and "Registered" not in page
    page = client.get(activity_url(world["a"]), {"who": "none", "webinar": webinar.pk}).content.decode()
    assert "Динара Халикова" in page and "Registrations exported" not in page
    for _ in range(55):
        log_action("series.changed", actor=world["users"]["owner_a"], obj=world["a"])
    first = client.get(activity_url(world["a"])).content.decode()
    assert "page=2" in first
    second = client.get(activity_url(world["a"]), {"page": 2}).content.decode()
    assert "Registrations exported" in second and "page=3" not in second
    assert LogEntry.objects.filter(series=world["b"]).count() == 1
    russian = client.get(activity_url(world["a"]) + "?lang=ru&kind=export.", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Регистрации выгружены" in russian


def test_activity_queries_do_not_grow_with_lines(signed_in, world, django_assert_max_num_queries):
    client = signed_in("owner_a")
    registration = RegistrationFactory(webinar=world["webinar_a"])
    log_action("registration.created", obj=registration)
    client.get(activity_url(world["a"]))
    with django_assert_max_num_queries(14) as few:
        assert client.get(activity_url(world["a"])).status_code == 200
    few_queries = len(few)
    for _ in range(40):
        other = RegistrationFactory(webinar=world["webinar_a"])
        log_action("registration.created", obj=other)
        log_action("export.registrations", actor=world["users"]["editor_a"], series=world["a"], data={"format": "csv", "count": 1})
    with django_assert_max_num_queries(few_queries):
        assert client.get(activity_url(world["a"])).status_code == 200
