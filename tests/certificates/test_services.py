"""Issuing rules, idempotency, e-mail, re-issue after a name correction, revoking, erasure."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.certificates.conftest import attend, current_import, past_webinar, pdf_text
from tests.factories import AttendeeFactory, RegistrationFactory, UserFactory
from webinars.certificates import corrections, services
from webinars.certificates.models import Certificate, NameCorrection
from webinars.mail.models import OutgoingMessage
from webinars.registrations import services as registration_services

pytestmark = pytest.mark.django_db

Kind = Certificate.Kind


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def issue_and_send(capture, **scope):
    with capture(execute=True):
        return services.certificates_issue_and_send(**scope)


def test_webinar_certificate_for_each_attended_registration(webinar):
    dinara = RegistrationFactory(webinar=webinar, name="Динара Халикова", email="dinara@example.org")
    asel = RegistrationFactory(webinar=webinar, name="Әсел Нұрланқызы", email="asel@example.org")
    absent = RegistrationFactory(webinar=webinar, name="Absent Person", email="absent@example.org")
    short = RegistrationFactory(webinar=webinar, name="Short Stay", email="short@example.org")
    attend(dinara)
    attend(asel)
    attend(short, attended=False, minutes=5)

    result = services.certificates_issue(webinar=webinar)

    assert (result.webinar_certificates, result.series_certificates) == (2, 0)
    certificates = {c.registration_id: c for c in Certificate.objects.all()}
    assert set(certificates) == {dinara.pk, asel.pk}
    assert absent.pk not in certificates and short.pk not in certificates
    certificate = certificates[dinara.pk]
    assert certificate.kind == Kind.WEBINAR and certificate.webinar == webinar and certificate.series == webinar.series
    assert certificate.name_on_certificate == "Динара Халикова"
    assert certificate.participant_email == "dinara@example.org"
    assert certificate.webinars == [
        {
            "id": webinar.pk,
            "title": {"en": "Collections of Diaspora", "ru": "Коллекции диаспоры"},
            "original_language": "en",
            "date": webinar.start_date.isoformat(),
        }
    ]
    assert certificate.issuer == {"en": "ICOM Kazakhstan", "ru": "ИКОМ Казахстан"}


def test_only_the_current_import_counts(webinar):
    person = RegistrationFactory(webinar=webinar, name="Dinara Khalikova", email="dinara@example.org")
    attend(person)
    old = current_import(webinar)
    old.replaced_at = timezone.now()
    old.save()
    assert services.certificates_issue(webinar=webinar).webinar_certificates == 0
    attend(person)  # in the new, current import
    assert services.certificates_issue(webinar=webinar).webinar_certificates == 1


def test_unmatched_attendee_gets_nothing(webinar):
    from webinars.attendance.models import Attendee

    AttendeeFactory(attendance_import=current_import(webinar), name="Walk In", minutes=90, attended=True, match=Attendee.Match.WALK_IN)
    assert services.certificates_issue(webinar=webinar).webinar_certificates == 0
    assert not Certificate.objects.exists()


def test_issuing_again_issues_nothing_twice(webinar, django_capture_on_commit_callbacks):
    person = RegistrationFactory(webinar=webinar, name="Dinara Khalikova", email="dinara@example.org")
    attend(person)
    attend(person)  # the same registration matched twice in one report
    first = issue_and_send(django_capture_on_commit_callbacks, webinar_id=webinar.pk)
    assert first == {"webinar_certificates": 1, "series_certificates": 0, "rendered": 1, "queued": 1}
    code = Certificate.objects.get().code
    again = issue_and_send(django_capture_on_commit_callbacks, webinar_id=webinar.pk)
    assert again == {"webinar_certificates": 0, "series_certificates": 0, "rendered": 0, "queued": 0}
    assert Certificate.objects.get().code == code
    assert OutgoingMessage.objects.filter(kind="certificate").count() == 1
    assert len(mail.outbox) == 1


def test_database_refuses_a_second_certificate_for_a_registration(webinar):
    person = RegistrationFactory(webinar=webinar, name="Dinara Khalikova", email="dinara@example.org")
    attend(person)
    services.certificates_issue(webinar=webinar)
    first = Certificate.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            kind=Kind.WEBINAR,
            series=webinar.series,
            webinar=webinar,
            registration=person,
            participant_email="x",
            name_on_certificate="x",
            issued_at=first.issued_at,
        )


def test_series_certificate_after_enough_webinars(series, webinar, django_capture_on_commit_callbacks):
    series.series_certificate_min_webinars = 2
    series.save()
    second = past_webinar(series, 5, title={"en": "Oral history", "ru": "Устная история"})
    third = past_webinar(series, 2, title={"en": "Digital catalogues"})
    # Nino attends all three (one of them booked separately, with capitals in her address).
    for w, email in [(webinar, "nino@example.org"), (second, "Nino@Example.org"), (third, "nino@example.org")]:
        attend(RegistrationFactory(webinar=w, name="ნინო ბერიძე", email=email))
    # Nare attends one and misses one; Dinara registers twice but attends once.
    attend(RegistrationFactory(webinar=webinar, name="Նարե Հակոբյան", email="nare@example.org"))
    RegistrationFactory(webinar=second, name="Նարե Հակոբյան", email="nare@example.org")
    attend(RegistrationFactory(webinar=third, name="Dinara Khalikova", email="dinara@example.org"))
    RegistrationFactory(webinar=second, name="Dinara Khalikova", email="dinara@example.org")

    result = issue_and_send(django_capture_on_commit_callbacks, series_id=series.pk)

    assert result["webinar_certificates"] == 5 and result["series_certificates"] == 1
    certificate = Certificate.objects.get(kind=Kind.SERIES)
    assert certificate.participant_email == "nino@example.org"
    assert certificate.name_on_certificate == "ნინო ბერიძე"
    assert certificate.webinar is None and certificate.registration is None
    assert [item["id"] for item in certificate.webinars] == [webinar.pk, second.pk, third.pk]
    assert [item["date"] for item in certificate.webinars] == [w.start_date.isoformat() for w in (webinar, second, third)]
    text = " ".join(pdf_text(certificate.pdf.read()).split())
    assert "ნინო ბერიძე" in text and "Oral history" in text and "Устная история" in text and "Museums and Migration" in text
    # Issuing for one webinar later adds nothing new, and never a second series certificate.
    again = issue_and_send(django_capture_on_commit_callbacks, webinar_id=third.pk)
    assert again["webinar_certificates"] == 0 and again["series_certificates"] == 0
    assert Certificate.objects.filter(kind=Kind.SERIES).count() == 1


def test_no_series_certificate_without_a_threshold_or_below_it(series, webinar):
    second = past_webinar(series, 5)
    for w in (webinar, second):
        attend(RegistrationFactory(webinar=w, name="Dinara Khalikova", email="dinara@example.org"))
    assert services.certificates_issue(series=series).series_certificates == 0  # no threshold set
    series.series_certificate_min_webinars = 3
    series.save()
    assert services.certificates_issue(series=series).series_certificates == 0
    series.series_certificate_min_webinars = 2
    series.save()
    assert services.certificates_issue(webinar=second).series_certificates == 1


def test_email_has_the_pdf_attached_and_an_idempotency_key(webinar, django_capture_on_commit_callbacks):
    person = RegistrationFactory(webinar=webinar, name="Динара Халикова", email="dinara@example.org", language="ru")
    attend(person)
    issue_and_send(django_capture_on_commit_callbacks, webinar_id=webinar.pk)
    certificate = Certificate.objects.get()
    message = OutgoingMessage.objects.get(kind="certificate")
    assert message.key == f"certificate:{certificate.code}"
    assert message.context == {"certificate": certificate.pk}
    assert message.status == OutgoingMessage.Status.SENT
    (email,) = mail.outbox
    assert email.to == ["dinara@example.org"]
    assert "Коллекции диаспоры" in email.subject
    assert certificate.code in email.body and f"/verify/{certificate.code}/" in email.body
    assert f"/certificates/{certificate.code}.pdf" in email.body
    (name, content, mimetype) = email.attachments[0]
    assert name == f"certificate-{certificate.code}.pdf" and mimetype == "application/pdf"
    assert "Динара Халикова" in pdf_text(content)


def test_a_registrants_name_correction_waits_for_approval_then_reissues_with_the_same_code(webinar, django_capture_on_commit_callbacks):
    person = RegistrationFactory(webinar=webinar, name="Dinara Halikova", email="dinara@example.org")
    attend(person)
    issue_and_send(django_capture_on_commit_callbacks, webinar_id=webinar.pk)
    certificate = Certificate.objects.get()
    old_file = certificate.pdf.name
    assert "Dinara Halikova" in pdf_text(certificate.pdf.read())

    # The registrant corrects their name on their self-service page: the certificate waits for the organiser.
    with django_capture_on_commit_callbacks(execute=True):
        registration_services.booking_update_details(booking=person.booking, data={"name": "Dinara Khalikova"})
    certificate.refresh_from_db()
    assert certificate.name_on_certificate == "Dinara Halikova" and certificate.version == 1
    correction = NameCorrection.objects.get(certificate=certificate, decision="pending")
    assert correction.requested_name == "Dinara Khalikova"

    organiser = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        corrections.name_correction_approve(correction=correction, actor=organiser)
    correction.refresh_from_db()
    assert correction.decision == "approved" and correction.decided_by == organiser
    certificate.refresh_from_db()
    assert certificate.name_on_certificate == "Dinara Khalikova"
    assert certificate.version == 2 and certificate.pdf.name != old_file
    text = pdf_text(certificate.pdf.read())
    assert "Dinara Khalikova" in text and "Dinara Halikova" not in text and certificate.code in text
    assert not certificate.pdf.storage.exists(old_file)
    keys = sorted(OutgoingMessage.objects.filter(kind="certificate").values_list("key", flat=True))
    assert keys == [f"certificate:{certificate.code}", f"certificate:{certificate.code}:v2"]
    assert "Dinara Khalikova" in pdf_text(mail.outbox[-1].attachments[0][1])


def test_regenerate_without_a_change_sends_nothing(webinar, django_capture_on_commit_callbacks):
    attend(RegistrationFactory(webinar=webinar, name="Dinara Khalikova", email="dinara@example.org"))
    issue_and_send(django_capture_on_commit_callbacks, webinar_id=webinar.pk)
    certificate = Certificate.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        stats = services.certificates_regenerate(certificate_ids=[certificate.pk])
    assert stats == {"regenerated": 1, "skipped": 0}
    certificate.refresh_from_db()
    assert certificate.version == 2 and certificate.pdf
    assert OutgoingMessage.objects.filter(kind="certificate").count() == 1


def test_revoke(webinar, django_capture_on_commit_callbacks):
    attend(RegistrationFactory(webinar=webinar, name="Dinara Khalikova", email="dinara@example.org"))
    services.certificates_issue(webinar=webinar)
    certificate = Certificate.objects.get()
    assert services.certificate_revoke(certificate=certificate, reason="Attendance report was wrong")
    assert not services.certificate_revoke(certificate=certificate, reason="again")
    certificate.refresh_from_db()
    assert certificate.revoked_at and certificate.revoked_reason == "Attendance report was wrong"
    # A revoked certificate is not made, sent, re-issued or issued again.
    with django_capture_on_commit_callbacks(execute=True):
        stats = services.certificates_issue_and_send(webinar_id=webinar.pk)
    assert stats == {"webinar_certificates": 0, "series_certificates": 0, "rendered": 0, "queued": 0}
    with pytest.raises(services.CertificateRevoked):
        services.certificate_reissue(certificate=certificate, name="Other")


def test_revoking_cancels_an_unsent_email(webinar):
    attend(RegistrationFactory(webinar=webinar, name="Dinara Khalikova", email="dinara@example.org"))
    services.certificates_issue(webinar=webinar)
    services.certificates_render_and_send(Certificate.objects.all())  # queued; not delivered (no commit in this test)
    certificate = Certificate.objects.get()
    message = OutgoingMessage.objects.get(kind="certificate")
    assert message.status == OutgoingMessage.Status.QUEUED
    services.certificate_revoke(certificate=certificate, reason="mistake")
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.FAILED


def test_erasure_removes_name_and_address_and_revokes(series, webinar, django_capture_on_commit_callbacks):
    series.series_certificate_min_webinars = 1
    series.save()
    person = RegistrationFactory(webinar=webinar, name="Dinara Khalikova", email="dinara@example.org")
    attend(person)
    issue_and_send(django_capture_on_commit_callbacks, webinar_id=webinar.pk)
    assert Certificate.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        registration_services.booking_erase(booking=person.booking)
    for certificate in Certificate.objects.all():
        assert certificate.revoked_at is not None
        assert certificate.name_on_certificate == "" and not certificate.pdf
        assert "dinara" not in certificate.participant_email
