"""Public verification (only what the certificate states), and the participant's own download."""

import datetime as dt
import zoneinfo
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import timezone

from tests.certificates.conftest import NAMES, attend, past_webinar, pdf_text
from tests.factories import RegistrationFactory
from webinars.certificates import services
from webinars.certificates.models import Certificate
from webinars.core import ratelimit
from webinars.registrations.selectors import booking_manage_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def person(webinar):
    registration = RegistrationFactory(
        webinar=webinar,
        name=NAMES["kazakh"],
        email="asel.private@example.org",
        organisation="Central State Museum",
        city="Shymkent",
        position="Chief curator",
        country="AM",
    )
    attend(registration)
    return registration


@pytest.fixture
def certificate(person, webinar):
    services.certificates_issue(webinar=webinar)
    services.certificates_render_and_send(Certificate.objects.all(), send=False)
    return Certificate.objects.get(registration=person)


def viewer_day(moment: dt.datetime) -> str:
    """The day as the page shows it: in the default viewer's zone, which may already be tomorrow in UTC."""
    return moment.astimezone(zoneinfo.ZoneInfo(settings.DEFAULT_VIEWER_TIME_ZONE)).strftime("%-d %B %Y")


def main_text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").find("main").get_text(" ").split())


def test_verify_page_shows_name_what_when_and_by_whom_only(client, certificate, person, webinar):
    response = client.get(f"/verify/{certificate.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    text = main_text(response)
    assert NAMES["kazakh"] in text
    assert "Collections of Diaspora" in text
    assert webinar.start_date.strftime("%-d %B %Y") in text
    assert viewer_day(certificate.issued_at) in text
    assert "ICOM Kazakhstan" in text
    assert "Valid" in text
    for private in ("asel.private", "example.org", "Central State Museum", "Shymkent", "Chief curator", "Armenia"):
        assert private not in html
    assert str(person.booking.uuid) not in html and booking_manage_token(person.booking) not in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "no-store" in response["Cache-Control"]


def test_verify_page_in_russian(client, certificate):
    response = client.get(f"/verify/{certificate.code}/", HTTP_ACCEPT_LANGUAGE="ru")
    text = main_text(response)
    assert "Коллекции диаспоры" in text and "ИКОМ Казахстан" in text


def test_series_certificate_lists_the_webinars(client, series, webinar):
    series.series_certificate_min_webinars = 2
    series.save()
    second = past_webinar(series, 3, title={"en": "Oral history"})
    for w in (webinar, second):
        attend(RegistrationFactory(webinar=w, name=NAMES["armenian"], email="nare@example.org"))
    services.certificates_issue(series=series)
    certificate = Certificate.objects.get(kind="series")
    text = main_text(client.get(f"/verify/{certificate.code}/"))
    assert "2 webinars of the series «Museums and Migration»" in text
    assert "Collections of Diaspora" in text and "Oral history" in text and NAMES["armenian"] in text


def test_revoked_shows_revoked_with_date_and_no_reason_or_name(client, certificate):
    services.certificate_revoke(certificate=certificate, reason="Her manager asked: personal dispute")
    response = client.get(f"/verify/{certificate.code}/")
    assert response.status_code == 200
    text = main_text(response)
    assert "Revoked" in text and "revoked on" in text
    assert viewer_day(timezone.now()) in text
    assert "dispute" not in text and NAMES["kazakh"] not in text and "Valid" not in text


def test_unknown_and_malformed_codes_get_the_same_404(client, certificate):
    unknown = client.get("/verify/MW-0000-0000-0000-0000/")
    malformed = client.get("/verify/not-a-code/")
    assert unknown.status_code == malformed.status_code == 404
    assert main_text(unknown) == main_text(malformed)
    assert "noindex" in unknown["X-Robots-Tag"]
    assert certificate.name_on_certificate not in unknown.content.decode()


def test_typed_codes_are_normalised_and_redirected(client, certificate):
    sloppy = certificate.code.lower().replace("-", " ")
    response = client.get("/verify/", {"code": sloppy})
    assert response.status_code == 302 and response["Location"] == f"/verify/{certificate.code}/"
    response = client.get(f"/verify/{certificate.code.lower()}/")
    assert response.status_code == 302 and response["Location"] == f"/verify/{certificate.code}/"
    assert client.get(response["Location"]).status_code == 200


def test_verify_form(client):
    response = client.get("/verify/")
    assert response.status_code == 200 and 'name="code"' in response.content.decode()
    response = client.get("/verify/", {"code": "hello"})
    assert response.status_code == 400 and "not a certificate code" in response.content.decode()


def test_rate_limited_per_client_address(client, certificate, settings, monkeypatch):
    # One fixed window for the whole test: a slow machine must not cross a window boundary mid-test.
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))
    for _ in range(30):
        assert client.get(f"/verify/{certificate.code}/", REMOTE_ADDR="198.51.100.7").status_code == 200
    limited = client.get(f"/verify/{certificate.code}/", REMOTE_ADDR="198.51.100.7")
    assert limited.status_code == 429 and NAMES["kazakh"] not in limited.content.decode()
    typed = client.get("/verify/", {"code": certificate.code}, REMOTE_ADDR="198.51.100.7", follow=True)
    assert typed.status_code == 429  # the form leads to the page, which is limited
    assert client.get(f"/verify/{certificate.code}/", REMOTE_ADDR="198.51.100.8").status_code == 200


