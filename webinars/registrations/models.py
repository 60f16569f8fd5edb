"""Registrations and organisers' extra questions (their history is in ``audit``, their e-mail in ``mail``).

Invariants kept by the database: one registration per (webinar, e-mail). Capacity is kept
by ``services.registration_create`` under a lock.
"""

from __future__ import annotations

import secrets
import uuid

from anyascii import anyascii
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, CountryField

from webinars.core.i18n import ContentCharField, ContentTextField
from webinars.programme.models import Series, Webinar


class SearchKeyField(models.TextField):
    """The text an organiser's search matches, computed from its row (``compute_search_key``)
    each time the row is written: by ``save()``, ``bulk_create`` or an insert sent with other
    statements (``core.db.insert_statement``), which all call ``pre_save``."""

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = model_instance.compute_search_key()  # type: ignore[attr-defined]
        setattr(model_instance, self.attname, value)
        return value


def new_token() -> str:
    """256 random bits. Named by the first migrations (the random tokens of the first link format)."""
    return secrets.token_urlsafe(32)


#: The fields an organiser's search looks in (``Registration.search_key``).
SEARCHED_FIELDS = ("name", "email", "organisation", "city")


def search_text(text: str) -> str:
    """``text`` as searched: case-folded, plus its Latin transliteration when it differs.

    "Динара Халикова" → "динара халикова dinara khalikova", so a search typed in either
    script finds it (the database's own case-insensitivity covers ASCII only on SQLite).
    """
    folded = " ".join(text.casefold().split())
    latin = " ".join(anyascii(folded).lower().split())
    return folded if latin == folded else f"{folded} {latin}"


class InstitutionType(models.TextChoices):
    STATE = "state", _("State museum or institution")
    MUNICIPAL = "municipal", _("Municipal museum or institution")
    PRIVATE = "private", _("Private museum")
    UNIVERSITY = "university", _("University or research institute")
    NGO = "ngo", _("NGO or foundation")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Another gender")
    PREFER_NOT = "prefer_not", _("Prefer not to say")


class Booking(models.Model):
    """One act of registering: for one webinar or for all upcoming webinars of a series.

    The self-service link and the e-mail confirmation belong to the booking, so a
    registrant confirms once and manages all the webinars they booked together. Those links
    are signed, not stored (``core.links``); raising ``link_version`` revokes them all.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(_("e-mail"), max_length=254)
    series = models.ForeignKey(Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings")
    language = models.CharField(_("preferred language"), max_length=8, default="en")
    time_zone = models.CharField(max_length=64, default="UTC")
    link_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")

    def __str__(self) -> str:
        return str(self.uuid)


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending e-mail confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("expired")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="registrations")
    # No index of its own: the unique constraint (webinar, email) and the indexes below start with it.
    webinar = models.ForeignKey(Webinar, verbose_name=_("webinar"), on_delete=models.PROTECT, related_name="registrations", db_index=False)
    email = models.EmailField(_("e-mail"), max_length=254)
    name = models.CharField(_("name"), max_length=200)
    country: Country = CountryField(_("country"), blank=True)  # the stubs type a CountryField as a plain CharField
    city = models.CharField(_("city"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation (museum)"), max_length=300, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    institution_type = models.CharField(_("institution type"), max_length=20, choices=InstitutionType.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=20, choices=Gender.choices, blank=True)
    language = models.CharField(_("preferred language"), max_length=8, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    consent_privacy_at = models.DateTimeField(_("privacy notice accepted at"))
    consent_recording = models.BooleanField(_("agrees to being recorded"), default=False)
    answers = models.JSONField(_("answers to the series' questions"), default=dict, blank=True)
    # Read by webinar and status (``registration_webinar_status``); pending holds by their own index.
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    source = models.CharField(_("source"), max_length=20, default="web")
    # The join and survey links are signed with this version (``core.links``); erasure raises it.
    link_version = models.PositiveIntegerField(default=0, editable=False)
    # SHA-256 of a join token e-mailed before links were signed, so that link works until it expires.
    # Unique among the rows that have one (a partial index: new registrations have none, and
    # writing one costs no index entry).
    legacy_join_token_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    email_verified_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("unconfirmed until"), null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    join_clicked_at = models.DateTimeField(_("first joined at"), null=True, blank=True)
    join_count = models.PositiveIntegerField(_("join clicks"), default=0)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Name, e-mail, organisation and city as searched (``search_text``), computed whenever the row is written.
    search_key = SearchKeyField(blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["webinar", "email"], name="one_registration_per_email_and_webinar"),
            models.UniqueConstraint(
                fields=["legacy_join_token_hash"], condition=Q(legacy_join_token_hash__isnull=False), name="registration_legacy_join_token"
            ),
            models.CheckConstraint(condition=~Q(status="pending") | Q(expires_at__isnull=False), name="pending_registration_has_expiry"),
        ]
        indexes = [
            models.Index(fields=["webinar", "status"], name="registration_webinar_status"),
            # Lapsed holds (pending past expiry): the seat check of a full webinar probes this for
            # one row instead of reading every pending registration under the seat lock.
            models.Index(fields=["webinar", "expires_at"], condition=Q(status="pending"), name="registration_pending_expiry"),
            # Reach reports (reports app): breakdowns by country, institution type, gender and
            # language in one covering index scan; distinct people by normalised e-mail; erased rows.
            models.Index(fields=["country", "institution_type", "gender", "language", "status", "webinar"], name="registration_reach"),
            models.Index(Lower("email"), F("webinar"), name="registration_email_webinar"),
            models.Index(fields=["webinar"], condition=Q(erased_at__isnull=False), name="registration_erased"),
            # The organisers' table of one webinar, in its default order and sorted by name.
            models.Index(fields=["webinar", "created_at", "id"], name="registration_webinar_created"),
            models.Index(fields=["webinar", "name", "id"], name="registration_webinar_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.webinar}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_key" not in update_fields and set(update_fields) & {*SEARCHED_FIELDS, "erased_at"}:
            kwargs["update_fields"] = [*update_fields, "search_key"]
        super().save(*args, **kwargs)

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def compute_search_key(self) -> str:
        if self.erased_at is not None:
            return ""
        return search_text(" ".join(str(getattr(self, name) or "") for name in SEARCHED_FIELDS))


class RegistrationQuestion(models.Model):
    """An extra question an organiser asks everyone registering for a series."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        YES_NO = "yes_no", _("Yes / no")
        CHOICE = "choice", _("One of several choices")

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="registration_questions")
    label = ContentCharField(_("question"))
    help_text = ContentTextField(_("help text"), blank=True, default="")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True, help_text=_('For "one of several": a list of texts.'))
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("registration question")
        verbose_name_plural = _("registration questions")

    def __str__(self) -> str:
        from webinars.core.i18n import i18n_text

        return i18n_text(self.label)


class SeatCount(models.Model):
    """Seats held per webinar (confirmed + pending registrations), so the seat check reads one
    number instead of counting rows while the webinar is locked.

    Kept by database triggers on the registrations table (migration 0007), in the transaction
    of every change of status, by any code path (services, admin, fixtures, bulk inserts).
    Pending registrations past their hold still count here until the expiry job runs; the
    seat check counts exactly in that case (``seats.seat_is_free``).
    """

    webinar = models.OneToOneField(Webinar, primary_key=True, on_delete=models.CASCADE, related_name="+")
    held = models.IntegerField(default=0)

    class Meta:
        verbose_name = "seat count"

    def __str__(self) -> str:
        return f"{self.webinar_id}: {self.held}"
