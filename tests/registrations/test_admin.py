"""The organisers' side of registrations in the back office: lists, actions, exports, messages, scope."""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import (
    RegistrationFactory,
    RegistrationQuestionFactory,
    SeriesFactory,
    SeriesRoleFactory,
    UserFactory,
    WebinarFactory,
)
from tests.forms import form_data
from webinars.audit.selectors import log_entries_for
from webinars.audit.services import log_action
from webinars.mail.models import OutgoingMessage
from webinars.programme.models import SeriesRole
from webinars.registrations import selectors
from webinars.registrations.models import Registration, RegistrationQuestion

pytestmark = pytest.mark.django_db

S = Registration.Status
REGISTRATIONS = "/admin/registrations/registration/"
XSS = "<script>alert(1)</script>"
NAMES = {
    "ru": "Динара Халикова",
    "hy": "Անահիտ Սարգսյան",
    "ka": "ნინო ბერიძე",
}


class AdminRegistrationFactory(RegistrationFactory):
    """Registrations of the back-office tests come with a country and an institution type (for the filters and exports)."""

    country = "KZ"
    institution_type = "state"


@pytest.fixture
def two_series():
    series_a = SeriesFactory(slug="series-a", title={"en": "Series A"})
    series_b = SeriesFactory(slug="series-b", title={"en": "Series B"})
    webinar_a = WebinarFactory(series=series_a, slug="alpha", title={"en": "Alpha webinar"}, capacity=10)
    webinar_b = WebinarFactory(series=series_b, slug="beta", title={"en": "Beta webinar"}, capacity=10)
    return series_a, series_b, webinar_a, webinar_b


@pytest.fixture
def people(two_series):
    """Registrations in both series, in several scripts and states."""
    _a, _b, webinar_a, webinar_b = two_series
    return {
        "dinara": AdminRegistrationFactory(
            webinar=webinar_a, name=NAMES["ru"], email="dinara@example.org", city="Алматы", organisation="Central State Museum"
        ),
        "anahit": AdminRegistrationFactory(
            webinar=webinar_a, name=NAMES["hy"], email="anahit@example.org", country="AM", organisation="History Museum of Armenia"
        ),
        "nino": AdminRegistrationFactory(webinar=webinar_a, name=NAMES["ka"], email="nino@example.org", country="GE", city="Tbilisi"),
        "pending": AdminRegistrationFactory(webinar=webinar_a, name="Pending Person", email="pending@example.org", status=S.PENDING),
        "waiting": AdminRegistrationFactory(webinar=webinar_a, name="Waiting Person", email="waiting@example.org", status=S.WAITLISTED),
        "bob": AdminRegistrationFactory(webinar=webinar_b, name="Bob of Series B", email="bob@example.org"),
    }


@pytest.fixture
def superuser(django_user_model):
    return UserFactory(superuser=True, username="root", email="root@example.org")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def staff_a(django_user_model, two_series):
    """Staff with the owner role on series A (no Django model permission: the rules suffice)."""
    user = UserFactory(username="organiser-a", email="a@example.org", is_staff=True)
    SeriesRoleFactory(series=two_series[0], user=user, role=SeriesRole.Role.OWNER)
    return user


@pytest.fixture
def staff_client(client, staff_a):
    client.force_login(staff_a)
    return client


def post_action(client, action: str, registrations, query: str = "", **extra):
    data = {"action": action, "_selected_action": [r.pk for r in registrations], **extra}
    return client.post(REGISTRATIONS + query, data)


def read_csv(response) -> tuple[bytes, list[list[str]]]:
    raw = b"".join(response.streaming_content)
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def read_xlsx(response) -> list[list[str]]:
    raw = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(raw), read_only=True).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def header() -> list[str]:
    return [label for _key, label in selectors.EXPORT_COLUMNS]


def names_in(rows: list[list[str]]) -> set[str]:
    index = [key for key, _label in selectors.EXPORT_COLUMNS].index("name")
    start = rows.index(header()) + 1
    return {row[index] for row in rows[start:]}


# --- the list ---------------------------------------------------------------------------------


