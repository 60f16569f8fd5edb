"""Every field tried with hostile or broken input: a 400 naming the field, nothing stored."""

import json

import pytest

from tests.registrations.conftest import form_post
from webinars.registrations.models import Registration

pytestmark = pytest.mark.django_db

TEXT_FIELDS = ["name", "city", "organisation", "position"]
BAD_TEXT = {
    "over-long": "x" * 10_000,
    "control characters": "Anna\x00\x07 Smith",
    "RTL override": "Anna \u202eevil\u202c",
    "HTML": "<b>Anna</b>",
    "script": "<script>alert(1)</script>",
}


def register_url(webinar) -> str:
    return f"/series/{webinar.series.slug}/{webinar.slug}/register/"


def api(client, webinar, **overrides):
    payload = {
        "name": "Anna",
        "email": "anna@example.org",
        "country": "GE",
        "organisation": "Museum",
        "institution_type": "state",
        "consent_privacy": True,
    }
    payload.update(overrides)
    return client.post(f"/api/v1/webinars/{webinar.pk}/registrations", json.dumps(payload), content_type="application/json")


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize("case", list(BAD_TEXT))
def test_bad_text_is_rejected_by_form_and_api(client, webinar, field, case):
    value = BAD_TEXT[case]
    response = client.post(register_url(webinar), form_post(**{field: value}))
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    api_response = api(client, webinar, **{field: value})
    assert api_response.status_code == 400
    assert field in api_response.json()["errors"]
    assert not Registration.objects.exists()


@pytest.mark.parametrize("field", ["name", "organisation"])
def test_required_fields_empty(client, webinar, field):
    assert client.post(register_url(webinar), form_post(**{field: "  "})).status_code == 400
    assert field in api(client, webinar, **{field: ""}).json()["errors"]
    assert not Registration.objects.exists()


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b", "x" * 250 + "@example.org", "<script>@example.org", "anna@exam ple.org"])
def test_invalid_emails(client, webinar, email):
    assert api(client, webinar, email=email).status_code == 400
    assert client.post(register_url(webinar), form_post(email=email)).status_code == 400
    assert not Registration.objects.exists()


@pytest.mark.parametrize("country", ["", "XX", "Georgia", "ge1", "<b>"])
def test_invalid_countries(client, webinar, country):
    response = api(client, webinar, country=country)
    assert response.status_code == 400 and "country" in response.json()["errors"]
    assert not Registration.objects.exists()


@pytest.mark.parametrize("field,value", [("institution_type", "palace"), ("gender", "x"), ("language", "fr"), ("consent_privacy", False)])
def test_invalid_choices(client, webinar, field, value):
    response = api(client, webinar, **{field: value})
    assert response.status_code == 400 and field in response.json()["errors"]


def test_names_in_every_script_of_the_region_are_accepted(client, open_webinar):
    names = ["Dinara Khalikova", "Динара Халикова", "Նարե Հակոբյան", "ნინო ბერიძე", "Aýgül Öwezowa", "Қанат Әбілқасымов", "Nigora Oʻrinova"]
    for i, name in enumerate(names):
        assert api(client, open_webinar, name=name, email=f"p{i}@example.org").status_code == 202
    assert sorted(Registration.objects.values_list("name", flat=True)) == sorted(names)
