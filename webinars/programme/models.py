"""Series, webinars, people and organisations: what the public programme is made of."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from webinars.core.i18n import ContentCharField, ContentTextField, RichContentField, i18n_text
from webinars.core.languages import CONTENT_LANGUAGES
from webinars.core.timezones import get_zone, validate_time_zone

TIME_ZONE_MAX_LENGTH = 64


class Organisation(models.Model):
    """An organiser or partner of series and webinars (e.g. a UNESCO office, ICOM Russia)."""

    name = ContentCharField(_("name"))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    website = models.URLField(_("web address"), blank=True)
    address = ContentTextField(_("address"), blank=True, default="", help_text=_("Postal address, as the organisation writes it."))
    original_language = models.CharField(_("original language"), max_length=8, choices=CONTENT_LANGUAGES, default="en")
    # The series an organiser added it for: it is in that series' directory before it organises or partners anything.
    added_for_series = models.ForeignKey(
        "Series", verbose_name=_("added for the series"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["slug"]

    def __str__(self) -> str:
        return i18n_text(self.name, original=self.original_language)


class Person(models.Model):
    """A speaker. Only their public profile (name, bio, photo, affiliation) is ever shown."""

    name = ContentCharField(_("name"), help_text=_("As the person writes it, in each script."))
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    bio = RichContentField(_("biography"), blank=True, default="")
    bio_source = ContentTextField(_("biography (Markdown)"), blank=True, default="")
    photo = models.ImageField(_("photo"), upload_to="people/", blank=True)
    affiliation = ContentCharField(_("affiliation"), blank=True, default="")
    original_language = models.CharField(_("original language"), max_length=8, choices=CONTENT_LANGUAGES, default="en")
    # The series an organiser added the person for: in that series' directory before their first talk.
    added_for_series = models.ForeignKey(
        "Series", verbose_name=_("added for the series"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["slug"]

    def __str__(self) -> str:
        return i18n_text(self.name, original=self.original_language)

    def get_absolute_url(self) -> str:
        return reverse("public:person", args=[self.slug])


def default_reminder_hours() -> list[int]:
    return [24, 1]


def default_link_months() -> int:
    """The installation's default lifetime of registrants' personal links (``SELF_SERVICE_LINK_MONTHS``)."""
    from django.conf import settings

    return int(getattr(settings, "SELF_SERVICE_LINK_MONTHS", 12))


def default_content_languages() -> list[str]:
    return ["en", "ru"]


class Series(models.Model):
    title = ContentCharField(_("title"))
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    summary = ContentTextField(_("summary"), blank=True, default="", help_text=_("One or two sentences for lists and feeds."))
    description = RichContentField(_("description"), blank=True, default="")
    # What the organiser typed (Markdown); ``description`` holds its sanitised HTML for the pages.
    description_source = ContentTextField(_("description (Markdown)"), blank=True, default="")
    organiser = models.ForeignKey(Organisation, verbose_name=_("organiser"), on_delete=models.PROTECT, related_name="organised_series")
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Registrants' replies to the series' e-mails go here (Reply-To). Empty: e-mails say no reply is read."),
    )
    partners = models.ManyToManyField(Organisation, verbose_name=_("partners"), blank=True, related_name="partner_series")
    audience = ContentTextField(_("intended audience"), blank=True, default="")
    region = ContentCharField(_("region"), blank=True, default="")
    countries = CountryField(_("countries"), multiple=True, blank=True)
    time_zone = models.CharField(
        _("organiser's time zone"), max_length=TIME_ZONE_MAX_LENGTH, default="Asia/Almaty", validators=[validate_time_zone]
    )
    original_language = models.CharField(_("original language"), max_length=8, choices=CONTENT_LANGUAGES, default="en")
    content_languages = models.JSONField(
        _("content languages"),
        default=default_content_languages,
        blank=True,
        help_text=_("The languages the series writes its content in; forms show these first."),
    )
    is_sample = models.BooleanField(
        _("sample series"), default=False, help_text=_("Shown with a 'sample' label: demonstration content, not real events.")
    )
    is_published = models.BooleanField(_("published"), default=True)
    # Registration policy of the series (used by the registrations app).
    registration_open = models.BooleanField(_("registration open"), default=True)
    confirm_email = models.BooleanField(
        _("confirm e-mail addresses"),
        default=True,
        help_text=_("Registrants confirm their address by a link (double opt-in). Turn off only for internal events."),
    )
    pending_expiry_hours = models.PositiveIntegerField(
        _("hours to confirm"), default=48, help_text=_("An unconfirmed registration gives its seat back after this many hours.")
    )
    reminder_hours = models.JSONField(
        _("reminders (hours before the start)"), default=default_reminder_hours, blank=True, help_text=_("For example [24, 1].")
    )
    # Attendance and certificates.
    attendance_threshold_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("attendance threshold (% of duration)"),
        default=50,
        help_text=_("The share of the webinar's length a participant must attend to count as attended (and to get a certificate)."),
    )
    series_certificate_min_webinars = models.PositiveSmallIntegerField(
        _("webinars needed for a series certificate"), null=True, blank=True, help_text=_("Empty: no series certificate.")
    )
    # Privacy and security (the series' owners decide).
    retention_months = models.PositiveSmallIntegerField(
        _("delete personal data after (months)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Registrants' and attendees' personal data is erased this many months after each webinar; the counts stay."),
    )
    link_months = models.PositiveSmallIntegerField(
        _("personal links work for (months after the webinar)"),
        default=default_link_months,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "Registrants' self-service, join and survey links stop working this many months after the webinar "
            "(or after they were sent, if later); registrants can ask for fresh links with their e-mail address."
        ),
    )
    require_two_factor = models.BooleanField(
        _("require two-factor sign-in"),
        default=False,
        help_text=_("Everyone with a role on this series must sign in with a second factor (authenticator app or recovery code)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["slug"]

    def __str__(self) -> str:
        return i18n_text(self.title, original=self.original_language)

    def get_absolute_url(self) -> str:
        return reverse("public:series", args=[self.slug])

    @property
    def country_codes(self) -> tuple[str, ...]:
        """The codes of ``countries`` as stored, without a ``Country`` object each (reading
        ``countries`` builds them, with their translated names: a registration form, which
        only orders its country list by the region, does not need them)."""
        if "countries" not in self.__dict__:
            return tuple(country.code for country in self.countries)  # deferred: the descriptor loads it
        return tuple(self._meta.get_field("countries").get_clean_value(self.__dict__["countries"]) or ())


class SeriesSlug(models.Model):
    """Every slug a series has had, so that old addresses keep working after a rename."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="slug_history")
    slug = models.SlugField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.slug


