"""The certificates, feedback and report sections of a webinar, and the series report."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import timezone

from tests.certificates.conftest import attend, pdf_text
from tests.factories import RegistrationFactory, WebinarFactory
from webinars.audit.models import LogEntry
from webinars.certificates import services as certificate_services
from webinars.certificates.models import Certificate, CertificateTemplate, NameCorrection
from webinars.feedback.models import FeedbackInvitation, FeedbackResponse
from webinars.registrations import services as registration_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def past(world):
    starts = (timezone.now() - dt.timedelta(days=3)).replace(hour=6, minute=0, second=0, microsecond=0)
    return WebinarFactory(series=world["a"], slug="past", title={"en": "Past webinar", "ru": "Прошедший вебинар"}, starts_at=starts)


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def issue(past, names: list[str], django_capture_on_commit_callbacks) -> list[Certificate]:
    for i, name in enumerate(names):
        attend(RegistrationFactory(webinar=past, name=name, email=f"person{i}@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        certificate_services.certificates_issue_and_send(webinar_id=past.pk)
    return list(Certificate.objects.order_by("pk"))


# --- roles on every page ----------------------------------------------------------------------------

EDITOR_PAGES = ["certificates/", "certificates/preview.pdf", "certificates/design/"]
VIEWER_PAGES = ["feedback/", "report/"]


@pytest.mark.parametrize("page", EDITOR_PAGES + VIEWER_PAGES)
def test_roles_on_every_page(client, signed_in, world, past, page):
    address = f"/organise/webinars/{past.pk}/{page}"
    assert client.get(address).status_code == 302
    assert signed_in("nobody").get(address).status_code == 403
    assert signed_in("editor_b").get(address).status_code == 404
    assert signed_in("editor_b").post(address, {}).status_code == 404
    viewer = signed_in("viewer_a")
    assert viewer.get(address).status_code == (200 if page in VIEWER_PAGES else 403)
    assert viewer.post(address, {}).status_code == 403  # viewers change nothing
    for role in ("editor_a", "owner_a", "superuser"):
        assert signed_in(role).get(address).status_code == 200


def test_roles_on_the_series_report(client, signed_in, world):
    address = f"/organise/series/{world['a'].pk}/report/"
    assert client.get(address).status_code == 302
    assert signed_in("editor_b").get(address).status_code == 404
    assert signed_in("viewer_a").get(address).status_code == 200
    assert signed_in("viewer_a").post(address, {}).status_code == 403
    assert signed_in("owner_a").get(address).status_code == 200


def test_roles_on_the_certificate_pages(signed_in, world, past, django_capture_on_commit_callbacks):
    [certificate] = issue(past, ["Dinara Khalikova"], django_capture_on_commit_callbacks)
    base = f"/organise/webinars/{past.pk}/certificates/{certificate.pk}/"
    for page in ("pdf/", "revoke/"):
        assert signed_in("viewer_a").get(base + page).status_code == 403
        assert signed_in("editor_b").get(base + page).status_code == 404
        assert signed_in("editor_a").get(base + page).status_code == 200
    for page in ("resend/", "revoke/"):
        assert signed_in("viewer_a").post(base + page, {"reason": "x"}).status_code == 403
        assert signed_in("editor_b").post(base + page, {"reason": "x"}).status_code == 404
    assert not Certificate.objects.filter(revoked_at__isnull=False).exists()
    other = WebinarFactory(series=world["a"])
    assert signed_in("editor_a").get(f"/organise/webinars/{other.pk}/certificates/{certificate.pk}/pdf/").status_code == 404


# --- certificates -------------------------------------------------------------------------------------


def test_preview_is_a_pdf_with_names_in_four_scripts(signed_in, world, past):
    response = signed_in("editor_a").get(f"/organise/webinars/{past.pk}/certificates/preview.pdf")
    assert response["Content-Type"] == "application/pdf"
    content = pdf_text(response.content)
    assert all(name in content for name in ("Dinara Khalikova", "Динара Халикова", "Անահիտ Սարգսյան", "ნინო ბერიძე"))
    assert not Certificate.objects.exists()


def test_issue_to_everyone_eligible(signed_in, world, past, django_capture_on_commit_callbacks):
    for i in range(2):
        attend(RegistrationFactory(webinar=past, name=f"Person {i}", email=f"p{i}@example.org"))
    client = signed_in("editor_a")
    page = text(client.get(f"/organise/webinars/{past.pk}/certificates/"))
    assert "Issue 2 certificates" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/organise/webinars/{past.pk}/certificates/", {"action": "issue"})
    assert response.status_code == 302
    assert Certificate.objects.filter(webinar=past).count() == 2
    assert LogEntry.objects.filter(action="certificate.issued", actor=world["users"]["editor_a"]).exists()
    page = text(client.get(f"/organise/webinars/{past.pk}/certificates/"))
    assert "Everyone who attended has a certificate." in page and "Person 0" in page
    ru = text(client.get(f"/organise/webinars/{past.pk}/certificates/?lang=ru"))
    assert "Выдано" in ru


def test_list_filters_and_search(signed_in, world, past, django_capture_on_commit_callbacks):
    first, second = issue(past, ["Aigerim Kasymova", "Bakyt Ormonov"], django_capture_on_commit_callbacks)
    certificate_services.certificate_revoke(certificate=second, reason="wrong")
    client = signed_in("editor_a")
    base = f"/organise/webinars/{past.pk}/certificates/"
    assert "Bakyt" not in text(client.get(base + "?state=valid")) and "Aigerim" in text(client.get(base + "?state=valid"))
    assert "Aigerim" not in text(client.get(base + "?state=revoked"))
    assert "Bakyt" in text(client.get(base + "?q=bakyt"))
    by_code = text(client.get(base + "?q=" + first.code.lower()))
    assert "Aigerim" in by_code and "Bakyt" not in by_code


def test_revoke_needs_a_reason_and_confirmation(signed_in, world, past, django_capture_on_commit_callbacks):
    [certificate] = issue(past, ["Dinara Khalikova"], django_capture_on_commit_callbacks)
    client = signed_in("editor_a")
    address = f"/organise/webinars/{past.pk}/certificates/{certificate.pk}/revoke/"
    assert "This cannot be undone" in text(client.get(address))
    refused = client.post(address, {"reason": ""})
    assert refused.status_code == 400 and "This field is required" in text(refused)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert client.post(address, {"reason": "The report was for another webinar"}).status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "The report was for another webinar"
    assert LogEntry.objects.filter(action="certificate.revoked", actor=world["users"]["editor_a"]).count() == 1
    assert client.get(f"/verify/{certificate.code}/").status_code == 200  # the public page stays


def test_resend_from_the_list(signed_in, world, past, django_capture_on_commit_callbacks):
    [certificate] = issue(past, ["Dinara Khalikova"], django_capture_on_commit_callbacks)
    response = signed_in("editor_a").post(f"/organise/webinars/{past.pk}/certificates/{certificate.pk}/resend/", follow=True)
    assert "is e-mailed again" in text(response)
    assert LogEntry.objects.filter(action="certificate.resent").count() == 1


def test_name_corrections_are_approved_or_refused_in_the_section(signed_in, world, past, django_capture_on_commit_callbacks):
    first, second = issue(past, ["Dinara Halikova", "Nino Beridze"], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        registration_services.booking_update_details(booking=first.registration.booking, data={"name": "Dinara Khalikova"})
        registration_services.booking_update_details(booking=second.registration.booking, data={"name": "Nino Beridze-Smith"})
    client = signed_in("editor_a")
    page = text(client.get(f"/organise/webinars/{past.pk}/certificates/"))
    assert "2 name corrections wait for your approval" in page and "Dinara Khalikova" in page
    [to_approve, to_refuse] = NameCorrection.objects.order_by("pk")
    assert (
        signed_in("viewer_a").post(f"/organise/webinars/{past.pk}/name-corrections/{to_approve.pk}/", {"decision": "approve"}).status_code
        == 403
    )
    client = signed_in("editor_a")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/organise/webinars/{past.pk}/name-corrections/{to_approve.pk}/", {"decision": "approve"})
    client.post(f"/organise/webinars/{past.pk}/name-corrections/{to_refuse.pk}/", {"decision": "refuse"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.name_on_certificate == "Dinara Khalikova" and first.version == 2 and "Dinara Khalikova" in pdf_text(first.pdf.read())
    assert second.name_on_certificate == "Nino Beridze" and second.version == 1
    actions = set(LogEntry.objects.filter(actor=world["users"]["editor_a"]).values_list("action", flat=True))
    assert {"certificate.name_correction_approved", "certificate.name_correction_refused", "certificate.reissued"} <= actions
    again = client.post(f"/organise/webinars/{past.pk}/name-corrections/{to_approve.pk}/", {"decision": "refuse"}, follow=True)
    assert "decided already" in text(again)


def test_design_form_saves_hours_wording_and_a_signature(signed_in, world, past):
    client = signed_in("editor_a")
    address = f"/organise/webinars/{past.pk}/certificates/design/"
    page = client.get(address).content.decode()
    assert 'name="design-title__en"' in page and 'name="design-title__ru"' in page and 'name="design-title__ka"' not in page
    data = {
        "design-first_language": "en",
        "design-second_language": "ru",
        "design-hours": "1.5",
        "design-primary_colour": "#1F3A5F",
        "design-accent_colour": "#B8862B",
        "design-title__en": "Certificate of participation",
        "design-title__ru": "",
        "signatures-TOTAL_FORMS": "1",
        "signatures-INITIAL_FORMS": "0",
        "signatures-MIN_NUM_FORMS": "0",
        "signatures-MAX_NUM_FORMS": "3",
        "signatures-0-signer": "Aigerim Kasymova",
        "signatures-0-role__en": "Director",
        "signatures-0-role__ru": "Директор",
        "signatures-0-order": "0",
    }
    assert client.post(address, data).status_code == 302
    design = CertificateTemplate.objects.get(series=world["a"], webinar=None)
    assert str(design.hours) == "1.5" and design.title.data == {"en": "Certificate of participation"}
    assert design.signatures.get().role.data == {"en": "Director", "ru": "Директор"}
    content = pdf_text(client.get(f"/organise/webinars/{past.pk}/certificates/preview.pdf").content)
    assert "Certificate of participation" in content and "Hours of learning: 1.5" in content and "Aigerim Kasymova" in content

    bad = client.post(address, {**data, "design-hours": "-3", "design-second_language": "en", "design-title__en": "Kept"})
    assert bad.status_code == 400
    body = text(bad)
    assert "Choose a different language, or none." in body and "greater than or equal to 0.5" in body
    assert 'value="Kept"' in bad.content.decode()  # what was typed is kept
    design.refresh_from_db()
    assert str(design.hours) == "1.5"  # nothing partial stored


@pytest.mark.parametrize("n", [1, 3])
def test_certificates_page_queries_do_not_grow(signed_in, world, past, n, django_assert_num_queries, django_capture_on_commit_callbacks):
    issue(past, [f"Person {i}" for i in range(n)], django_capture_on_commit_callbacks)
    for certificate in Certificate.objects.all():
        NameCorrection.objects.create(certificate=certificate, requested_name="New name", requested_at=timezone.now())
    client = signed_in("editor_a")
    client.get(f"/organise/webinars/{past.pk}/certificates/")
    with django_assert_num_queries(CERTIFICATES_QUERIES - SESSION_IN_CACHE):
        assert client.get(f"/organise/webinars/{past.pk}/certificates/").status_code == 200


# --- feedback and reports -------------------------------------------------------------------------------


def answers(past, n: int) -> None:
    for i in range(n):
        registration = RegistrationFactory(webinar=past)
        invitation = FeedbackInvitation.objects.create(registration=registration, webinar=past)
        FeedbackResponse.objects.create(invitation=invitation, webinar=past, rating=5, usefulness=4, improve=f"More time {i}")


def test_feedback_shows_figures_and_answers_to_a_viewer(signed_in, world, past):
    answers(past, 3)
    page = text(signed_in("viewer_a").get(f"/organise/webinars/{past.pk}/feedback/"))
    assert "More time 0" in page and "More time 2" in page and "5.00" in page
    assert "person-" not in page  # anonymous: no registrant's address


@pytest.mark.parametrize("n", [1, 3])
def test_feedback_queries_do_not_grow(signed_in, world, past, n, django_assert_num_queries):
    answers(past, n)
    client = signed_in("viewer_a")
    client.get(f"/organise/webinars/{past.pk}/feedback/")
    with django_assert_num_queries(FEEDBACK_QUERIES - SESSION_IN_CACHE):
        client.get(f"/organise/webinars/{past.pk}/feedback/")


def test_webinar_report_with_logged_exports(signed_in, world, past):
    for _ in range(3):
        RegistrationFactory(webinar=past)
    client = signed_in("viewer_a")
    response = client.get(f"/organise/webinars/{past.pk}/report/")
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one('tr[data-figure="registrations"] td').get_text() == "3"
    assert page.find("svg") is not None or "No webinars" in page.get_text()
    csv_link = page.find("a", string="CSV")["href"]
    assert csv_link == f"/reports/webinar/{past.pk}/?format=csv"
    export = client.get(csv_link)
    assert export.status_code == 200 and "text/csv" in export["Content-Type"]
    assert LogEntry.objects.filter(action="export.report", actor=world["users"]["viewer_a"], webinar_id=past.pk).count() == 1


def test_series_report_links_its_webinars_inside_the_workspace(signed_in, world, past):
    RegistrationFactory(webinar=past)
    page = signed_in("viewer_a").get(f"/organise/series/{world['a'].pk}/report/").content.decode()
    assert f"/organise/webinars/{past.pk}/report/" in page
    assert f"/reports/series/{world['a'].pk}/?format=xlsx" in page


@pytest.mark.parametrize("n", [1, 3])
def test_report_queries_do_not_grow(signed_in, world, n, django_assert_num_queries):
    for _ in range(n):
        RegistrationFactory(webinar=WebinarFactory(series=world["a"]))
    client = signed_in("viewer_a")
    client.get(f"/organise/series/{world['a'].pk}/report/")
    with django_assert_num_queries(SERIES_REPORT_QUERIES - SESSION_IN_CACHE):
        client.get(f"/organise/series/{world['a'].pk}/report/")


# Signed-in pages read the session from the database, except where it lives in Redis (REDIS_URL).
SESSION_IN_CACHE = int(settings.SESSION_ENGINE == "django.contrib.sessions.backends.cache")
CERTIFICATES_QUERIES = 10
FEEDBACK_QUERIES = 9
SERIES_REPORT_QUERIES = 22
