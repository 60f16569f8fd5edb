"""Edges an attacker tries: reports without a role, "view on site" of another series' draft,
full-width formula characters in exports."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from tests.factories import SeriesRoleFactory, UserFactory, WebinarFactory
from webinars.programme.models import SeriesRole, Webinar
from webinars.registrations.exports import csv_cell

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/reports/", "/reports/?date_from=2024-01-01&date_to=bad", "/reports/series/1/", "/reports/webinar/1/"])
def test_reports_never_fail_for_a_user_without_any_role(client, url):
    client.force_login(UserFactory())
    assert client.get(url).status_code in (302, 403, 404)


def test_view_on_site_does_not_reveal_a_draft_of_another_series(client):
    mine = SeriesRoleFactory(role=SeriesRole.Role.OWNER)
    draft = WebinarFactory(status=Webinar.Status.DRAFT, slug="secret-draft-address")
    own_draft = WebinarFactory(series=mine.series, status=Webinar.Status.DRAFT)
    mine.user.is_staff = True
    mine.user.save()
    client.force_login(mine.user)
    content_type = ContentType.objects.get_for_model(Webinar).pk
    answer = client.get(f"/admin/r/{content_type}/{draft.pk}/")
    assert answer.status_code == 404 and "secret-draft-address" not in answer.get("Location", "")
    assert client.get(f"/admin/r/{content_type}/{own_draft.pk}/").status_code == 302
    assert client.get(f"/admin/r/{content_type}/not-a-number/").status_code == 404


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "＝HYPERLINK()", "＋1", "－1", "＠A1", "\tx"])
def test_csv_cells_that_a_spreadsheet_would_run_are_defused(value):
    assert csv_cell(value).startswith("'")


def test_plain_text_stays_as_is():
    assert csv_cell("Динара") == "Динара" and csv_cell(3) == "3"


def test_at_most_n_emails_per_address_per_hour_whatever_the_client(client, settings, mailoutbox):
    import json

    settings.REGISTRATION_MAILS_PER_ADDRESS_PER_HOUR = 3
    webinars = [WebinarFactory(capacity=None) for _ in range(6)]
    payload = {
        "name": "Victim",
        "email": "victim@example.org",
        "country": "AM",
        "organisation": "M",
        "institution_type": "state",
        "consent_privacy": True,
    }
    for n, webinar in enumerate(webinars):
        answer = client.post(
            f"/api/v1/webinars/{webinar.pk}/registrations",
            json.dumps(payload),
            content_type="application/json",
            REMOTE_ADDR=f"203.0.113.{n}",
        )
        assert answer.status_code == 202
    from webinars.mail.models import OutgoingMessage

    assert OutgoingMessage.objects.filter(to_email="victim@example.org").count() == 3