def test_changelist_renders_with_filters_and_export_links(admin_client, people):
    response = admin_client.get(REGISTRATIONS)
    assert response.status_code == 200
    html = response.content.decode()
    for name in [*NAMES.values(), "Bob of Series B"]:
        assert name in html
    filters = BeautifulSoup(html, "html.parser").find(id="changelist-filter").get_text()
    for title in ("status", "series", "webinar", "country", "institution type", "gender", "preferred language"):
        assert title in filters
    assert "Export CSV of this list" in html and "Export XLSX of this list" in html
    assert "Message to all confirmed registrants" not in html  # only when filtered to one webinar

    response = admin_client.get(REGISTRATIONS, {"status__exact": "waitlisted"})
    html = response.content.decode()
    assert "Waiting Person" in html and NAMES["ru"] not in html
    assert "/admin/registrations/registration/export/csv/?status__exact=waitlisted" in html


def test_changelist_filtered_to_one_webinar_links_message_and_recording(admin_client, two_series, people):
    webinar_a = two_series[2]
    webinar_a.recording_url = "https://video.example.org/alpha"
    webinar_a.save()
    html = admin_client.get(REGISTRATIONS, {"webinar__id__exact": webinar_a.pk}).content.decode()
    assert f"/admin/registrations/registration/message/{webinar_a.pk}/" in html
    assert f"/admin/registrations/registration/recording/{webinar_a.pk}/" in html
    assert "Bob of Series B" not in html


def test_every_page_renders_with_date_hierarchy_and_sorting(admin_client, people):
    today = timezone.now()
    assert admin_client.get(REGISTRATIONS, {"created_at__year": today.year, "o": "-7"}).status_code == 200
    assert admin_client.get(f"{REGISTRATIONS}{people['dinara'].pk}/change/").status_code == 200
    assert admin_client.get("/admin/mail/outgoingmessage/").status_code == 200
    assert admin_client.get("/admin/registrations/registrationquestion/").status_code == 200
    assert admin_client.get("/admin/registrations/registrationquestion/add/").status_code == 200


@pytest.mark.parametrize(
    ("term", "found", "not_found"),
    [
        ("Халикова", NAMES["ru"], NAMES["hy"]),
        ("anahit@example", NAMES["hy"], NAMES["ru"]),
        ("State Museum", NAMES["ru"], NAMES["ka"]),
        ("Tbilisi", NAMES["ka"], NAMES["ru"]),
    ],
)
def test_search_by_name_email_organisation_city(admin_client, people, term, found, not_found):
    html = admin_client.get(REGISTRATIONS, {"q": term}).content.decode()
    assert found in html and not_found not in html


def test_nobody_adds_or_deletes_registrations_here(admin_client, people):
    assert admin_client.get(REGISTRATIONS + "add/").status_code == 403
    assert admin_client.get(f"{REGISTRATIONS}{people['dinara'].pk}/delete/").status_code == 403
    html = admin_client.get(REGISTRATIONS).content.decode()
    assert 'value="delete_selected"' not in html
    for action in ("confirm_registrations", "cancel_registrations", "move_from_waiting_list", "export_csv", "export_xlsx"):
        assert f'value="{action}"' in html


# --- the change page ------------------------------------------------------------------------


def test_change_page_shows_answers_readably_and_the_read_only_history(admin_client, two_series):
    webinar_a = two_series[2]
    question = RegistrationQuestionFactory(series=webinar_a.series, label={"en": "Do you work with collections?"}, kind="yes_no")
    registration = AdminRegistrationFactory(
        webinar=webinar_a, name="Asel", email="asel@example.org", answers={str(question.pk): "yes", "999": "Old answer"}
    )
    log_action("registration.created", obj=registration, data={"from_status": "", "to_status": S.CONFIRMED})
    response = admin_client.get(f"{REGISTRATIONS}{registration.pk}/change/")
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    answers = page.find("dl", class_="mw-answers").get_text(" ", strip=True)
    assert "Do you work with collections? Yes" in answers
    assert "Old answer" in answers and "no longer asked" in answers
    history = page.find(id="audit-logentry-content_type-object_id-group")
    assert history is not None and "Registered" in history.get_text() and "confirmed" in history.get_text()
    assert history.find("input", attrs={"type": lambda t: t != "hidden"}) is None  # read-only: no editable field
    # Status and e-mail are not form fields: statuses change only through the actions.
    form = page.find("form", id="registration_form")
    assert form.find(attrs={"name": "status"}) is None and form.find(attrs={"name": "email"}) is None
    assert form.find(attrs={"name": "name"}) is not None


