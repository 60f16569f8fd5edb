"""Public verification of certificates, and the participant's own download.

The verification pages show only what a certificate states: the name, what was attended
(titles and dates), when it was issued and by which organiser, or that it was revoked
(with the date, never the reason). No e-mail address, organisation, city or any other
registration detail is read for them. They are never cached (a revocation shows at once),
not indexed, and limited to 30 requests a minute per client address, which with 80-bit
codes makes guessing hopeless. An unknown code and a malformed one get the same 404.

A PDF is downloaded only through the booking's secret self-service link, never by code.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from webinars.core.files import private_file_response
from webinars.core.http import private_response
from webinars.core.ratelimit import client_address, over_limit
from webinars.registrations.selectors import booking_by_manage_token

from . import selectors, services
from .codes import normalise_code
from .models import Certificate

VERIFY_SCOPE = "certificate-verify"


def _verify_limit() -> int:
    return getattr(settings, "CERTIFICATE_VERIFY_RATE_LIMIT", 30)


def _too_many(request: HttpRequest) -> HttpResponse | None:
    if over_limit(VERIFY_SCOPE, client_address(request), limit=_verify_limit(), window_seconds=60):
        response = render(request, "certificates/too_many.html", status=429)
        response["Retry-After"] = "60"
        return private_response(response)
    return None


def _not_found(request: HttpRequest) -> HttpResponse:
    return private_response(render(request, "certificates/not_found.html", {"form_code": ""}, status=404))


@never_cache
@require_safe
def verify_form(request: HttpRequest) -> HttpResponse:
    """A form for a typed code; a code in ``?code=`` is normalised and opened."""
    typed = request.GET.get("code", "")
    if not typed:
        return private_response(render(request, "certificates/verify_form.html", {"typed": ""}))
    code = normalise_code(typed)  # no lookup here: the rate limit counts the certificate page it leads to
    if code is None:
        error = _("That is not a certificate code. A code looks like MW-7KQ2-XD9P-4HTM-ZC3F.")
        return private_response(render(request, "certificates/verify_form.html", {"typed": typed[:100], "error": error}, status=400))
    return private_response(HttpResponseRedirect(reverse("certificates:verify", args=[code])))


@never_cache
@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    limited = _too_many(request)
    if limited is not None:
        return limited
    canonical = normalise_code(code)
    if canonical is None:
        return _not_found(request)
    if canonical != code:
        return private_response(HttpResponseRedirect(reverse("certificates:verify", args=[canonical])))
    certificate = (
        Certificate.objects.filter(code=canonical)
        .only("code", "kind", "name_on_certificate", "webinars", "series_title", "issuer", "issued_at", "revoked_at")
        .first()
    )
    if certificate is None:
        return _not_found(request)
    return private_response(render(request, "certificates/verify.html", {"certificate": certificate}))


@never_cache
@require_safe
def download(request: HttpRequest, token: str, code: str) -> HttpResponse:
    """The certificate's PDF, for the holder of the booking's self-service link only."""
    booking = booking_by_manage_token(token)
    canonical = normalise_code(code)
    if booking is None or canonical is None:
        raise Http404
    certificate = selectors.certificates_of_booking(booking).filter(code=canonical).select_related("series__organiser").first()
    if certificate is None:
        raise Http404
    if not certificate.pdf:
        services.certificates_render_and_send(Certificate.objects.filter(pk=certificate.pk), send=False)
        certificate.refresh_from_db()
        if not certificate.pdf:
            raise Http404
    # Streamed after the checks above, or a short-lived signed address of the bucket (MEDIA_SIGNED_URL_SECONDS).
    return private_file_response(certificate.pdf, filename=f"certificate-{certificate.code}.pdf", content_type="application/pdf")
