"""Writes of certificates: issue, make the PDFs, e-mail, re-issue, revoke, erase.

Issuing is two steps, both safe to repeat:

1. ``certificates_issue`` decides who gets a certificate and stores the rows, in one
   transaction (a short one: no PDF is drawn while the database is locked). Unique
   constraints keep one webinar certificate per registration and one series certificate
   per series and participant; rows that exist already are left alone, so running it
   again issues nothing twice, even when two runs race.
2. ``certificates_render_and_send`` draws the PDFs that are missing and queues one
   e-mail per certificate (idempotency key ``certificate:<code>``), a hundred at a time.
   A run that died half-way is finished by the next one.

The background task ``tasks.issue_certificates`` runs both; ``tasks.issue_certificates_after_commit``
hands it to the queue after the caller's transaction commits (tasks call services, never the
other way round).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import cast

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from webinars.audit.services import log_action
from webinars.core.errors import NotAllowed
from webinars.core.i18n import i18n_dict
from webinars.mail import services as mail
from webinars.programme.models import Series, Webinar
from webinars.registrations import messaging
from webinars.registrations.models import Registration

from . import pdf, selectors, signals
from .models import Certificate, CertificateSignature, CertificateTemplate, NameCorrection, pdf_path

logger = logging.getLogger(__name__)

Kind = Certificate.Kind
CHUNK = 100
ERASED_REASON = "personal data erased at the participant's request"


class CertificateRevoked(NotAllowed):
    """A revoked certificate is not made again."""

    code = "certificate_revoked"

    def __init__(self, code: str) -> None:
        from django.utils.translation import gettext

        super().__init__(gettext("Certificate %(code)s has been revoked; it is not made again.") % {"code": code})
        self.certificate_code = code


@dataclass
class IssueResult:
    webinar_certificates: int = 0
    series_certificates: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"webinar_certificates": self.webinar_certificates, "series_certificates": self.series_certificates}


def webinar_snapshot(webinar: Webinar) -> dict:
    return {
        "id": webinar.pk,
        "title": i18n_dict(webinar.title),
        "original_language": webinar.original_language,
        "date": webinar.start_date.isoformat(),
    }


# --- issuing ---------------------------------------------------------------------------------


def certificates_issue(
    *, webinar: Webinar | None = None, series: Series | None = None, actor=None, now: dt.datetime | None = None
) -> IssueResult:
    """Store the certificates now due for ``webinar`` (and its series), or for every webinar of ``series``.

    * A webinar certificate for each registration with a current attendee record that
      counts as attended.
    * A series certificate for each participant (normalised e-mail) who attended at
      least ``series.series_certificate_min_webinars`` webinars of the series, listing them.
    """
    if (webinar is None) == (series is None):
        raise ValueError("Give a webinar or a series.")
    now = now or timezone.now()
    # One of the two is given (checked above): without a webinar there is a series.
    series = Series.objects.select_related("organiser").get(pk=webinar.series_id if webinar is not None else cast(Series, series).pk)
    result = IssueResult()
    with transaction.atomic():
        webinars = {w.pk: w for w in Webinar.objects.filter(series=series)}
        in_scope = {webinar.pk} if webinar is not None else set(webinars)
        rows = list(
            selectors.eligible_attendances(webinar_ids=list(webinars))
            .values_list("webinar_id", "registration_id", "registration__email", "registration__name", "registration__updated_at")
            .order_by("registration_id")
            .distinct()
        )
        rows = [row for row in rows if (row[3] or "").strip()]
        common = {"series": series, "series_title": i18n_dict(series.title), "issuer": i18n_dict(series.organiser.name)}

        # One certificate per registration that attended a webinar in scope.
        have = set(Certificate.objects.filter(kind=Kind.WEBINAR, webinar_id__in=in_scope).values_list("registration_id", flat=True))
        fresh: dict[int, Certificate] = {}
        for webinar_id, registration_id, email, name, _updated in rows:
            if webinar_id in in_scope and registration_id not in have and registration_id not in fresh:
                fresh[registration_id] = Certificate(
                    kind=Kind.WEBINAR,
                    webinar_id=webinar_id,
                    registration_id=registration_id,
                    participant_email=selectors.normalise_email(email),
                    name_on_certificate=name.strip(),
                    webinars=[webinar_snapshot(webinars[webinar_id])],
                    issued_at=now,
                    issued_by=actor,
                    **common,
                )
        before = Certificate.objects.filter(kind=Kind.WEBINAR, webinar_id__in=in_scope).count()
        Certificate.objects.bulk_create(fresh.values(), batch_size=500, ignore_conflicts=True)
        result.webinar_certificates = Certificate.objects.filter(kind=Kind.WEBINAR, webinar_id__in=in_scope).count() - before

        # One series certificate per participant who attended enough webinars of the series.
        minimum = series.series_certificate_min_webinars
        if minimum:
            attended: dict[str, dict[int, tuple[dt.datetime, str]]] = defaultdict(dict)
            for webinar_id, _registration_id, email, name, updated in rows:
                attended[selectors.normalise_email(email)][webinar_id] = (updated, name.strip())
            have_series = set(Certificate.objects.filter(kind=Kind.SERIES, series=series).values_list("participant_email", flat=True))
            series_fresh = []
            for email, by_webinar in attended.items():
                if len(by_webinar) < minimum or email in have_series:
                    continue
                _latest, name = max(by_webinar.values(), key=lambda pair: pair[0])
                items = sorted((webinar_snapshot(webinars[w]) for w in by_webinar), key=lambda item: (item["date"], item["id"]))
                series_fresh.append(
                    Certificate(
                        kind=Kind.SERIES,
                        participant_email=email,
                        name_on_certificate=name,
                        webinars=items,
                        issued_at=now,
                        issued_by=actor,
                        **common,
                    )
                )
            before = Certificate.objects.filter(kind=Kind.SERIES, series=series).count()
            Certificate.objects.bulk_create(series_fresh, batch_size=500, ignore_conflicts=True)
            result.series_certificates = Certificate.objects.filter(kind=Kind.SERIES, series=series).count() - before
        if result.webinar_certificates or result.series_certificates:
            log_action("certificate.issued", actor=actor, obj=webinar or series, series=series, data=result.as_dict())
            signals.certificates_issued.send(sender=Certificate, series=series, webinar=webinar, result=result, actor=actor)
    return result


def certificates_issue_and_send(
    *, webinar_id: int | None = None, series_id: int | None = None, actor_id: int | None = None
) -> dict[str, int]:
    """What the background task does: issue, then make the PDFs and queue the e-mails."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    webinar = Webinar.objects.select_related("series").get(pk=webinar_id) if webinar_id else None
    series = Series.objects.get(pk=series_id) if series_id and webinar is None else None
    result = certificates_issue(webinar=webinar, series=series, actor=actor)
    sent = certificates_render_and_send(selectors.certificates_for_scope(webinar=webinar, series=series))
    return {**result.as_dict(), **sent}


