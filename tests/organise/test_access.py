"""Signing in to the workspace and who may open what (series roles alone decide)."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import RegistrationFactory
from webinars.mail.models import OutgoingMessage
from webinars.programme.models import SeriesRole
from webinars.team import services as team

pytestmark = pytest.mark.django_db
DASHBOARD = "/organise/"


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith("/organise/login/?next=/organise/")
    webinar = world["webinar_a"]
    assert client.get(f"/organise/webinars/{webinar.pk}/")["Location"].startswith("/organise/login/")


def test_sign_in_with_the_email_address_and_land_on_the_dashboard(client, world):
    response = client.post("/organise/login/", {"username": "viewer-a@example.org", "password": "pw"})
    assert response.status_code == 302 and response["Location"] == DASHBOARD
    page = client.get(DASHBOARD).content.decode()
    assert "Series A" in page and "Series B" not in page and "Alpha webinar" in page


def test_a_wrong_password_keeps_the_address_and_says_so_in_russian(client, world):
    response = client.post("/organise/login/?lang=ru", {"username": "viewer-a@example.org", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="ru")
    page = response.content.decode()
    assert response.status_code == 200 and 'value="viewer-a@example.org"' in page
    assert "Пожалуйста, введите правильные" in page  # Django's own message, in the user's language


def test_no_is_staff_is_needed_and_a_user_without_any_role_gets_403(signed_in, world):
    assert not world["users"]["viewer_a"].is_staff
    assert signed_in("viewer_a").get(DASHBOARD).status_code == 200
    assert signed_in("nobody").get(DASHBOARD).status_code == 403


def test_another_series_webinar_is_not_found_and_a_viewer_cannot_post(signed_in, world):
    page_a = f"/organise/webinars/{world['webinar_a'].pk}/"
    assert signed_in("editor_b").get(page_a).status_code == 404  # its existence is not revealed
    client = signed_in("viewer_a")
    assert client.get(page_a).status_code == 200
    assert client.post(page_a, {}).status_code == 403
    assert signed_in("superuser").get(page_a).status_code == 200


def test_overview_shows_counts_capacity_and_the_permanent_link(signed_in, world):
    webinar = world["webinar_a"]
    RegistrationFactory(webinar=webinar, status="confirmed")
    RegistrationFactory(webinar=webinar, status="waitlisted")
    page = signed_in("editor_a").get(f"/organise/webinars/{webinar.pk}/").content.decode()
    assert "1 of 2 seats" in page
    assert f"/w/{webinar.pk}/" in page


def test_dashboard_queries_do_not_grow_with_the_number_of_webinars(signed_in, world, django_assert_max_num_queries):
    from tests.factories import WebinarFactory

    client = signed_in("owner_a")
    client.get(DASHBOARD)  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get(DASHBOARD)
    for _ in range(20):
        RegistrationFactory(webinar=WebinarFactory(series=world["a"]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(DASHBOARD).status_code == 200


def test_invitation_creates_the_account_and_mails_a_link_to_choose_a_password(world, django_capture_on_commit_callbacks):
    owner = world["users"]["owner_a"]
    with django_capture_on_commit_callbacks(execute=True):
        user = team.organiser_invite(
            series=world["a"], email=" New.Editor@Example.org ", role=SeriesRole.Role.EDITOR, actor=owner, language="ru"
        )
    assert user.username == "new.editor@example.org" and not user.has_usable_password() and not user.is_staff
    assert OutgoingMessage.objects.filter(kind="organiser_invitation", to_email="new.editor@example.org").count() == 1
    [sent] = mail.outbox
    assert sent.subject == "Вас пригласили в организаторы: Серия А"  # in the language the owner invited in
    link = next(line for line in sent.body.splitlines() if "/organise/password/" in line)
    path = link.split("127.0.0.1:8000", 1)[-1].strip() if "://" in link else link.strip()
    from django.test import Client

    browser = Client()
    form_page = browser.get(path, follow=True)
    assert form_page.status_code == 200 and "new_password1" in form_page.content.decode()
    done = browser.post(
        form_page.redirect_chain[-1][0], {"new_password1": "a-long-Passphrase-2026", "new_password2": "a-long-Passphrase-2026"}
    )
    assert done.status_code == 302
    assert browser.post("/organise/login/", {"username": "new.editor@example.org", "password": "a-long-Passphrase-2026"}).status_code == 302


def test_the_last_owner_cannot_step_down(world):
    owner = world["users"]["owner_a"]
    from webinars.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        team.team_member_change_role(series=world["a"], user=owner, role=SeriesRole.Role.EDITOR, actor=owner)
    with pytest.raises(NotAllowed):
        team.team_member_remove(series=world["a"], user=owner, actor=owner)
    assert team.team_member_remove(series=world["a"], user=world["users"]["viewer_a"], actor=owner)


def test_add_organiser_makes_the_first_owner_and_prints_a_one_time_link(world, client):
    out = io.StringIO()
    call_command("add_organiser", "First.Owner@example.org", "--series", "series-b", "--role", "owner", stdout=out)
    text = out.getvalue()
    assert "Created first.owner@example.org: owner of the series series-b." in text
    link = text.strip().splitlines()[-1]
    assert "/organise/password/" in link
    assert client.get(link.split("8000", 1)[-1], follow=True).status_code == 200
    with pytest.raises(CommandError, match="No series with the slug 'nope'"):
        call_command("add_organiser", "x@example.org", "--series", "nope", "--role", "owner")


def test_add_organiser_reads_the_password_from_standard_input(world, client, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("correct-Horse-battery-9\n"))
    call_command(
        "add_organiser", "script@example.org", "--series", "series-a", "--role", "viewer", "--password-stdin", stdout=io.StringIO()
    )
    assert (
        client.post(reverse("organise:login"), {"username": "script@example.org", "password": "correct-Horse-battery-9"}).status_code == 302
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError, match="password"):
        call_command("add_organiser", "weak@example.org", "--series", "series-a", "--role", "viewer", "--password-stdin")
