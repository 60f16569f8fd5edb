"""Name corrections wait for the organiser; re-send; the design's hours; the preview of a design."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.certificates.conftest import attend, pdf_text
from tests.factories import RegistrationFactory, UserFactory
from webinars.audit.models import LogEntry
from webinars.certificates import corrections, preview, services
from webinars.certificates.models import Certificate, CertificateSignature, CertificateTemplate, NameCorrection
from webinars.core.errors import NotAllowed
from webinars.mail.models import OutgoingMessage
from webinars.registrations import services as registration_services

pytestmark = pytest.mark.django_db
D = NameCorrection.Decision


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def issued(webinar, django_capture_on_commit_callbacks):
    person = RegistrationFactory(webinar=webinar, name="Dinara Halikova", email="dinara@example.org")
    attend(person)
    with django_capture_on_commit_callbacks(execute=True):
        services.certificates_issue_and_send(webinar_id=webinar.pk)
    return person, Certificate.objects.get()


def correct(person, name: str, django_capture_on_commit_callbacks, actor=None) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        registration_services.booking_update_details(booking=person.booking, data={"name": name}, actor=actor)


def test_a_second_correction_before_the_decision_replaces_the_first_and_changing_back_withdraws(issued, django_capture_on_commit_callbacks):
    person, certificate = issued
    correct(person, "Dinara Khalikova", django_capture_on_commit_callbacks)
    correct(person, "Dinara  Khalikova-Saidova", django_capture_on_commit_callbacks)
    [open_] = NameCorrection.objects.filter(decision=D.PENDING)
    assert open_.requested_name == "Dinara Khalikova-Saidova"  # spaces normalised
    correct(person, "Dinara Halikova", django_capture_on_commit_callbacks)
    open_.refresh_from_db()
    assert open_.decision == D.WITHDRAWN and not NameCorrection.objects.filter(decision=D.PENDING).exists()
    codes = list(LogEntry.objects.filter(action__startswith="certificate.name_correction").values_list("action", flat=True))
    assert sorted(codes) == sorted(["certificate.name_correction_requested"] * 2 + ["certificate.name_correction_withdrawn"])
    assert all("Dinara" not in str(entry.data) for entry in LogEntry.objects.all())  # no names in the log


def test_refusing_keeps_the_printed_name_and_a_decision_is_taken_once(issued, django_capture_on_commit_callbacks):
    person, certificate = issued
    correct(person, "Someone Else", django_capture_on_commit_callbacks)
    correction = NameCorrection.objects.get()
    organiser = UserFactory()
    corrections.name_correction_refuse(correction=correction, actor=organiser)
    certificate.refresh_from_db()
    assert certificate.name_on_certificate == "Dinara Halikova" and certificate.version == 1
    assert LogEntry.objects.filter(action="certificate.name_correction_refused", actor=organiser).count() == 1
    with pytest.raises(NotAllowed):
        corrections.name_correction_approve(correction=correction, actor=organiser)


def test_an_organisers_own_correction_still_reissues_at_once(issued, django_capture_on_commit_callbacks):
    person, certificate = issued
    correct(person, "Dinara Khalikova", django_capture_on_commit_callbacks, actor=UserFactory())
    certificate.refresh_from_db()
    assert certificate.name_on_certificate == "Dinara Khalikova" and not NameCorrection.objects.exists()


def test_approving_a_revoked_certificate_is_refused_and_nothing_changes(issued, django_capture_on_commit_callbacks):
    person, certificate = issued
    correct(person, "Dinara Khalikova", django_capture_on_commit_callbacks)
    services.certificate_revoke(certificate=certificate, reason="wrong report")
    with pytest.raises(services.CertificateRevoked):
        corrections.name_correction_approve(correction=NameCorrection.objects.get(), actor=UserFactory())
    assert NameCorrection.objects.get().decision == D.PENDING


def test_erasure_deletes_the_requested_names(issued, django_capture_on_commit_callbacks):
    person, certificate = issued
    correct(person, "Dinara Khalikova", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        registration_services.booking_erase(booking=person.booking)
    assert not NameCorrection.objects.exists()


def test_resend_queues_another_email_and_logs(issued, django_capture_on_commit_callbacks):
    _person, certificate = issued
    organiser = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.certificate_resend(certificate=certificate, actor=organiser)
    assert OutgoingMessage.objects.filter(kind="certificate").count() == 2
    assert LogEntry.objects.filter(action="certificate.resent", actor=organiser).count() == 1
    services.certificate_revoke(certificate=certificate, reason="mistake")
    with pytest.raises(services.CertificateRevoked):
        services.certificate_resend(certificate=certificate)


def test_hours_and_signatures_are_printed_and_the_preview_shows_four_scripts(webinar, series):
    design = CertificateTemplate(series=series, hours=Decimal("1.5"), languages=["en", "ru"])
    signature = CertificateSignature(name="Aigerim Kasymova", role={"en": "Director", "ru": "Директор"})
    services.certificate_design_save(design=design, signatures=[signature], actor=UserFactory())
    assert LogEntry.objects.filter(action="certificate.design_saved").count() == 1
    text = pdf_text(preview.design_preview_pdf(webinar=webinar))
    for name in preview.SAMPLE_NAMES:
        assert name in text
    assert "Hours of learning: 1.5" in text and "Объём обучения: 1,5 ч." in text
    assert "Aigerim Kasymova" in text and "Director / Директор" in text
    assert "SAMPLE" in text
    assert not Certificate.objects.exists()  # nothing issued, no code spent