# --- PDFs and e-mail -------------------------------------------------------------------------


class Layouts:
    """Prepared designs by (series, webinar), built once per run."""

    def __init__(self) -> None:
        self._layouts: dict[tuple[int, int | None], pdf.Layout] = {}
        self._for_series: dict[int, set[int]] = {}

    def for_certificate(self, certificate: Certificate) -> pdf.Layout:
        series = certificate.series
        if series.pk not in self._for_series:
            overrides = CertificateTemplate.objects.filter(series=series, webinar__isnull=False)
            self._for_series[series.pk] = set(overrides.values_list("webinar_id", flat=True))
        webinar_id = certificate.webinar_id if certificate.webinar_id in self._for_series[series.pk] else None
        key = (series.pk, webinar_id)
        if key not in self._layouts:
            webinar = Webinar.objects.get(pk=webinar_id) if webinar_id else None
            self._layouts[key] = pdf.build_layout(selectors.template_for(series=series, webinar=webinar), series)
        return self._layouts[key]


def render_pdf(certificate: Certificate, layouts: Layouts | None = None) -> bytes:
    return pdf.render(certificate, (layouts or Layouts()).for_certificate(certificate))


def _store_pdf(certificate: Certificate, data: bytes) -> str:
    return default_storage.save(pdf_path(certificate, ""), ContentFile(data))


def _delete_file(name: str | None) -> None:
    if name:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete the old certificate file %s", name, exc_info=True)


def _mail_key(certificate: Certificate, version: int | None = None) -> str:
    return f"certificate:{certificate.code}" if not version or version <= 1 else f"certificate:{certificate.code}:v{version}"


def _queue_mail(certificate: Certificate, key: str) -> bool:
    registration = selectors.registration_for_mail(certificate)
    if registration is None:
        return False
    return messaging.queue(kind="certificate", key=key, registration=registration, context={"certificate": certificate.pk}) is not None


