"""Outgoing e-mail of every app: one row per message, sent once per idempotency key.

The mail app sits below registrations, certificates and feedback, so a message does not
point at their models with foreign keys; it names what it is about generically
(``about_type`` + ``about_id``), the series it belongs to (for organisers' views and
permissions) and a ``group`` chosen by the app that queued it (registrations uses
``booking:<id>`` so it can find and erase all of a booking's messages at once).
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from webinars.programme.models import Series


class OutgoingMessageQuerySet(models.QuerySet):
    def about(self, obj: models.Model) -> OutgoingMessageQuerySet:
        """Messages about ``obj`` (e.g. a registration or a booking)."""
        return self.filter(about_type=ContentType.objects.get_for_model(obj), about_id=obj.pk)

    def about_any(self, queryset: models.QuerySet) -> OutgoingMessageQuerySet:
        """Messages about any object of ``queryset`` (one subquery, no ids in Python)."""
        return self.filter(about_type=ContentType.objects.get_for_model(queryset.model), about_id__in=queryset.values("pk"))


class OutgoingMessage(models.Model):
    """An e-mail to send, once. The idempotency key makes every send safe to retry.

    A message is created in the same transaction as the change it reports, and handed
    to a background task after commit; the task marks it sent. Its Message-ID is derived
    from its id and key, so even a resend after a crash between SMTP and the database is
    recognisable as the same message by receiving servers.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    to_email = models.EmailField(max_length=254)
    # No index of its own for the foreign keys, the group and the status: each leads one of the
    # indexes in Meta (every registration writes a message: each index is a write more).
    about_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False)
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    series = models.ForeignKey(
        Series, verbose_name=_("series"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    group = models.CharField(max_length=64, blank=True)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Which worker holds the claim (its journal's name, see delivery/journal.py): a dead
    # worker's claims are handed back at once, a live one's never.
    claimed_by = models.CharField(max_length=100, blank=True)
    # The web request that queued the message: the worker's log lines carry it.
    request_id = models.CharField(max_length=64, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutgoingMessageQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(fields=["about_type", "about_id"], name="outgoing_message_about"),
            models.Index(fields=["series", "status"], name="outgoing_message_series"),
            # The workers' poll: the oldest due messages first.
            models.Index(fields=["status", "id"], name="outgoing_message_due"),
            models.Index(fields=["group"], name="outgoing_message_group"),  # exact matches only: no pattern index
        ]

    def __str__(self) -> str:
        return self.key