def test_organiser_corrects_details_and_it_is_logged_with_actor(admin_client, superuser, people):
    registration = people["dinara"]
    url = f"{REGISTRATIONS}{registration.pk}/change/"
    data = form_data(admin_client.get(url).content.decode(), "registration_form")
    data["organisation"] = "State Museum of Arts"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    registration.refresh_from_db()
    assert registration.organisation == "State Museum of Arts" and registration.status == S.CONFIRMED
    [event] = log_entries_for(registration).filter(action="registration.details_changed")
    assert event.actor == superuser and event.data == {"fields": ["organisation"]}


def test_details_follow_the_registration_form_rules(admin_client, people):
    url = f"{REGISTRATIONS}{people['dinara'].pk}/change/"
    data = form_data(admin_client.get(url).content.decode(), "registration_form")
    data["name"] = "Evil <b>name</b>"
    response = admin_client.post(url, data)
    assert response.status_code == 200  # form shown again with the error
    assert "may not contain" in response.content.decode()


def test_erased_registration_is_read_only(admin_client, people):
    registration = people["nino"]
    Registration.objects.filter(pk=registration.pk).update(erased_at=timezone.now(), name="")
    html = admin_client.get(f"{REGISTRATIONS}{registration.pk}/change/").content.decode()
    form = BeautifulSoup(html, "html.parser").find("form", id="registration_form")
    assert form.find(attrs={"name": "name"}) is None


# --- actions ------------------------------------------------------------------------------------


def test_confirm_action_confirms_pending_and_waitlisted_through_the_service(admin_client, superuser, people):
    Registration.objects.filter(pk=people["waiting"].pk).update(email_verified_at=timezone.now())  # a verified address
    selected = [people["pending"], people["waiting"], people["dinara"]]
    response = post_action(admin_client, "confirm_registrations", selected)
    assert response.status_code == 302
    for key in ("pending", "waiting"):
        people[key].refresh_from_db()
        assert people[key].status == S.CONFIRMED
        [event] = log_entries_for(people[key])
        assert (event.action, event.actor, event.data["to_status"]) == ("registration.confirmed_by_organiser", superuser, S.CONFIRMED)
    assert OutgoingMessage.objects.about(people["pending"]).filter(kind="confirmed").count() == 1
    assert OutgoingMessage.objects.about(people["waiting"]).filter(kind="promoted").count() == 1
    assert not log_entries_for(people["dinara"]).exists()  # already confirmed


def test_move_from_waiting_list_moves_only_waitlisted(staff_client, staff_a, people):
    response = post_action(staff_client, "move_from_waiting_list", [people["waiting"], people["pending"]])
    assert response.status_code == 302
    people["waiting"].refresh_from_db()
    people["pending"].refresh_from_db()
    # The address was never verified: off the waiting list, the seat is held until they confirm it.
    assert people["waiting"].status == S.PENDING and people["waiting"].expires_at is not None
    assert people["pending"].status == S.PENDING
    [event] = log_entries_for(people["waiting"])
    assert event.actor == staff_a and event.data["from_status"] == S.WAITLISTED and event.data["to_status"] == S.PENDING
    assert OutgoingMessage.objects.about(people["waiting"]).filter(kind="promoted").count() == 1