def test_revocation_shows_at_once(client, certificate):
    assert "Valid" in main_text(client.get(f"/verify/{certificate.code}/"))
    services.certificate_revoke(certificate=certificate, reason="mistake")
    assert "Revoked" in main_text(client.get(f"/verify/{certificate.code}/"))


def test_download_needs_the_manage_token(client, certificate, person):
    token = booking_manage_token(person.booking)
    response = client.get(f"/r/{token}/certificates/{certificate.code}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert NAMES["kazakh"] in pdf_text(b"".join(response.streaming_content))
    # Never by code alone, nor with someone else's or a forged token.
    other = RegistrationFactory(webinar=certificate.webinar, name="Someone Else", email="else@example.org")
    for path in (
        f"/certificates/{certificate.code}/pdf/",
        f"/r/{booking_manage_token(other.booking)}/certificates/{certificate.code}.pdf",
        f"/r/{token}x/certificates/{certificate.code}.pdf",
        f"/r/{certificate.code}/certificates/{certificate.code}.pdf",
    ):
        assert client.get(path).status_code == 404, path
    # Not once revoked.
    services.certificate_revoke(certificate=certificate, reason="mistake")
    assert client.get(f"/r/{token}/certificates/{certificate.code}.pdf").status_code == 404


def test_download_makes_a_missing_pdf(client, person, webinar):
    services.certificates_issue(webinar=webinar)
    certificate = Certificate.objects.get()
    assert not certificate.pdf
    response = client.get(f"/r/{booking_manage_token(person.booking)}/certificates/{certificate.code}.pdf")
    assert response.status_code == 200
    certificate.refresh_from_db()
    assert certificate.pdf


def test_self_service_page_lists_the_certificates(client, certificate, person):
    token = booking_manage_token(person.booking)
    html = client.get(f"/r/{token}/").content.decode()
    assert "My certificates" in html
    assert f"/r/{token}/certificates/{certificate.code}.pdf" in html
    services.certificate_revoke(certificate=certificate, reason="mistake")
    assert certificate.code not in client.get(f"/r/{token}/").content.decode()


def test_self_service_page_without_certificates(client, webinar):
    registration = RegistrationFactory(webinar=webinar, name="No Show", email="noshow@example.org", time_zone="UTC")
    html = client.get(f"/r/{booking_manage_token(registration.booking)}/").content.decode()
    assert "My certificates" not in html


def test_issue_date_is_shown(client, certificate):
    certificate.issued_at = dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC)
    certificate.save()
    assert "5 March 2026" in main_text(client.get(f"/verify/{certificate.code}/"))
