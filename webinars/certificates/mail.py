"""The certificate e-mail: a hook of ``registrations.messaging.render`` for kind "certificate".

The message's context holds the certificate's id; the hook adds what the e-mail templates
show (the certificate, its verification and download addresses), the subject's title and
the PDF as an attachment.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from webinars.registrations.selectors import booking_manage_token

from .models import Certificate
from .pdf import verify_url


class CertificateUnavailable(Exception):
    """The certificate was revoked or erased after the e-mail was queued."""


def certificate_email_context(message, context: dict) -> dict:
    certificate = Certificate.objects.filter(pk=(message.context or {}).get("certificate")).select_related("series").first()
    if certificate is None or certificate.is_revoked or not certificate.pdf:
        raise CertificateUnavailable(message.key)
    booking = context.get("booking")
    language = translation.get_language()
    with certificate.pdf.open("rb") as handle:
        data = handle.read()
    return {
        "certificate": certificate,
        "title": certificate.subject(language),
        "is_series": certificate.kind == Certificate.Kind.SERIES,
        "verify_url": verify_url(certificate.code),
        "download_url": settings.SITE_URL + reverse("certificates:download", args=[booking_manage_token(booking), certificate.code])
        if booking is not None
        else "",
        "attachments": [(f"certificate-{certificate.code}.pdf", data, "application/pdf")],
    }