def test_cancel_action_asks_first_then_cancels_tells_and_promotes(admin_client, superuser, two_series, people):
    webinar_a = two_series[2]
    webinar_a.capacity = 4  # dinara, anahit, nino, pending hold the seats; "waiting" waits
    webinar_a.save()
    query = f"?webinar__id__exact={webinar_a.pk}"
    response = post_action(admin_client, "cancel_registrations", [people["dinara"]], query)
    assert response.status_code == 200
    assert "Yes, cancel and tell them" in response.content.decode()
    people["dinara"].refresh_from_db()
    assert people["dinara"].status == S.CONFIRMED  # nothing happened yet

    response = post_action(admin_client, "cancel_registrations", [people["dinara"]], query, post="yes")
    assert response.status_code == 302 and response["Location"].endswith(query)
    people["dinara"].refresh_from_db()
    assert people["dinara"].status == S.CANCELLED
    [event] = log_entries_for(people["dinara"])
    assert (event.action, event.actor) == ("registration.cancelled_by_organiser", superuser)
    assert OutgoingMessage.objects.about(people["dinara"]).filter(kind="cancelled_by_organiser").count() == 1
    people["waiting"].refresh_from_db()
    assert people["waiting"].status in (S.CONFIRMED, S.PENDING)  # the freed seat went to the waiting list


# --- exports ---------------------------------------------------------------------------------------