class SeriesRole(models.Model):
    """What a user may do with one series (``programme.rules``): owner ⊇ editor ⊇ viewer.

    Owner: everything, including the series' settings and its team. Editor: content,
    registrations, messages, attendance, certificates. Viewer: read-only and aggregate
    reports (e.g. a partner or donor), never personal data. Nobody sees a series without a role.
    """

    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        EDITOR = "editor", _("editor")
        VIEWER = "viewer", _("viewer")

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="series_roles")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.EDITOR)

    class Meta:
        verbose_name = _("series role")
        verbose_name_plural = _("series roles")
        constraints = [models.UniqueConstraint(fields=["series", "user"], name="one_role_per_user_and_series")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.series}"


class WebinarQuerySet(models.QuerySet):
    def public(self) -> WebinarQuerySet:
        """Webinars anyone may see: everything but drafts, in published series."""
        return self.exclude(status=Webinar.Status.DRAFT).filter(series__is_published=True)


class Webinar(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")
        POSTPONED = "postponed", _("postponed")

    series = models.ForeignKey(Series, verbose_name=_("series"), on_delete=models.PROTECT, related_name="webinars")
    title = ContentCharField(_("theme"))
    slug = models.SlugField(_("slug"), max_length=160)
    summary = ContentTextField(_("summary"), blank=True, default="")
    description = RichContentField(_("description"), blank=True, default="")
    # What the organiser typed (Markdown); ``description`` holds its sanitised HTML for the pages.
    description_source = ContentTextField(_("description (Markdown)"), blank=True, default="")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    start_date = models.DateField(_("date"), help_text=_("The date in the organiser's time zone."))
    starts_at = models.DateTimeField(
        _("start time"),
        null=True,
        blank=True,
        help_text=_("Stored in UTC. Leave empty while the time is not yet announced."),
    )
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=90)
    time_zone = models.CharField(
        _("organiser's time zone"), max_length=TIME_ZONE_MAX_LENGTH, default="Asia/Almaty", validators=[validate_time_zone]
    )
    language = models.CharField(
        _("delivery language"), max_length=8, choices=CONTENT_LANGUAGES, blank=True, help_text=_("Empty when not stated.")
    )
    interpretation_languages = models.JSONField(_("interpretation languages"), default=list, blank=True)
    original_language = models.CharField(_("original language"), max_length=8, choices=CONTENT_LANGUAGES, default="en")
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True, help_text=_("Empty means unlimited."))
    meeting_url = models.URLField(
        _("meeting address"), max_length=500, blank=True, help_text=_("Private: only sent to confirmed registrants.")
    )
    recording_url = models.URLField(_("recording address"), max_length=500, blank=True)
    source_url = models.URLField(
        _("original page"), max_length=500, blank=True, help_text=_("Where this webinar was first announced, if elsewhere.")
    )
    partners = models.ManyToManyField(Organisation, verbose_name=_("partners"), blank=True, related_name="partner_webinars")
    registration_open = models.BooleanField(_("registration open"), default=True)
    # Derived from the start and duration (end of the day when the time is not yet
    # announced) so "upcoming" and "past" are one indexed comparison in SQL.
    ends_at = models.DateTimeField(editable=False, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WebinarQuerySet.as_manager()

    class Meta:
        verbose_name = _("webinar")
        verbose_name_plural = _("webinars")
        ordering = ["start_date", "starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "slug"], name="webinar_slug_unique_in_series"),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="webinar_duration_positive"),
        ]
        indexes = [models.Index(fields=["status", "start_date"], name="webinar_status_date")]

    def __str__(self) -> str:
        return i18n_text(self.title, original=self.original_language)

    def save(self, *args, **kwargs) -> None:
        # ends_at is a derived column, kept right on every save path (admin, services, fixtures).
        self.ends_at = compute_ends_at(self.start_date, self.starts_at, self.duration_minutes, self.time_zone)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "ends_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("public:webinar", args=[self.series.slug, self.slug])

    def get_permanent_url(self) -> str:
        return reverse("public:permalink", args=[self.pk])

    @property
    def time_announced(self) -> bool:
        return self.starts_at is not None

    @property
    def is_public(self) -> bool:
        """Anyone may see it: not a draft, in a published series (as ``WebinarQuerySet.public``)."""
        return self.status != self.Status.DRAFT and self.series.is_published

    @property
    def zone(self):
        return get_zone(self.time_zone)


def compute_ends_at(start_date: dt.date, starts_at: dt.datetime | None, duration_minutes: int, time_zone: str) -> dt.datetime:
    """When a webinar is over: start + duration, or the end of its day in the organiser's zone."""
    if starts_at is not None:
        return starts_at + dt.timedelta(minutes=duration_minutes)
    next_day = dt.datetime.combine(start_date + dt.timedelta(days=1), dt.time(0, 0), tzinfo=get_zone(time_zone))
    return next_day.astimezone(dt.UTC)


class WebinarSlug(models.Model):
    """Every (series, slug) address a webinar has had."""

    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="slug_history")
    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(max_length=160)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "slug"], name="webinar_old_slug_unique_in_series")]

    def __str__(self) -> str:
        return self.slug


class WebinarSpeaker(models.Model):
    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="speakers")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="talks")
    role = ContentCharField(_("role line"), blank=True, default="", help_text=_("Shown under the name on the webinar page."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["webinar", "person"], name="speaker_once_per_webinar")]

    def __str__(self) -> str:
        return str(self.person)


class WebinarLink(models.Model):
    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="links")
    title = ContentCharField(_("title"))
    url = models.URLField(_("address"), max_length=500, blank=True, help_text=_("May stay empty when the source only names the resource."))
    language = models.CharField(_("language"), max_length=8, choices=CONTENT_LANGUAGES, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("useful link")
        verbose_name_plural = _("useful links")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return i18n_text(self.title)
