"""The e-mail queue, read-only (self-contained, so that it can move with the mail app)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from webinars.core.admin_utils import AllValuesFilter, ReadOnlyAdminMixin
from webinars.programme.rules import is_active_superuser, may
from webinars.programme.selectors import series_for

from ..models import OutgoingMessage, Registration

VIEW = "registrations.view_outgoing_messages"


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What was and will be sent: a read-only view of the e-mail queue (addresses: editors and owners)."""

    list_display = ["key", "kind", "to_email", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", ("kind", AllValuesFilter)]
    list_select_related = ["registration"]
    search_fields = ["key"]
    date_hierarchy = "created_at"
    list_per_page = 100
    fields = readonly_fields = [
        "key",
        "kind",
        "status",
        "to_email",
        "registration",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
        "context",
        "created_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutgoingMessage]:
        queryset = super().get_queryset(request)
        if is_active_superuser(request.user):
            return queryset
        series = series_for(request.user, VIEW)
        # A message of a booking for several webinars names no series: it is the user's when
        # one of the booking's registrations is.
        bookings = Registration.objects.filter(webinar__series__in=series).values("booking_id")
        return queryset.filter(
            Q(registration__webinar__series__in=series)
            | Q(registration__isnull=True, booking__series__in=series)
            | Q(registration__isnull=True, booking_id__in=bookings)
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request.user, VIEW)

    def has_view_permission(self, request: HttpRequest, obj: OutgoingMessage | None = None) -> bool:
        if not may(request.user, VIEW):
            return False
        return obj is None or is_active_superuser(request.user) or self.get_queryset(request).filter(pk=obj.pk).exists()
