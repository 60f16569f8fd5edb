"""The activity log: one row per thing a person or the system did, under a namespaced code.

Codes are ``<domain>.<what happened>`` (``registration.cancelled``, ``attendance.imported``,
``export.registrations``); ``display.ACTIONS`` renders each in the reader's language. A row
points at the object it is about (generic relation) and, for filtering, at its series and
webinar. ``data`` holds structured details (statuses, counts, ids), never a copy of
personal data: names and addresses are read from the object when the row is shown, so an
erasure there leaves nothing behind here.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LogEntry(models.Model):
    action = models.CharField(_("action"), max_length=80, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The foreign keys below have no index of their own: each leads one of the indexes in Meta
    # (a line is written with every registration: each index is a write more).
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    content_object = GenericForeignKey("content_type", "object_id")
    # No database constraint: the log outlives what it tells of (a deleted webinar keeps its history).
    series = models.ForeignKey(
        "programme.Series", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", db_index=False
    )
    webinar = models.ForeignKey(
        "programme.Webinar", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", db_index=False
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("activity log entry")
        verbose_name_plural = _("activity log")
        indexes = [
            models.Index(fields=["content_type", "object_id", "created_at"], name="log_entry_object"),
            models.Index(fields=["series", "created_at"], name="log_entry_series"),
            models.Index(fields=["webinar", "created_at"], name="log_entry_webinar"),
        ]

    def __str__(self) -> str:
        return f"{self.action} #{self.pk}"

    @property
    def display(self) -> str:
        from .display import describe

        return describe(self)
