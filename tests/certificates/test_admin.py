"""The back office: designs, the certificate list, issuing, revoking, regenerating, all scoped to the user's series."""

import pytest

from tests.certificates.conftest import attend, past_webinar
from tests.factories import CertificateTemplateFactory, RegistrationFactory, SeriesFactory, SeriesRoleFactory, UserFactory
from webinars.certificates import services
from webinars.certificates.models import Certificate, CertificateTemplate
from webinars.programme.models import SeriesRole

pytestmark = pytest.mark.django_db

CERTIFICATES = "/admin/certificates/certificate/"
TEMPLATES = "/admin/certificates/certificatetemplate/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(db):
    series_a = SeriesFactory(slug="series-a", title={"en": "Series A"})
    series_b = SeriesFactory(slug="series-b", title={"en": "Series B"})
    webinar_a = past_webinar(series_a, 5, slug="alpha", title={"en": "Alpha webinar"})
    webinar_b = past_webinar(series_b, 5, slug="beta", title={"en": "Beta webinar"})
    attend(RegistrationFactory(webinar=webinar_a, name="Dinara Khalikova", email="dinara@example.org"))
    attend(RegistrationFactory(webinar=webinar_b, name="Bob of Series B", email="bob@example.org"))
    return series_a, series_b, webinar_a, webinar_b


def issue(webinar) -> Certificate:
    services.certificates_issue(webinar=webinar)
    services.certificates_render_and_send(Certificate.objects.filter(webinar=webinar), send=False)
    return Certificate.objects.get(webinar=webinar)


@pytest.fixture
def staff_a(django_user_model, world):
    user = UserFactory(username="organiser-a", email="a@example.org", is_staff=True)
    SeriesRoleFactory(series=world[0], user=user, role=SeriesRole.Role.OWNER)  # no model permission needed
    return user


@pytest.fixture
def staff_client(client, staff_a):
    client.force_login(staff_a)
    return client


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(UserFactory(superuser=True, username="root", email="root@example.org"))
    return client


def test_list_shows_only_the_users_series(staff_client, world):
    mine, theirs = issue(world[2]), issue(world[3])
    html = staff_client.get(CERTIFICATES).content.decode()
    assert mine.code in html and "Dinara Khalikova" in html
    assert theirs.code not in html and "Bob of Series B" not in html
    assert staff_client.get(f"{CERTIFICATES}{theirs.pk}/change/").status_code in (302, 403, 404)
    assert staff_client.get(f"{CERTIFICATES}{theirs.pk}/pdf/").status_code == 404
    assert staff_client.get(f"{CERTIFICATES}{mine.pk}/pdf/").status_code == 200


def test_superuser_filters_and_searches(admin_client, world):
    mine, theirs = issue(world[2]), issue(world[3])
    services.certificate_revoke(certificate=theirs, reason="mistake")
    html = admin_client.get(CERTIFICATES, {"revoked": "yes"}).content.decode()
    assert theirs.code in html and mine.code not in html
    html = admin_client.get(CERTIFICATES, {"kind": "webinar", "series__id__exact": world[0].pk}).content.decode()
    assert mine.code in html and theirs.code not in html
    html = admin_client.get(CERTIFICATES, {"q": mine.code.lower().replace("-", " ")}).content.decode()
    assert mine.code in html and theirs.code not in html
    html = admin_client.get(CERTIFICATES, {"q": "Bob"}).content.decode()
    assert theirs.code in html and mine.code not in html