def test_csv_export_of_the_filtered_list(admin_client, two_series, people):
    series_a = two_series[0]
    response = admin_client.get(REGISTRATIONS + "export/csv/", {"status__exact": "confirmed", "webinar__series__id__exact": series_a.pk})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"] and ".csv" in response["Content-Disposition"]
    raw, rows = read_csv(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert rows[0] == ["Filters: status=confirmed; series=Series A"]
    assert rows[1] == header()
    assert len(rows) == 2 + 3  # dinara, anahit, nino
    assert names_in(rows) == set(NAMES.values())
    email = header().index("E-mail")
    assert {row[email] for row in rows[2:]} == {"dinara@example.org", "anahit@example.org", "nino@example.org"}


def test_csv_export_without_filters_says_so_and_has_everything(admin_client, people):
    _raw, rows = read_csv(admin_client.get(REGISTRATIONS + "export/csv/"))
    assert rows[0] == ["Filters: none"]
    assert len(rows) == 2 + len(people)


def test_csv_export_names_search_and_date(admin_client, people):
    year = timezone.now().year
    _raw, rows = read_csv(admin_client.get(REGISTRATIONS + "export/csv/", {"q": "Museum", "created_at__year": year}))
    assert rows[0] == [f"Filters: registered at={year}; search=Museum"]
    assert names_in(rows) == {NAMES["ru"], NAMES["hy"]}


def test_export_action_exports_the_selected_rows_and_names_the_selection(admin_client, people):
    response = post_action(admin_client, "export_csv", [people["anahit"], people["nino"]], "?status__exact=confirmed")
    _raw, rows = read_csv(response)
    assert rows[0] == ["Filters: status=confirmed"]
    assert rows[1] == ["Selection: 2 registrations chosen in the list"]
    assert rows[2] == header()
    assert names_in(rows) == {NAMES["hy"], NAMES["ka"]}


def test_export_action_across_the_whole_list(admin_client, people):
    response = post_action(admin_client, "export_csv", [people["anahit"]], "?status__exact=confirmed", select_across="1")
    _raw, rows = read_csv(response)
    assert rows[1] == header()
    assert names_in(rows) == {*NAMES.values(), "Bob of Series B"}


def test_xlsx_export_has_the_same_rows_as_csv(admin_client, two_series, people):
    params = {"webinar__id__exact": two_series[2].pk}
    _raw, csv_rows = read_csv(admin_client.get(REGISTRATIONS + "export/csv/", params))
    response = admin_client.get(REGISTRATIONS + "export/xlsx/", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    xlsx_rows = read_xlsx(response)
    assert xlsx_rows[0][0] == "Filters: webinar=Alpha webinar"
    assert [row[: len(csv_row)] for row, csv_row in zip(xlsx_rows, csv_rows, strict=True)] == csv_rows
    assert names_in(xlsx_rows) >= set(NAMES.values())


def test_xlsx_export_action(admin_client, people):
    rows = read_xlsx(post_action(admin_client, "export_xlsx", [people["dinara"]]))
    assert rows[2] == header() and names_in(rows) == {NAMES["ru"]}


def test_exports_never_turn_registrant_text_into_formulas(admin_client, two_series):
    AdminRegistrationFactory(
        webinar=two_series[2],
        name='=HYPERLINK("http://evil.example","x")',
        email="formula@example.org",
        city="+7 city",
        organisation="@org",
    )
    _raw, rows = read_csv(admin_client.get(REGISTRATIONS + "export/csv/"))
    row = rows[2]
    assert row[header().index("Name")] == '\'=HYPERLINK("http://evil.example","x")'
    assert row[header().index("City")] == "'+7 city" and row[header().index("Organisation")] == "'@org"
    raw = b"".join(admin_client.get(REGISTRATIONS + "export/xlsx/").streaming_content)
    sheet = load_workbook(io.BytesIO(raw)).active
    cell = sheet.cell(row=3, column=header().index("Name") + 1)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_export_with_a_bad_filter_goes_back_to_the_list(admin_client, people):
    response = admin_client.get(REGISTRATIONS + "export/csv/", {"nonsense__field": "1"})
    assert response.status_code == 302 and "e=1" in response["Location"]
    assert admin_client.get(REGISTRATIONS + "export/pdf/").status_code == 404


# --- messages to registrants ------------------------------------------------------------------------


def test_message_view_queues_one_message_per_confirmed_registrant(admin_client, superuser, two_series, people):
    webinar_a = two_series[2]
    url = f"{REGISTRATIONS}message/{webinar_a.pk}/"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "3 registrants who are confirmed now" in response.content.decode()
    response = admin_client.post(url, {"subject": "Slides for tomorrow", "body": "Dear colleagues,\nthe slides are attached."})
    assert response.status_code == 302 and f"webinar__id__exact={webinar_a.pk}" in response["Location"]
    sent = OutgoingMessage.objects.filter(kind="organiser_message")
    assert sorted(sent.values_list("to_email", flat=True)) == ["anahit@example.org", "dinara@example.org", "nino@example.org"]
    assert all(m.context == {"subject": "Slides for tomorrow", "body": "Dear colleagues,\nthe slides are attached."} for m in sent)


def test_message_view_needs_subject_and_body(admin_client, two_series, people):
    response = admin_client.post(f"{REGISTRATIONS}message/{two_series[2].pk}/", {"subject": "", "body": ""})
    assert response.status_code == 200
    assert not OutgoingMessage.objects.filter(kind="organiser_message").exists()


def test_recording_view_announces_once(admin_client, two_series, people):
    webinar_a = two_series[2]
    url = f"{REGISTRATIONS}recording/{webinar_a.pk}/"
    assert "no recording address yet" in admin_client.get(url).content.decode()
    admin_client.post(url)
    assert not OutgoingMessage.objects.filter(kind="recording").exists()
    webinar_a.recording_url = "https://video.example.org/alpha"
    webinar_a.save()
    assert "https://video.example.org/alpha" in admin_client.get(url).content.decode()
    assert admin_client.post(url).status_code == 302
    admin_client.post(url)
    assert OutgoingMessage.objects.filter(kind="recording").count() == 3


# --- scope: a series' staff sees only its own series ------------------------------------------------


def test_staff_sees_only_registrations_of_their_series(staff_client, two_series, people):
    response = staff_client.get(REGISTRATIONS)
    assert response.status_code == 200
    html = response.content.decode()
    assert NAMES["ru"] in html and "Bob of Series B" not in html
    filters = BeautifulSoup(html, "html.parser").find(id="changelist-filter").get_text()
    assert "Series B" not in filters and "Beta webinar" not in filters
    assert staff_client.get(f"{REGISTRATIONS}{people['bob'].pk}/change/").status_code == 302  # "does not exist"
    assert staff_client.get(f"{REGISTRATIONS}{people['dinara'].pk}/change/").status_code == 200


def test_filter_by_a_webinar_without_registrations_shows_nobody(staff_client, two_series, people):
    """Django drops a filter with a single choice together with its condition; ours stay applied."""
    empty = WebinarFactory(series=two_series[0], slug="gamma", title={"en": "Gamma webinar"})
    html = staff_client.get(REGISTRATIONS, {"webinar__id__exact": empty.pk}).content.decode()
    assert NAMES["ru"] not in html
    assert f"/admin/registrations/registration/message/{empty.pk}/" in html
    _raw, rows = read_csv(staff_client.get(REGISTRATIONS + "export/csv/", {"webinar__id__exact": empty.pk}))
    assert names_in(rows) == set() and rows[0] == ["Filters: webinar=Gamma webinar"]
    # Another series' webinar is not named.
    _raw, rows = read_csv(staff_client.get(REGISTRATIONS + "export/csv/", {"webinar__id__exact": two_series[3].pk}))
    assert names_in(rows) == set() and "Beta" not in rows[0][0]


def test_staff_cannot_export_another_series(staff_client, two_series, people):
    series_b = two_series[1]
    _raw, rows = read_csv(staff_client.get(REGISTRATIONS + "export/csv/"))
    assert "Bob of Series B" not in names_in(rows) and NAMES["ru"] in names_in(rows)
    _raw, rows = read_csv(staff_client.get(REGISTRATIONS + "export/csv/", {"webinar__series__id__exact": series_b.pk}))
    assert names_in(rows) == set()
    rows = read_xlsx(staff_client.get(REGISTRATIONS + "export/xlsx/", {"webinar__id__exact": two_series[3].pk}))
    assert names_in(rows) == set()
    response = post_action(staff_client, "export_csv", [people["bob"]])
    if response.streaming:
        assert "Bob of Series B" not in names_in(read_csv(response)[1])
    else:
        assert b"Bob of Series B" not in response.content


def test_staff_cannot_change_status_in_another_series(staff_client, people):
    post_action(staff_client, "cancel_registrations", [people["bob"]], post="yes")
    people["bob"].refresh_from_db()
    assert people["bob"].status == S.CONFIRMED


def test_staff_cannot_message_another_series(staff_client, two_series, people):
    webinar_a, webinar_b = two_series[2], two_series[3]
    webinar_b.recording_url = "https://video.example.org/beta"
    webinar_b.save()
    assert staff_client.get(f"{REGISTRATIONS}message/{webinar_b.pk}/").status_code == 404
    assert staff_client.post(f"{REGISTRATIONS}message/{webinar_b.pk}/", {"subject": "Hi", "body": "Hello"}).status_code == 404
    assert staff_client.post(f"{REGISTRATIONS}recording/{webinar_b.pk}/").status_code == 404
    assert not OutgoingMessage.objects.about(people["bob"]).exists()
    html = staff_client.get(REGISTRATIONS, {"webinar__id__exact": webinar_b.pk}).content.decode()
    assert "/message/" not in html
    # Their own webinar works.
    response = staff_client.post(f"{REGISTRATIONS}message/{webinar_a.pk}/", {"subject": "Hi", "body": "Hello"})
    assert response.status_code == 302
    assert OutgoingMessage.objects.filter(kind="organiser_message").count() == 3


def test_a_viewer_role_sees_no_personal_data(client, django_user_model, two_series, people):
    # Changed with the rules (issue 14): the role decides, not Django model permissions. A
    # viewer (partner, donor) sees aggregate reports only, so every registration page is 403.
    user = UserFactory(username="viewer", email="v@example.org", is_staff=True)
    SeriesRoleFactory(series=two_series[0], user=user, role=SeriesRole.Role.VIEWER)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_registration", "change_registration"]))
    client.force_login(user)
    assert client.get(REGISTRATIONS).status_code == 403
    assert client.get(REGISTRATIONS + "export/csv/").status_code == 403
    assert client.get(f"{REGISTRATIONS}message/{two_series[2].pk}/").status_code == 403
    assert client.get(f"{REGISTRATIONS}{people['dinara'].pk}/change/").status_code == 403
    assert client.get("/admin/mail/outgoingmessage/").status_code == 403


def test_an_editor_role_needs_no_model_permission(client, django_user_model, two_series, people):
    # Changed with the rules (issue 14): before, "view registration" etc. had to be ticked too.
    user = UserFactory(username="editor", email="e@example.org", is_staff=True)
    SeriesRoleFactory(series=two_series[0], user=user, role=SeriesRole.Role.EDITOR)
    client.force_login(user)
    html = client.get(REGISTRATIONS).content.decode()
    assert 'value="export_csv"' in html and 'value="confirm_registrations"' in html
    assert client.get(REGISTRATIONS + "export/csv/").status_code == 200
    assert client.get(f"{REGISTRATIONS}message/{two_series[2].pk}/").status_code == 200
    assert client.get(f"{REGISTRATIONS}message/{two_series[3].pk}/").status_code == 404
    post_action(client, "confirm_registrations", [people["pending"]])
    people["pending"].refresh_from_db()
    assert people["pending"].status == S.CONFIRMED


def test_outgoing_messages_are_read_only_and_scoped(staff_client, people):
    from webinars.registrations import messaging

    mine = messaging.queue(kind="confirmed", registration=people["dinara"], key="confirmed:dinara")
    theirs = messaging.queue(kind="confirmed", registration=people["bob"], key="confirmed:bob")
    booking_only = messaging.queue(kind="confirm_request", booking=people["anahit"].booking, key="confirm-request:anahit")
    url = "/admin/mail/outgoingmessage/"
    html = staff_client.get(url).content.decode()
    assert "confirmed:dinara" in html and "confirm-request:anahit" in html and "confirmed:bob" not in html
    assert staff_client.get(url, {"q": "dinara"}).status_code == 200
    assert staff_client.get(f"{url}{theirs.pk}/change/").status_code == 302
    page = staff_client.get(f"{url}{mine.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert staff_client.post(f"{url}{mine.pk}/change/", {"status": "sent"}).status_code == 403
    assert staff_client.get(url + "add/").status_code == 403
    assert booking_only is not None


def test_questions_are_scoped_to_the_series_the_user_may_edit(staff_client, two_series):
    series_a, series_b = two_series[0], two_series[1]
    RegistrationQuestionFactory(series=series_a, label={"en": "Question of A"})
    theirs = RegistrationQuestionFactory(series=series_b, label={"en": "Question of B"})
    url = "/admin/registrations/registrationquestion/"
    html = staff_client.get(url).content.decode()
    assert "Question of A" in html and "Question of B" not in html
    assert staff_client.get(f"{url}{theirs.pk}/change/").status_code == 302
    add = BeautifulSoup(staff_client.get(url + "add/").content, "html.parser")
    options = [o.get_text() for o in add.find("select", attrs={"name": "series"}).find_all("option") if o.get("value")]
    assert options == ["Series A"]
    data = form_data(str(add), "registrationquestion_form")
    data.update({"series": str(series_b.pk), "label_0": "Sneaky", "kind": "text", "order": "0", "choices": "[]"})
    assert staff_client.post(url + "add/", data).status_code == 200  # invalid choice of series
    assert not RegistrationQuestion.objects.filter(series=series_b, label__icontains="Sneaky").exists()


def test_choice_question_needs_choices(admin_client, two_series):
    url = "/admin/registrations/registrationquestion/add/"
    data = form_data(admin_client.get(url).content.decode(), "registrationquestion_form")
    data.update({"series": str(two_series[0].pk), "label_0": "Format?", "kind": "choice", "order": "0", "choices": "[]"})
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "Give the choices" in response.content.decode()
    data["choices"] = '["In person", "Online"]'
    assert admin_client.post(url, data).status_code == 302
    assert RegistrationQuestion.objects.get().choices == ["In person", "Online"]


# --- registrants' text is shown escaped -------------------------------------------------------------


def test_registrant_markup_is_escaped_on_list_and_change_page(admin_client, two_series):
    question = RegistrationQuestionFactory(series=two_series[0], label={"en": "Why?"})
    registration = AdminRegistrationFactory(
        webinar=two_series[2],
        name=XSS,
        email="xss@example.org",
        city=XSS,
        organisation='"><img src=x onerror=alert(2)>',
        answers={str(question.pk): XSS},
    )
    log_action("registration.details_changed", obj=registration, data={"fields": [XSS], "reason": XSS})
    for url in (REGISTRATIONS, f"{REGISTRATIONS}{registration.pk}/change/", REGISTRATIONS + "?q=script"):
        html = admin_client.get(url).content.decode()
        assert XSS not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    html = post_action(admin_client, "cancel_registrations", [registration]).content.decode()
    assert XSS not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