def certificates_render_and_send(queryset: QuerySet[Certificate], *, send: bool = True) -> dict[str, int]:
    """Draw the PDFs that are missing and queue each certificate's e-mail (once). Valid certificates only."""
    stats = {"rendered": 0, "queued": 0}
    ids = list(queryset.filter(revoked_at__isnull=True).order_by("pk").values_list("pk", flat=True))
    layouts = Layouts()
    for start in range(0, len(ids), CHUNK):
        chunk = list(
            Certificate.objects.filter(pk__in=ids[start : start + CHUNK], revoked_at__isnull=True)
            .select_related("series__organiser", "registration__booking")
            .order_by("pk")
        )
        stored: dict[int, str] = {}
        for certificate in chunk:
            if not certificate.pdf:
                stored[certificate.pk] = _store_pdf(certificate, render_pdf(certificate, layouts))
        keys = {_mail_key(c): c for c in chunk}
        existing = mail.messages_existing_keys(keys) if send else set(keys)
        with transaction.atomic():
            for certificate in chunk:
                if certificate.pk in stored:
                    # Only if nobody made a PDF meanwhile (a re-issue bumps the version).
                    unchanged = Certificate.objects.filter(pk=certificate.pk, pdf="", version=certificate.version, revoked_at__isnull=True)
                    updated = unchanged.update(pdf=stored[certificate.pk])
                    if not updated:
                        name = stored.pop(certificate.pk)
                        transaction.on_commit(partial(_delete_file, name))
                        continue
                    certificate.pdf.name = stored[certificate.pk]
                    stats["rendered"] += 1
            for key, certificate in keys.items():
                if key not in existing and certificate.pdf:
                    stats["queued"] += _queue_mail(certificate, key)
    return stats


def certificate_reissue(*, certificate: Certificate, name: str | None = None, actor=None, notify: bool = True) -> Certificate:
    """Make the PDF again under the same code, with ``name`` or the registration's current name.

    When the name changed and ``notify`` is set, the participant gets the new PDF by e-mail.
    """
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("series__organiser", "registration__booking")
            .get(pk=certificate.pk)
        )
        if locked.revoked_at is not None:
            raise CertificateRevoked(locked.code)
        new_name = " ".join((name or selectors.current_name(locked) or locked.name_on_certificate).split())[:200]
        renamed = new_name != locked.name_on_certificate
        locked.name_on_certificate = new_name
        locked.version += 1
        locked.save(update_fields=["name_on_certificate", "version", "updated_at"])
        log_action("certificate.reissued", actor=actor, obj=locked, webinar=locked.webinar_id, data={"version": locked.version})
    data = render_pdf(locked)
    stored = _store_pdf(locked, data)
    with transaction.atomic():
        updated = Certificate.objects.filter(pk=locked.pk, version=locked.version, revoked_at__isnull=True).update(pdf=stored)
        if not updated:  # re-issued again or revoked meanwhile: that newer state wins
            transaction.on_commit(lambda: _delete_file(stored))
            locked.refresh_from_db()
            return locked
        old_file = locked.pdf.name
        locked.pdf.name = stored
        if notify and renamed:
            _queue_mail(locked, _mail_key(locked, locked.version))
        transaction.on_commit(lambda: _delete_file(old_file))
    logger.info("Certificate %s re-issued (version %s) by %s", locked.code, locked.version, actor or "the system")
    return locked


def certificates_regenerate(*, certificate_ids: Iterable[int], actor=None) -> dict[str, int]:
    """Re-issue each valid certificate with its registration's current name (admin action)."""
    stats = {"regenerated": 0, "skipped": 0}
    for certificate in Certificate.objects.filter(pk__in=list(certificate_ids)).order_by("pk"):
        try:
            certificate_reissue(certificate=certificate, actor=actor)
            stats["regenerated"] += 1
        except CertificateRevoked:
            stats["skipped"] += 1
    return stats


def certificates_sync_name(*, registration_id: int) -> int:
    """After a name correction, re-issue the certificates resting on this registration."""
    registration = Registration.objects.select_related("webinar").filter(pk=registration_id, erased_at__isnull=True).first()
    if registration is None or not registration.name.strip():
        return 0
    name = " ".join(registration.name.split())[:200]
    count = 0
    for certificate in certificates_of_registration(registration).exclude(name_on_certificate=name):
        try:
            certificate_reissue(certificate=certificate, name=name)
            count += 1
        except CertificateRevoked:
            continue
    return count


