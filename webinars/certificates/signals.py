"""Keep certificates in step with the registrations they rest on, without the registrations
app knowing about certificates:

* a corrected name re-issues the participant's certificates (same code, new PDF, e-mailed),
  in the background after the correction commits;
* erasing a registration's personal data erases the name and address on its certificates
  and revokes them (in the same transaction as the erasure).
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from webinars.registrations.models import Registration

from . import selectors, services
from .models import Certificate

logger = logging.getLogger(__name__)


@receiver(pre_save, sender=Registration, dispatch_uid="certificates_erase_with_registration")
def erase_with_registration(sender, instance: Registration, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None or instance.erased_at is None:
        return
    before = Registration.objects.filter(pk=instance.pk).values("email", "erased_at").first()
    if before is None or before["erased_at"] is not None:
        return
    services.certificates_erase_for_registration(registration=instance, email=before["email"])


def _enqueue_sync(registration_id: int) -> None:
    from .tasks import sync_certificate_names

    try:
        sync_certificate_names.enqueue(registration_id)
    except Exception:  # noqa: BLE001 -- the correction is stored; the organiser can still regenerate
        logger.exception("Could not enqueue the re-issue of certificates for registration %s", registration_id)


@receiver(post_save, sender=Registration, dispatch_uid="certificates_follow_name_correction")
def follow_name_correction(sender, instance: Registration, created: bool, raw: bool = False, update_fields=None, **kwargs) -> None:
    if created or raw or instance.erased_at is not None or not instance.name.strip():
        return
    if update_fields is not None and "name" not in update_fields:
        return
    name = " ".join(instance.name.split())
    email = selectors.normalise_email(instance.email)
    stale = Certificate.objects.filter(
        Q(registration_id=instance.pk) | Q(kind=Certificate.Kind.SERIES, participant_email=email, series__webinars=instance.webinar_id),
        revoked_at__isnull=True,
    ).exclude(name_on_certificate=name)
    if stale.exists():
        registration_id = instance.pk
        transaction.on_commit(lambda: _enqueue_sync(registration_id))
