"""Reads of certificates: who is eligible, which design applies, lookups by code and by person."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from webinars.attendance.models import Attendee
from webinars.programme.models import Series, Webinar
from webinars.registrations.models import Booking, Registration

from .codes import normalise_code
from .models import Certificate, CertificateTemplate, NameCorrection


def normalise_email(value: str | None) -> str:
    return (value or "").strip().lower()


def eligible_attendances(*, webinar_ids) -> QuerySet[Attendee]:
    """Attendees who count: in the current import of their webinar, attended, matched to a
    registration of that same webinar whose personal data was not erased."""
    return Attendee.objects.filter(
        webinar_id__in=webinar_ids,
        attended=True,
        registration__isnull=False,
        attendance_import__replaced_at__isnull=True,
        registration__erased_at__isnull=True,
        registration__webinar_id=F("webinar_id"),
    )


def template_for(*, series: Series, webinar: Webinar | None = None) -> CertificateTemplate:
    """The webinar's own design, else the series', else the standard one (not stored)."""
    candidates = CertificateTemplate.objects.filter(series=series).filter(Q(webinar__isnull=True) | Q(webinar=webinar))
    templates = {t.webinar_id: t for t in candidates}
    if webinar is not None and webinar.pk in templates:
        return templates[webinar.pk]
    return templates.get(None) or CertificateTemplate(series=series)


def certificate_by_code(typed: str) -> Certificate | None:
    code = normalise_code(typed)
    if code is None:
        return None
    return Certificate.objects.filter(code=code).first()


def certificates_of_booking(booking: Booking) -> QuerySet[Certificate]:
    """The valid certificates of the person behind a booking (their e-mail address is their identity)."""
    email = normalise_email(booking.email)
    if not email:
        return Certificate.objects.none()
    return Certificate.objects.filter(participant_email=email, revoked_at__isnull=True).order_by("issued_at", "id")


def participant_registrations(certificate: Certificate) -> QuerySet[Registration]:
    """The registrations a certificate rests on, the most recently updated first."""
    if certificate.kind == Certificate.Kind.WEBINAR:
        # A webinar certificate has a registration; were it missing, pk=None reads as IS NULL and finds none.
        registrations = Registration.objects.filter(pk=certificate.registration_id)  # type: ignore[misc]
    else:
        ids = [item.get("id") for item in certificate.webinars or []]
        registrations = Registration.objects.filter(webinar__series_id=certificate.series_id, webinar_id__in=ids)
        registrations = registrations.filter(email__iexact=certificate.participant_email)
    return registrations.filter(erased_at__isnull=True).select_related("booking", "webinar").order_by("-updated_at", "-id")


def current_name(certificate: Certificate) -> str | None:
    """The participant's name as their registration now has it (after a correction)."""
    registration = participant_registrations(certificate).first()
    return registration.name.strip() if registration and registration.name.strip() else None


def registration_for_mail(certificate: Certificate) -> Registration | None:
    """Whose language, time zone and self-service link the certificate's e-mail uses."""
    if certificate.kind == Certificate.Kind.WEBINAR:
        return certificate.registration
    return participant_registrations(certificate).order_by("-webinar__start_date", "-id").first()


def certificates_for_scope(*, webinar: Webinar | None = None, series: Series | None = None) -> QuerySet[Certificate]:
    """The certificates issuing for ``webinar`` (or all of ``series``) is about, series certificates included."""
    if webinar is not None:
        return Certificate.objects.filter(Q(webinar=webinar) | Q(kind=Certificate.Kind.SERIES, series_id=webinar.series_id))
    return Certificate.objects.filter(series=series)


def certificate_counts(*, webinar_ids: list[int]) -> dict[int, int]:
    """Webinar certificates issued (revoked ones included: they were issued) per webinar, one query."""
    from django.db.models import Count

    rows = Certificate.objects.filter(kind=Certificate.Kind.WEBINAR, webinar_id__in=webinar_ids).order_by().values("webinar_id")
    return {row["webinar_id"]: row["n"] for row in rows.annotate(n=Count("id"))}


def webinar_certificates(webinar: Webinar, *, state: str = "", query: str = "") -> QuerySet[Certificate]:
    """The webinar's certificates for the workspace list; ``state`` "valid" or "revoked"; ``query`` a name or a code."""
    certificates = Certificate.objects.filter(kind=Certificate.Kind.WEBINAR, webinar=webinar)
    if state == "valid":
        certificates = certificates.filter(revoked_at__isnull=True)
    elif state == "revoked":
        certificates = certificates.filter(revoked_at__isnull=False)
    query = (query or "").strip()
    if query:
        code = normalise_code(query)
        certificates = certificates.filter(code=code) if code else certificates.filter(name_on_certificate__icontains=query)
    return certificates.order_by("name_on_certificate", "pk")


def certificate_of_webinar(webinar: Webinar, pk: int) -> Certificate | None:
    return Certificate.objects.filter(kind=Certificate.Kind.WEBINAR, webinar=webinar, pk=pk).first()


def certificates_due_count(webinar: Webinar) -> int:
    """Registrations that attended the webinar and hold no certificate for it yet (what "Issue" would issue)."""
    return (
        eligible_attendances(webinar_ids=[webinar.pk])
        .exclude(registration__certificates__kind=Certificate.Kind.WEBINAR)
        .exclude(registration__name="")
        .values("registration_id")
        .distinct()
        .count()
    )


def webinar_certificate_figures(webinar: Webinar) -> dict[str, int]:
    """Issued, valid, revoked and without a PDF yet, for the webinar's certificates (one query)."""
    from django.db.models import Count

    return Certificate.objects.filter(kind=Certificate.Kind.WEBINAR, webinar=webinar).aggregate(
        issued=Count("pk"),
        valid=Count("pk", filter=Q(revoked_at__isnull=True)),
        revoked=Count("pk", filter=Q(revoked_at__isnull=False)),
        without_pdf=Count("pk", filter=Q(revoked_at__isnull=True, pdf="")),
    )


def open_name_corrections(webinar: Webinar) -> QuerySet[NameCorrection]:
    """Corrections waiting for the organiser on the certificates of ``webinar`` and of its series."""
    scope = certificates_for_scope(webinar=webinar)
    return (
        NameCorrection.objects.filter(decision=NameCorrection.Decision.PENDING, certificate__in=scope)
        .select_related("certificate")
        .order_by("requested_at", "pk")
    )


def name_correction_of_webinar(webinar: Webinar, pk: int) -> NameCorrection | None:
    return open_name_corrections(webinar).filter(pk=pk).first()


def design_signatures(design: CertificateTemplate) -> list:
    return list(design.signatures.all()) if design.pk else []