def certificates_of_registration(registration: Registration, email: str | None = None) -> QuerySet[Certificate]:
    email = selectors.normalise_email(email if email is not None else registration.email)
    return Certificate.objects.filter(
        Q(registration_id=registration.pk) | Q(kind=Kind.SERIES, series_id=registration.webinar.series_id, participant_email=email),
        revoked_at__isnull=True,
    )


# --- revoking and erasure ----------------------------------------------------------------------


def _cancel_queued_mail(certificate: Certificate, why: str) -> None:
    mail.messages_cancel_queued(key_prefix=f"certificate:{certificate.code}", reason=why)


def certificate_revoke(*, certificate: Certificate, reason: str, actor=None, now: dt.datetime | None = None) -> bool:
    """Revoke a certificate (the verification page then says so). False when it already was."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_reason=(reason or "").strip()[:2000], revoked_by=actor, updated_at=now
        )
        if updated:
            _cancel_queued_mail(certificate, "The certificate was revoked before this e-mail was sent.")
            log_action(
                "certificate.revoked", actor=actor, obj=certificate, webinar=certificate.webinar_id, data={"reason": (reason or "")[:200]}
            )
            signals.certificate_revoked.send(sender=Certificate, certificate=certificate, actor=actor)
    if updated:
        logger.info("Certificate %s revoked by %s", certificate.code, actor)
    return bool(updated)


def certificates_erase_for_registration(*, registration: Registration, email: str, actor=None, now: dt.datetime | None = None) -> int:
    """The participant's personal data is being erased: so are their certificates' name and address.

    The certificates are revoked (the verification page then shows only that, with the date),
    their PDFs deleted; ``email`` is the address the registration had before erasure.
    """
    now = now or timezone.now()
    certificates = list(
        Certificate.objects.filter(
            Q(registration_id=registration.pk)
            | Q(kind=Kind.SERIES, series_id=registration.webinar.series_id, participant_email=selectors.normalise_email(email))
        )
    )
    for certificate in certificates:
        _cancel_queued_mail(certificate, "The participant's personal data was erased.")
        NameCorrection.objects.filter(certificate=certificate).delete()  # requested names are personal data too
        old_file = certificate.pdf.name
        Certificate.objects.filter(pk=certificate.pk).update(
            revoked_at=certificate.revoked_at or now,
            revoked_reason=ERASED_REASON,
            name_on_certificate="",
            participant_email=f"erased-{certificate.code}",
            pdf="",
            updated_at=now,
        )
        transaction.on_commit(partial(_delete_file, old_file))
        log_action("certificate.erased", actor=actor, obj=certificate, webinar=certificate.webinar_id)
    return len(certificates)


def certificate_design_save(
    *,
    design: CertificateTemplate,
    signatures: Iterable[CertificateSignature] = (),
    removed: Iterable[CertificateSignature] = (),
    actor=None,
) -> CertificateTemplate:
    """Store a certificate design and its signatures as the organiser edited them, together.

    Certificates already issued keep their PDF; "Regenerate PDF" applies a new design.
    """
    with transaction.atomic():
        created = design.pk is None
        design.save()
        for signature in removed:
            if signature.pk and signature.template_id == design.pk:
                signature.delete()
        for signature in signatures:
            signature.template = design
            signature.save()
        log_action(
            "certificate.design_saved",
            actor=actor,
            obj=design,
            series=design.series_id,
            webinar=design.webinar_id,
            data={"created": created, "signatures": design.signatures.count()},
        )
    logger.info("Certificate design %s saved by %s", design.pk, actor or "the system")
    return design


def certificate_resend(*, certificate: Certificate, actor=None, now: dt.datetime | None = None) -> bool:
    """E-mail the certificate's current PDF to the participant again (e.g. it was lost in a spam folder)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Certificate.objects.select_for_update(of=("self",)).select_related("registration__booking").get(pk=certificate.pk)
        if locked.revoked_at is not None:
            raise CertificateRevoked(locked.code)
        if not locked.pdf:
            raise NotAllowed(gettext("The PDF of this certificate is still being made: try again in a minute."))
        queued = _queue_mail(locked, f"certificate:{locked.code}:resent:{int(now.timestamp())}")
        log_action("certificate.resent", actor=actor, obj=locked, webinar=locked.webinar_id, series=locked.series_id)
    return queued
