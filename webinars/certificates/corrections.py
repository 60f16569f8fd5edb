"""Name corrections made by registrants wait for the organiser (writes; the reads are in ``selectors``).

A registrant who corrects their name on the self-service page changes their registration at
once; the certificates they already hold keep the printed name until an organiser looks:
``name_correction_request`` (called from the registrations app's domain event, in the same
transaction) opens one correction per valid certificate whose name differs. Approving
re-issues the certificate under the same code with the requested name and e-mails the new
PDF; refusing leaves it as it is. Each step is logged on the certificate (ids only: the
names stay in the correction row, which is deleted with the participant's data).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from webinars.audit.services import log_action
from webinars.core.errors import NotAllowed
from webinars.registrations.models import Registration

from .models import Certificate, NameCorrection
from .services import CertificateRevoked, certificate_reissue, certificates_of_registration

Decision = NameCorrection.Decision


def _log(code: str, correction: NameCorrection, certificate: Certificate, actor) -> None:
    log_action(
        code, actor=actor, obj=certificate, webinar=certificate.webinar_id, series=certificate.series_id, data={"correction": correction.pk}
    )


def name_correction_request(*, registration: Registration, actor=None, now: dt.datetime | None = None) -> int:
    """The registrant's name changed: open (or update) a correction for each certificate printed with another name.

    A correction still open for a certificate whose printed name is the registrant's name
    again is withdrawn. Returns how many corrections are open or updated now.
    """
    now = now or timezone.now()
    name = " ".join(registration.name.split())[:200]
    if not name or registration.erased_at is not None:
        return 0
    count = 0
    with transaction.atomic():
        certificates = list(certificates_of_registration(registration))
        open_ = {c.certificate_id: c for c in NameCorrection.objects.filter(certificate__in=certificates, decision=Decision.PENDING)}
        for certificate in certificates:
            correction = open_.get(certificate.pk)
            if certificate.name_on_certificate == name:
                if correction is not None:
                    correction.decision, correction.decided_at = Decision.WITHDRAWN, now
                    correction.save(update_fields=["decision", "decided_at"])
                    _log("certificate.name_correction_withdrawn", correction, certificate, actor)
                continue
            if correction is None:
                correction = NameCorrection.objects.create(certificate=certificate, requested_name=name, requested_at=now)
            elif correction.requested_name != name:
                correction.requested_name, correction.requested_at = name, now
                correction.save(update_fields=["requested_name", "requested_at"])
            else:
                continue
            _log("certificate.name_correction_requested", correction, certificate, actor)
            count += 1
    return count


def _lock_open(correction: NameCorrection) -> NameCorrection:
    locked = NameCorrection.objects.select_for_update(of=("self",)).select_related("certificate").get(pk=correction.pk)
    if locked.decision != Decision.PENDING:
        raise NotAllowed(_("This name correction has been decided already."))
    return locked


def name_correction_approve(*, correction: NameCorrection, actor, now: dt.datetime | None = None) -> Certificate:
    """Re-issue the certificate with the requested name (same code, new PDF, e-mailed). All or nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_open(correction)
        certificate = locked.certificate
        if certificate.revoked_at is not None:
            raise CertificateRevoked(certificate.code)
        locked.decision, locked.decided_by, locked.decided_at = Decision.APPROVED, actor, now
        locked.save(update_fields=["decision", "decided_by", "decided_at"])
        _log("certificate.name_correction_approved", locked, certificate, actor)
        # One PDF, drawn inside the transaction: approval and new certificate stand or fall together.
        return certificate_reissue(certificate=certificate, name=locked.requested_name, actor=actor, notify=True)


def name_correction_refuse(*, correction: NameCorrection, actor, now: dt.datetime | None = None) -> NameCorrection:
    """Keep the printed name; the correction is closed as refused."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_open(correction)
        locked.decision, locked.decided_by, locked.decided_at = Decision.REFUSED, actor, now
        locked.save(update_fields=["decision", "decided_by", "decided_at"])
        _log("certificate.name_correction_refused", locked, locked.certificate, actor)
    return locked
