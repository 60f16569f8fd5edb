"""The organisers' feedback pages in the back office: figures, anonymity, scope."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from tests.factories import RegistrationFactory, SeriesFactory, SeriesRoleFactory, UserFactory
from webinars.programme.models import SeriesRole

from .conftest import answer, ended_webinar, invite

pytestmark = pytest.mark.django_db

RESPONSES = "/admin/feedback/feedbackresponse/"
BY_WEBINAR = "/admin/feedback/webinarfeedback/"


def summary_url(webinar) -> str:
    return f"{BY_WEBINAR}{webinar.pk}/summary/"


@pytest.fixture
def two_webinars():
    """Series A's webinar with three invitations and two answers; series B's with one answer."""
    webinar_a = ended_webinar(ago=dt.timedelta(days=1), series=SeriesFactory(slug="series-a"), title={"en": "Alpha webinar"})
    webinar_b = ended_webinar(ago=dt.timedelta(days=1), series=SeriesFactory(slug="series-b"), title={"en": "Beta webinar"})
    a = [invite(RegistrationFactory(webinar=webinar_a, email=f"a{n}@example.org", name=f"Person A{n}")) for n in range(3)]
    answer(a[0], 5, 4, improve="Alpha improve <b>bold</b>", comments="Alpha comment")
    answer(a[1], 3, 2, topics_next="Alpha topic")
    answer(invite(RegistrationFactory(webinar=webinar_b, email="b0@example.org", name="Person B0")), 1, 1, comments="Beta secret comment")
    return webinar_a, webinar_b


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(UserFactory(superuser=True, username="root", email="root@example.org"))
    return client


@pytest.fixture
def organiser_a(django_user_model, two_webinars):
    user = UserFactory(username="organiser-a", email="org-a@example.org", is_staff=True)
    SeriesRoleFactory(series=two_webinars[0].series, user=user, role=SeriesRole.Role.OWNER)
    return user


@pytest.fixture
def organiser_client(client, organiser_a):
    client.force_login(organiser_a)
    return client


def figure(soup, css_class: str) -> str:
    return soup.find(class_=css_class).get_text(strip=True)


def test_summary_page_shows_the_figures_and_texts_without_names(superuser_client, two_webinars):
    webinar_a, _b = two_webinars
    response = superuser_client.get(summary_url(webinar_a))
    assert response.status_code == 200
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert figure(soup, "mw-invitations") == "3"
    assert figure(soup, "mw-responses") == "2"
    assert figure(soup, "mw-rate") == "66.7 %"
    assert figure(soup, "mw-average-rating") == "4.00"
    assert figure(soup, "mw-average-usefulness") == "3.00"
    rating_table = soup.find_all("table", class_="mw-distribution")[0]
    counts = {row.th.get_text(strip=True): row.find_all("td")[0].get_text() for row in rating_table.tbody.find_all("tr")}
    assert counts == {"5 – excellent": "1", "4 – very good": "0", "3 – good": "1", "2 – fair": "0", "1 – poor": "0"}
    for text in ("Alpha comment", "Alpha topic"):
        assert text in html
    assert "Alpha improve &lt;b&gt;bold&lt;/b&gt;" in html  # escaped, never markup
    assert "Beta secret comment" not in html
    for private in ("Person A0", "Person A1", "a0@example.org", "a1@example.org"):
        assert private not in html


def test_organiser_sees_their_series_only(organiser_client, two_webinars):
    webinar_a, webinar_b = two_webinars
    assert organiser_client.get(summary_url(webinar_a)).status_code == 200
    assert organiser_client.get(summary_url(webinar_b)).status_code == 404
    assert organiser_client.get(summary_url(webinar_b).replace(str(webinar_b.pk), "999999")).status_code == 404

    listing = organiser_client.get(BY_WEBINAR).content.decode()
    assert "Alpha webinar" in listing and "Beta webinar" not in listing
    assert f'href="{summary_url(webinar_a)}"' in listing

    responses = organiser_client.get(RESPONSES)
    assert responses.status_code == 200
    page = responses.content.decode()
    assert "Alpha webinar" in page and "Beta webinar" not in page
    assert "Person A0" not in page and "a0@example.org" not in page

    other = webinar_b.feedback_responses.get()
    assert organiser_client.get(f"{RESPONSES}{other.pk}/change/").status_code in (302, 403, 404)
    mine = webinar_a.feedback_responses.first()
    assert organiser_client.get(f"{RESPONSES}{mine.pk}/change/").status_code == 200


def test_staff_without_a_role_get_nothing_and_a_viewer_sees_the_anonymous_answers(client, django_user_model, two_webinars):
    # Changed with the rules (issue 14): "view feedback response" is not ticked any more; any
    # role on the series shows its anonymous answers, no role shows nothing.
    user = UserFactory(username="no-role", email="np@example.org", is_staff=True)
    client.force_login(user)
    assert client.get(summary_url(two_webinars[0])).status_code == 403
    assert client.get(BY_WEBINAR).status_code == 403
    assert client.get(RESPONSES).status_code == 403
    viewer = django_user_model.objects.create_user("viewer", "v@example.org", "pw", is_staff=True)
    SeriesRole.objects.create(series=two_webinars[0].series, user=viewer, role=SeriesRole.Role.VIEWER)
    client.force_login(viewer)
    assert client.get(summary_url(two_webinars[0])).status_code == 200
    assert client.get(summary_url(two_webinars[1])).status_code == 404
    assert client.get(BY_WEBINAR).status_code == 200


def test_nothing_can_be_added_changed_or_deleted(superuser_client, two_webinars):
    response = two_webinars[0].feedback_responses.first()
    assert superuser_client.get(f"{RESPONSES}add/").status_code == 403
    assert superuser_client.post(f"{RESPONSES}{response.pk}/delete/", {"post": "yes"}).status_code == 403
    page = superuser_client.get(f"{RESPONSES}{response.pk}/change/").content.decode()
    assert 'name="_save"' not in page
    assert superuser_client.get(f"{BY_WEBINAR}{two_webinars[0].pk}/change/").status_code == 404


def test_responses_list_links_to_the_summary(superuser_client, two_webinars):
    page = superuser_client.get(f"{RESPONSES}?webinar__id__exact={two_webinars[0].pk}").content.decode()
    rows = BeautifulSoup(page, "html.parser").find(id="result_list").tbody.find_all("tr")
    assert len(rows) == 2
    assert all(row.find("a", href=summary_url(two_webinars[0])) for row in rows)
