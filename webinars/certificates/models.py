"""Certificates of attendance, their printed design, and the codes that verify them.

A ``Certificate`` is issued to a participant for one webinar (kind "webinar", tied to the
registration that attended) or for a series (kind "series", once the participant attended
enough of its webinars). The participant's identity across a series is their normalised
e-mail address (``participant_email``): every registration of the series made with that
address counts, whichever booking it came from. The database keeps the rules "one
webinar certificate per registration" and "one series certificate per series and
participant", so issuing again never issues twice.

What a certificate certifies (name, webinars with dates, series title, issuing
organisation) is a snapshot taken when it is issued, so renaming a webinar later does
not change a certificate someone already holds. The code never changes; a corrected
name produces a new PDF (``version`` + 1) under the same code.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from webinars.core.i18n import ContentCharField, ContentTextField, i18n_text
from webinars.core.languages import CONTENT_LANGUAGE_CODES
from webinars.programme.models import Series, Webinar
from webinars.registrations.models import Registration

from .codes import new_code

colour_validator = RegexValidator(r"^#[0-9A-Fa-f]{6}$", _("A colour like #1F3A5F."))
MAX_PRINTED_LANGUAGES = 2


def default_languages() -> list[str]:
    return ["en", "ru"]


def pdf_path(instance: Certificate, filename: str) -> str:
    """A random file name: the PDF must not be reachable by anyone who merely knows the code."""
    return f"certificates/pdf/{secrets.token_hex(16)}.pdf"


class CertificateTemplate(models.Model):
    """The design and wording of a series' certificates, or of one webinar's (an override)."""

    series = models.ForeignKey(Series, verbose_name=_("series"), on_delete=models.CASCADE, related_name="certificate_templates")
    webinar = models.ForeignKey(
        Webinar,
        verbose_name=_("only for the webinar"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="certificate_templates",
        help_text=_("Leave empty for the series' certificates; choose a webinar to give it a design of its own."),
    )
    languages = models.JSONField(
        _("languages to print"),
        default=default_languages,
        help_text=_('One or two language codes printed side by side, for example ["en", "ru"].'),
    )
    title = ContentCharField(_("title"), blank=True, default="", help_text=_("Empty: “Certificate of attendance”."))
    intro = ContentCharField(_("line before the name"), blank=True, default="", help_text=_("Empty: “This is to certify that”."))
    webinar_text = ContentCharField(
        _("line after the name (webinar)"),
        blank=True,
        default="",
        help_text=_("{webinar} and {date} are replaced. Empty: “attended the webinar «{webinar}» on {date}”."),
    )
    series_text = ContentCharField(
        _("line after the name (series)"),
        blank=True,
        default="",
        help_text=_("{series} and {count} are replaced; the webinars and dates follow. Empty: the standard wording."),
    )
    body = ContentTextField(_("further text"), blank=True, default="", help_text=_("Printed under the statement, e.g. the programme."))
    organiser_logo = models.ImageField(
        _("organiser's logo"), upload_to="certificates/logos/", blank=True, help_text=_("Empty: the organiser's logo in the programme.")
    )
    partner_logo = models.ImageField(
        _("partner's logo"), upload_to="certificates/logos/", blank=True, help_text=_("Empty: the partners' logos in the programme.")
    )
    second_partner_logo = models.ImageField(_("second partner's logo"), upload_to="certificates/logos/", blank=True)
    use_programme_logos = models.BooleanField(
        _("use the programme's logos"), default=True, help_text=_("Print the organisations' logos where no logo is uploaded here.")
    )
    hours = models.DecimalField(
        _("hours of learning"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("200"))],
        help_text=_(
            "Printed on the certificate, e.g. 1.5. A series certificate counts them for each webinar it lists. Empty: not printed."
        ),
    )
    primary_colour = models.CharField(_("primary colour"), max_length=7, default="#1F3A5F", validators=[colour_validator])
    accent_colour = models.CharField(_("accent colour"), max_length=7, default="#B8862B", validators=[colour_validator])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("certificate design")
        verbose_name_plural = _("certificate designs")
        ordering = ["series", "webinar"]
        constraints = [
            models.UniqueConstraint(fields=["series"], condition=Q(webinar__isnull=True), name="one_certificate_template_per_series"),
            models.UniqueConstraint(fields=["webinar"], condition=Q(webinar__isnull=False), name="one_certificate_template_per_webinar"),
        ]

    def __str__(self) -> str:
        return str(self.webinar) if self.webinar_id else str(self.series)

    def clean(self) -> None:
        super().clean()
        if self.webinar_id and self.series_id and self.webinar.series_id != self.series_id:
            raise ValidationError({"webinar": _("Choose a webinar of this series.")})
        languages = self.languages
        if (
            not isinstance(languages, list)
            or not 1 <= len(languages) <= MAX_PRINTED_LANGUAGES
            or any(code not in CONTENT_LANGUAGE_CODES for code in languages)
            or len(set(languages)) != len(languages)
        ):
            raise ValidationError(
                {"languages": _("Give one or two of these codes: %(codes)s.") % {"codes": ", ".join(CONTENT_LANGUAGE_CODES)}}
            )


class CertificateSignature(models.Model):
    template = models.ForeignKey(CertificateTemplate, on_delete=models.CASCADE, related_name="signatures")
    image = models.ImageField(_("signature"), upload_to="certificates/signatures/", blank=True)
    name = ContentCharField(_("name of the signer"))
    role = ContentCharField(_("role"), blank=True, default="", help_text=_("For example “Director, Central State Museum”."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return i18n_text(self.name)


class Certificate(models.Model):
    class Kind(models.TextChoices):
        WEBINAR = "webinar", _("webinar")
        SERIES = "series", _("series")

    code = models.CharField(_("code"), max_length=24, unique=True, default=new_code, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    series = models.ForeignKey(Series, verbose_name=_("series"), on_delete=models.PROTECT, related_name="certificates")
    webinar = models.ForeignKey(
        Webinar, verbose_name=_("webinar"), null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.PROTECT, related_name="certificates", help_text=_("Of a webinar certificate.")
    )
    participant_email = models.CharField(
        _("participant's e-mail"), max_length=254, db_index=True, help_text=_("Normalised: the participant's identity across the series.")
    )
    name_on_certificate = models.CharField(_("name on the certificate"), max_length=200)
    webinars = models.JSONField(
        _("webinars attended"), default=list, blank=True, help_text=_("Snapshot: id, title in each language and date of each webinar.")
    )
    series_title = models.JSONField(default=dict, blank=True)
    issuer = models.JSONField(_("issued by (organiser)"), default=dict, blank=True)
    issued_at = models.DateTimeField(_("issued at"), db_index=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revoking"), blank=True, help_text=_("Never shown publicly."))
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pdf = models.FileField(_("PDF"), upload_to=pdf_path, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, help_text=_("Goes up each time the PDF is made again."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["registration"], condition=Q(kind="webinar"), name="one_webinar_certificate_per_registration"),
            models.UniqueConstraint(
                fields=["series", "participant_email"], condition=Q(kind="series"), name="one_series_certificate_per_participant"
            ),
            models.CheckConstraint(
                condition=(Q(kind="webinar", webinar__isnull=False, registration__isnull=False) | Q(kind="series", webinar__isnull=True)),
                name="certificate_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def subject(self, language: str | None = None) -> str:
        """What it certifies, in one line: the webinar's or the series' title."""
        if self.kind == self.Kind.WEBINAR and self.webinars:
            item = self.webinars[0]
            return i18n_text(item.get("title"), language, item.get("original_language"))
        return i18n_text(self.series_title, language)


class NameCorrection(models.Model):
    """A registrant corrected their name after a certificate was issued: the organiser decides.

    Approving re-issues the certificate under the same code with the requested name (and
    e-mails it); refusing leaves the certificate as it is. One open request per certificate:
    a second correction before the decision replaces the requested name. Deleted with the
    certificate's personal data (erasure).
    """

    class Decision(models.TextChoices):
        PENDING = "pending", _("waiting for a decision")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn (the name was changed back)")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="name_corrections")
    requested_name = models.CharField(_("requested name"), max_length=200)
    requested_at = models.DateTimeField(_("requested at"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("name correction")
        verbose_name_plural = _("name corrections")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate"], condition=Q(decision="pending"), name="one_open_name_correction_per_certificate"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.get_decision_display()}"
