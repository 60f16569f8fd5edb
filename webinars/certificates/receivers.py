"""Keep certificates in step with the registrations they rest on, from registrations' domain events
(the registrations app knows nothing of certificates):

* a name corrected by the registrant opens a name correction per certificate, which waits
  for an organiser's approval (``corrections``); a name corrected by an organiser (the
  event's ``actor``) re-issues the certificates at once (same code, new PDF, e-mailed), in
  the background after the correction commits;
* erasing a registration's personal data erases the name and address on its certificates
  and revokes them (in the same transaction as the erasure).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver

from webinars.registrations.models import Registration
from webinars.registrations.signals import registration_details_changed, registration_erased

from . import corrections, selectors, services
from .models import Certificate

logger = logging.getLogger(__name__)


@receiver(registration_erased, sender=Registration, dispatch_uid="certificates_erase_with_registration")
def erase_with_registration(sender: type, registration: Registration, email: str, actor: Any = None, **kwargs: Any) -> None:
    services.certificates_erase_for_registration(registration=registration, email=email, actor=actor)


def _enqueue_sync(registration_id: int) -> None:
    from .tasks import sync_certificate_names

    try:
        sync_certificate_names.enqueue(registration_id)
    except Exception:  # noqa: BLE001 -- the correction is stored; the organiser can still regenerate
        logger.exception("Could not enqueue the re-issue of certificates for registration %s", registration_id)


@receiver(registration_details_changed, sender=Registration, dispatch_uid="certificates_follow_name_correction")
def follow_name_correction(sender: type, registration: Registration, fields: list[str], actor: Any = None, **kwargs: Any) -> None:
    if "name" not in fields or not registration.name.strip():
        return
    if actor is None:  # the registrant: the organiser decides
        corrections.name_correction_request(registration=registration, actor=None)
        return
    name = " ".join(registration.name.split())
    email = selectors.normalise_email(registration.email)
    stale = Certificate.objects.filter(
        Q(registration_id=registration.pk)
        | Q(kind=Certificate.Kind.SERIES, participant_email=email, series__webinars=registration.webinar_id),
        revoked_at__isnull=True,
    ).exclude(name_on_certificate=name)
    if stale.exists():
        registration_id = registration.pk
        transaction.on_commit(lambda: _enqueue_sync(registration_id))