def test_issue_page_issues_in_the_background_for_own_series_only(staff_client, world, django_capture_on_commit_callbacks):
    page = staff_client.get(f"{CERTIFICATES}issue/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Alpha webinar" in html and "Beta webinar" not in html and "Series B" not in html
    with django_capture_on_commit_callbacks(execute=True):
        refused = staff_client.post(f"{CERTIFICATES}issue/", {"webinar": world[3].pk})
    assert refused.status_code == 200 and not Certificate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(f"{CERTIFICATES}issue/", {"webinar": world[2].pk})
    assert done.status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.webinar == world[2] and certificate.pdf and certificate.issued_by.username == "organiser-a"


def test_a_viewer_sees_no_certificates_and_issues_none(client, django_user_model, world):
    # Changed with the rules (issue 14): the role decides ("add certificate" is not ticked any
    # more); certificates carry names, so viewers see none.
    viewer = django_user_model.objects.create_user("viewer", "v@example.org", "pw", is_staff=True)
    SeriesRole.objects.create(series=world[0], user=viewer, role=SeriesRole.Role.VIEWER)
    client.force_login(viewer)
    assert client.get(f"{CERTIFICATES}issue/").status_code == 403
    assert client.get(CERTIFICATES).status_code == 403
    assert client.get(TEMPLATES).status_code == 403


def test_template_action_issues_for_its_webinar_or_series(staff_client, world, django_capture_on_commit_callbacks):
    series_a, series_b, _webinar_a, _webinar_b = world
    template_a = CertificateTemplateFactory(series=series_a)
    template_b = CertificateTemplateFactory(series=series_b)
    html = staff_client.get(TEMPLATES).content.decode()
    assert f"{TEMPLATES}{template_a.pk}/change/" in html and f"{TEMPLATES}{template_b.pk}/change/" not in html
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(TEMPLATES, {"action": "issue_certificates", "_selected_action": [template_a.pk, template_b.pk]})
    assert list(Certificate.objects.values_list("series_id", flat=True)) == [series_a.pk]


def test_template_form_offers_only_own_series_and_stores_languages(staff_client, world):
    series_a, series_b, webinar_a, webinar_b = world
    html = staff_client.get(f"{TEMPLATES}add/").content.decode()
    assert "Series A" in html and "Series B" not in html and "Beta webinar" not in html
    data = {
        "series": series_a.pk,
        "webinar": "",
        "first_language": "hy",
        "second_language": "en",
        "primary_colour": "#123456",
        "accent_colour": "#654321",
        "use_programme_logos": "on",
        "signatures-TOTAL_FORMS": "0",
        "signatures-INITIAL_FORMS": "0",
        "signatures-MIN_NUM_FORMS": "0",
        "signatures-MAX_NUM_FORMS": "3",
    }
    response = staff_client.post(f"{TEMPLATES}add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CertificateTemplate.objects.get().languages == ["hy", "en"]
    refused = staff_client.post(f"{TEMPLATES}add/", {**data, "series": series_b.pk})
    assert refused.status_code == 200 and CertificateTemplate.objects.count() == 1


def test_revoke_action_needs_a_reason_and_stays_in_scope(staff_client, world):
    mine, theirs = issue(world[2]), issue(world[3])
    staff_client.post(CERTIFICATES, {"action": "revoke", "_selected_action": [mine.pk]})
    mine.refresh_from_db()
    assert mine.revoked_at is None  # no reason given
    staff_client.post(CERTIFICATES, {"action": "revoke", "reason": "Wrong report", "_selected_action": [mine.pk, theirs.pk]})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and mine.revoked_reason == "Wrong report" and mine.revoked_by.username == "organiser-a"
    assert theirs.revoked_at is None


def test_regenerate_action(staff_client, world, django_capture_on_commit_callbacks):
    mine, theirs = issue(world[2]), issue(world[3])
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(CERTIFICATES, {"action": "regenerate_pdf", "_selected_action": [mine.pk, theirs.pk]})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.version == 2 and theirs.version == 1


def test_name_correction_in_the_admin_reissues(staff_client, world, django_capture_on_commit_callbacks):
    from tests.certificates.conftest import pdf_text

    mine = issue(world[2])
    page = staff_client.get(f"{CERTIFICATES}{mine.pk}/change/")
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{CERTIFICATES}{mine.pk}/change/", {"name_on_certificate": "Dinara Khalikova-Smith"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.name_on_certificate == "Dinara Khalikova-Smith" and mine.version == 2
    assert "Dinara Khalikova-Smith" in pdf_text(mine.pdf.read())


def test_nobody_adds_or_deletes_certificates(admin_client, world):
    mine = issue(world[2])
    assert admin_client.get(f"{CERTIFICATES}add/").status_code == 403
    assert admin_client.get(f"{CERTIFICATES}{mine.pk}/delete/").status_code == 403
