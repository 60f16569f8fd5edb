"""Attendance from meeting platforms' reports, matched to registrations.

One ``AttendanceImport`` per uploaded file; its ``Attendee`` rows are the people in the
report with their joins summed into minutes. An attendee is linked to a registration
(matched by e-mail, by name, or by the organiser on the review screen) or recorded as a
walk-in. Only the current (not replaced) import of a webinar counts.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from webinars.programme.models import Webinar
from webinars.registrations.models import Registration


class AttendanceImport(models.Model):
    class Format(models.TextChoices):
        ZOOM_WEBINAR = "zoom_webinar", _("Zoom webinar attendee report")
        ZOOM_MEETING = "zoom_meeting", _("Zoom meeting participants report")
        TEAMS = "teams", _("Microsoft Teams attendance report")
        BIGBLUEBUTTON = "bigbluebutton", _("BigBlueButton learning dashboard")
        GENERIC = "generic", _("Generic CSV with a column mapping")

    webinar = models.ForeignKey(Webinar, on_delete=models.PROTECT, related_name="attendance_imports")
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, help_text=_("Digest of the file: the same file imported again changes nothing."))
    column_mapping = models.JSONField(default=dict, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True, help_text=_("Set when a corrected file replaced this import."))
    rows = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    # Not columns: seconds per step and what was read and matched (planning.ImportPlan), set on the
    # import that services.import_attendance returns.
    timings: dict[str, float]
    plan: Any

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("attendance import")
        verbose_name_plural = _("attendance imports")
        constraints = [
            # At most one current import per webinar.
            models.UniqueConstraint(fields=["webinar"], condition=Q(replaced_at__isnull=True), name="one_current_import_per_webinar")
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_format_display()})"


class Attendee(models.Model):
    class Match(models.TextChoices):
        REGISTRANT = "registrant", _("matched by registration id")
        EMAIL = "email", _("matched by e-mail")
        NAME = "name", _("matched by name")
        MANUAL = "manual", _("matched by the organiser")
        AMBIGUOUS = "ambiguous", _("needs review: possible registrations proposed")
        UNMATCHED = "unmatched", _("needs review: no registration found")
        WALK_IN = "walk_in", _("walk-in (attended without registering)")
        IGNORED = "ignored", _("ignored (host, panelist or not a participant)")

    attendance_import = models.ForeignKey(AttendanceImport, on_delete=models.CASCADE, related_name="attendees")
    webinar = models.ForeignKey(Webinar, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(_("name in the report"), max_length=300, blank=True)
    email = models.CharField(_("e-mail in the report"), max_length=254, blank=True)
    minutes = models.PositiveIntegerField(_("minutes attended"), default=0)
    joins = models.PositiveIntegerField(_("joins"), default=1)
    first_join_at = models.DateTimeField(null=True, blank=True)
    last_leave_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(_("counts as attended"), default=False, help_text=_("Minutes at or above the series' threshold."))
    registration = models.ForeignKey(Registration, null=True, blank=True, on_delete=models.SET_NULL, related_name="attendances")
    match = models.CharField(_("match"), max_length=20, choices=Match.choices, db_index=True)
    match_score = models.FloatField(_("name similarity"), null=True, blank=True)
    candidates = models.JSONField(default=list, blank=True, help_text=_("Registration ids proposed for review, best first."))
    role = models.CharField(_("role in the meeting"), max_length=20, blank=True, help_text=_("Host, panelist... (never matched)."))
    other_names = models.JSONField(default=list, blank=True, help_text=_("Other names the report gives the same person."))
    intervals = models.JSONField(
        default=list, blank=True, help_text=_("Merged stretches of presence, [start, end] in UTC seconds since 1970 (empty: totals only).")
    )
    seconds = models.PositiveIntegerField(_("seconds attended"), default=0)
    flags = models.JSONField(
        default=list,
        blank=True,
        help_text=_("What the import found to check, per row: longer than the session, a day-first date, a shared name at the same time."),
    )
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        indexes = [
            models.Index(fields=["webinar", "attended"], name="attendee_webinar_attended"),
            models.Index(fields=["attendance_import", "match"], name="attendee_import_match"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def needs_review(self) -> bool:
        return self.match in (self.Match.AMBIGUOUS, self.Match.UNMATCHED)
