"""The registrations section: the table (search, filters, order, pages), actions, exports, one registration."""

from __future__ import annotations

import pytest

from tests.factories import RegistrationFactory
from webinars.audit.models import LogEntry
from webinars.mail.models import OutgoingMessage
from webinars.registrations.models import Registration

pytestmark = pytest.mark.django_db


def url(webinar, suffix: str = "") -> str:
    return f"/organise/webinars/{webinar.pk}/registrations/{suffix}"


@pytest.fixture
def people(world):
    webinar = world["webinar_a"]
    return {
        "dinara": RegistrationFactory(
            webinar=webinar,
            name="Динара Халикова",
            email="dinara@example.org",
            country="KZ",
            city="Алматы",
            organisation="Central State Museum",
        ),
        "armen": RegistrationFactory(
            webinar=webinar, name="Արմեն Սարգսյան", email="armen@example.org", country="AM", language="ru", status="waitlisted"
        ),
        "nino": RegistrationFactory(
            webinar=webinar, name="ნინო ბერიძე", email="nino@example.org", country="GE", status="pending", institution_type="ngo"
        ),
    }


def test_the_table_lists_who_registered_with_their_status(signed_in, world, people):
    response = signed_in("editor_a").get(url(world["webinar_a"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Динара Халикова" in page and "dinara@example.org" in page and "ნინო ბერიძე" in page
    assert "3 registrations match." in page
    assert f'name="row_action" value="move:{people["armen"].pk}"' in page
    assert f'name="row_action" value="confirm:{people["nino"].pk}"' in page


@pytest.mark.parametrize(
    ("query", "found", "missing"),
    [
        ("khalikova", "Динара Халикова", "Արմեն"),  # Latin finds Cyrillic
        ("ХАЛИКОВА", "Динара Халикова", "Արմեն"),  # case-insensitive beyond ASCII, on SQLite too
        ("sargsyan", "Արմեն Սարգսյան", "Динара"),  # Latin finds Armenian
        ("almaty", "Динара Халикова", "ნინო"),  # the city, transliterated
        ("nino@example", "ნინო ბერიძე", "Динара"),
        ("central museum", "Динара Халикова", "ნინო"),  # every word, in any order
    ],
)
def test_search_across_scripts(signed_in, world, people, query, found, missing):
    page = signed_in("editor_a").get(url(world["webinar_a"]), {"q": query}).content.decode()
    assert found in page and missing not in page


def test_filters_and_order(signed_in, world, people):
    client = signed_in("editor_a")
    page = client.get(url(world["webinar_a"]), {"status": "waitlisted"}).content.decode()
    assert "Արմեն" in page and "Динара" not in page
    page = client.get(url(world["webinar_a"]), {"country": "GE"}).content.decode()
    assert "ნინო" in page and "Динара" not in page
    page = client.get(url(world["webinar_a"]), {"language": "ru"}).content.decode()
    assert "Արմեն" in page and "ნინო" not in page
    page = client.get(url(world["webinar_a"]), {"institution_type": "ngo"}).content.decode()
    assert "ნინო" in page and "Արմեն" not in page
    page = client.get(url(world["webinar_a"]), {"sort": "-name"}).content.decode()
    assert page.index("ნინო") < page.index("Արմեն") < page.index("Динара")  # code points: Georgian > Armenian > Cyrillic
    page = client.get(url(world["webinar_a"]), {"sort": "name"}).content.decode()
    assert page.index("Динара") < page.index("Արմեն") < page.index("ნინო")
    # Nonsense in the query string never breaks the page.
    assert client.get(url(world["webinar_a"]), {"status": "nope", "sort": "drop table", "page": "x"}).status_code == 200


def test_pages_of_fifty_and_a_link_to_the_next(signed_in, world):
    webinar = world["webinar_a"]
    for n in range(55):
        RegistrationFactory(webinar=webinar, name=f"Person {n:02d}")
    client = signed_in("editor_a")
    first = client.get(url(webinar), {"sort": "name"}).content.decode()
    assert "Person 49" in first and "Person 50" not in first and "Page 1 of 2" in first and "page=2" in first
    second = client.get(url(webinar), {"sort": "name", "page": 2}).content.decode()
    assert "Person 50" in second and "Person 54" in second and "Person 49" not in second
    assert "Person 54" in client.get(url(webinar), {"sort": "name", "page": 99}).content.decode()  # past the end: the last page


def test_a_row_action_confirms_through_the_service_and_logs_the_organiser(signed_in, world, people, django_capture_on_commit_callbacks):
    client = signed_in("editor_a")
    nino = people["nino"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(world["webinar_a"]), {"row_action": f"confirm:{nino.pk}", "next": url(world["webinar_a"]) + "?q=nino"})
    assert response.status_code == 302 and response["Location"] == url(world["webinar_a"]) + "?q=nino"
    nino.refresh_from_db()
    assert nino.status == Registration.Status.CONFIRMED
    entry = LogEntry.objects.get(action="registration.confirmed_by_organiser", object_id=nino.pk)
    assert entry.actor == world["users"]["editor_a"]
    assert OutgoingMessage.objects.filter(kind="confirmed", to_email="nino@example.org").exists()


def test_cancel_asks_for_confirmation_first(signed_in, world, people):
    client = signed_in("editor_a")
    dinara = people["dinara"]
    asked = client.post(url(world["webinar_a"]), {"row_action": f"cancel:{dinara.pk}"})
    page = asked.content.decode()
    assert asked.status_code == 200 and "Cancel this registration?" in page and "Динара Халикова" in page
    dinara.refresh_from_db()
    assert dinara.status == Registration.Status.CONFIRMED  # nothing happened yet
    done = client.post(url(world["webinar_a"]), {"action": "cancel", "ids": [dinara.pk], "confirmed": "1"})
    assert done.status_code == 302
    dinara.refresh_from_db()
    assert dinara.status == Registration.Status.CANCELLED
    assert LogEntry.objects.filter(action="registration.cancelled_by_organiser", actor=world["users"]["editor_a"]).count() == 1


def test_bulk_actions_act_on_the_ticked_rows_and_count_the_others(signed_in, world, people, django_capture_on_commit_callbacks):
    client = signed_in("editor_a")
    other_webinar = RegistrationFactory(webinar=world["webinar_b"], status="pending")
    ids = [people["armen"].pk, people["nino"].pk, people["dinara"].pk, other_webinar.pk]
    response = client.post(url(world["webinar_a"]), {"action": "confirm", "ids": ids}, follow=True)
    page = response.content.decode()
    assert "2 registrations confirmed." in page
    assert "2 registrations were left as they were" in page  # dinara (already confirmed) and B's registration
    other_webinar.refresh_from_db()
    assert other_webinar.status == "pending"  # another series' registration is never touched
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world["webinar_a"]), {"action": "resend", "ids": [people["dinara"].pk]})
    assert OutgoingMessage.objects.filter(kind="manage_link", to_email="dinara@example.org").count() == 1
    assert LogEntry.objects.filter(action="registration.link_resent", object_id=people["dinara"].pk).exists()


def test_an_action_without_ticked_rows_says_so(signed_in, world, people):
    page = signed_in("editor_a").post(url(world["webinar_a"]), {"action": "confirm"}, follow=True).content.decode()
    assert "Tick at least one registration first." in page


def test_export_of_the_filtered_list_is_logged(signed_in, world, people):
    response = signed_in("editor_a").get(url(world["webinar_a"], "export/"), {"format": "csv", "country": "KZ", "q": "dinara"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200 and "Динара Халикова" in body and "ნინო" not in body
    assert "country=KZ" in body.splitlines()[0] and "search=dinara" in body.splitlines()[0]
    entry = LogEntry.objects.get(action="export.registrations")
    assert entry.series_id == world["a"].pk and entry.data["count"] == 1 and entry.data["format"] == "csv"
    assert "dinara" not in str(entry.data)  # what was searched for is not kept in the log
    xlsx = signed_in("editor_a").get(url(world["webinar_a"], "export/"), {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert signed_in("editor_a").get(url(world["webinar_a"], "export/"), {"format": "pdf"}).status_code == 404


def test_registration_page_shows_details_answers_history_and_takes_corrections(signed_in, world, people):
    client = signed_in("editor_a")
    dinara = people["dinara"]
    page = client.get(url(world["webinar_a"], f"{dinara.pk}/")).content.decode()
    assert "Динара Халикова" in page and "Central State Museum" in page and "History" in page
    form = {"name": "Dinara Khalikova", "country": "KZ", "city": "Almaty", "organisation": "Central State Museum", "language": "en"}
    form["updated_at"] = dinara.updated_at.isoformat()
    response = client.post(url(world["webinar_a"], f"{dinara.pk}/"), form)
    assert response.status_code == 302
    dinara.refresh_from_db()
    assert dinara.name == "Dinara Khalikova" and dinara.city == "Almaty"
    entry = LogEntry.objects.get(action="registration.details_changed", object_id=dinara.pk)
    assert entry.data == {"fields": ["name", "city"]} and entry.actor == world["users"]["editor_a"]
    assert "Details corrected" in client.get(url(world["webinar_a"], f"{dinara.pk}/")).content.decode()


def test_a_stale_correction_is_refused_and_keeps_what_was_typed(signed_in, world, people):
    client = signed_in("editor_a")
    dinara = people["dinara"]
    stale = dinara.updated_at.isoformat()
    meanwhile = Registration.objects.get(pk=dinara.pk)
    meanwhile.city = "Astana"
    meanwhile.save()  # someone else corrected the city meanwhile
    form = {"name": "Dinara K.", "country": "KZ", "city": "Almaty", "language": "en", "updated_at": stale}
    response = client.post(url(world["webinar_a"], f"{dinara.pk}/?lang=ru"), form, HTTP_ACCEPT_LANGUAGE="ru")
    page = response.content.decode()
    assert response.status_code == 400 and 'value="Dinara K."' in page
    assert "Кто-то изменил эту регистрацию" in page
    dinara.refresh_from_db()
    assert dinara.name == "Динара Халикова" and dinara.city == "Astana"


def test_bad_input_gets_field_messages(signed_in, world, people):
    dinara = people["dinara"]
    form = {"name": "<script>", "country": "XX", "language": "en", "updated_at": dinara.updated_at.isoformat()}
    response = signed_in("editor_a").post(url(world["webinar_a"], f"{dinara.pk}/"), form)
    page = response.content.decode()
    assert response.status_code == 400 and "may not contain" in page and "Select a valid choice" in page


def test_a_registration_of_another_webinar_is_not_found_here(signed_in, world):
    elsewhere = RegistrationFactory(webinar=world["webinar_b"])
    assert signed_in("editor_a").get(url(world["webinar_a"], f"{elsewhere.pk}/")).status_code == 404


PAGES = ["", "export/?format=csv", "{registration}/"]


@pytest.mark.parametrize("suffix", PAGES)
@pytest.mark.parametrize(
    ("who", "get_status", "post_status"),
    [("owner_a", 200, None), ("editor_a", 200, None), ("viewer_a", 403, 403), ("editor_b", 404, 404), ("nobody", 403, 403)],
)
def test_who_may_open_and_change_registrations(signed_in, world, people, suffix, who, get_status, post_status):
    client = signed_in(who)
    path = url(world["webinar_a"], suffix.format(registration=people["dinara"].pk))
    assert client.get(path).status_code == get_status
    if post_status:
        assert (
            client.post(path, {"row_action": f"cancel:{people['dinara'].pk}", "action": "cancel", "confirmed": "1"}).status_code
            == post_status
        )
    people["dinara"].refresh_from_db()
    assert people["dinara"].status == "confirmed"


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    assert client.get(url(world["webinar_a"]))["Location"].startswith("/organise/login/")


def test_the_table_costs_the_same_queries_for_few_and_many(signed_in, world, django_assert_max_num_queries):
    webinar = world["webinar_a"]
    client = signed_in("editor_a")
    for _n in range(10):
        RegistrationFactory(webinar=webinar, country="KZ")
    client.get(url(webinar))
    with django_assert_max_num_queries(12) as few:
        assert client.get(url(webinar), {"q": "person", "sort": "name"}).status_code == 200
    for n in range(120):
        RegistrationFactory(webinar=webinar, country=["AM", "GE", "UZ"][n % 3], language=["ru", "en", "hy"][n % 3])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(webinar), {"q": "person", "sort": "name", "page": 2}).status_code == 200
