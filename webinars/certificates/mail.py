"""The certificate e-mail: the message kind "certificate", registered by this app.

The message's context holds the certificate's id; the e-mail has what every registrant's
e-mail has (``registrations.messaging.registration_rendering``) plus the certificate, its
verification and download addresses, the subject's title and the PDF as an attachment.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from webinars.mail.models import OutgoingMessage
from webinars.mail.registry import MessageKind, Rendering, register
from webinars.registrations.messaging import registration_locale, registration_rendering
from webinars.registrations.selectors import booking_manage_token

from .models import Certificate
from .pdf import verify_url


class CertificateUnavailable(Exception):
    """The certificate was revoked or erased after the e-mail was queued."""


def certificate_rendering(message: OutgoingMessage) -> Rendering:
    certificate = Certificate.objects.filter(pk=(message.context or {}).get("certificate")).select_related("series").first()
    if certificate is None or certificate.is_revoked or not certificate.pdf:
        raise CertificateUnavailable(message.key)
    rendering = registration_rendering(message)
    booking = rendering.context.get("booking")
    with certificate.pdf.open("rb") as handle:
        data = handle.read()
    rendering.title = certificate.subject(translation.get_language())
    rendering.context.update(
        {
            "certificate": certificate,
            "title": rendering.title,
            "is_series": certificate.kind == Certificate.Kind.SERIES,
            "verify_url": verify_url(certificate.code),
            "download_url": settings.SITE_URL + reverse("certificates:download", args=[booking_manage_token(booking), certificate.code])
            if booking is not None
            else "",
        }
    )
    rendering.attachments.append((f"certificate-{certificate.code}.pdf", data, "application/pdf"))
    return rendering


def register_kind() -> None:
    register(
        MessageKind(
            name="certificate",
            subject=gettext_noop("Your certificate: {title}"),
            template="certificates/email/certificate",
            locale=registration_locale,
            build=certificate_rendering,
        )
    )
