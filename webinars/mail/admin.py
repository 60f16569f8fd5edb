"""Back office: a read-only view of the e-mail queue, scoped to the series a user may edit."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import AllValuesFieldListFilter
from django.db.models import QuerySet
from django.http import HttpRequest

from webinars.programme.selectors import series_editable_by

from .models import OutgoingMessage
from .selectors import messages_of_series


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(admin.ModelAdmin):
    """What was and will be sent. Nobody edits it: the services own every change of state."""

    list_display = ["key", "kind", "to_email", "status", "attempts", "series", "created_at", "sent_at"]
    list_filter = ["status", ("kind", AllValuesFieldListFilter)]
    list_select_related = ["series"]
    search_fields = ["key"]
    date_hierarchy = "created_at"
    list_per_page = 100
    fields = readonly_fields = [
        "key",
        "kind",
        "status",
        "to_email",
        "series",
        "about_type",
        "about_id",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
        "last_error",
        "context",
        "created_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutgoingMessage]:
        # The one place that decides whose messages a user sees; the permission checks below use it.
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset & messages_of_series(series_editable_by(request.user))

    def has_view_permission(self, request: HttpRequest, obj: OutgoingMessage | None = None) -> bool:
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or request.user.is_superuser or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutgoingMessage | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OutgoingMessage | None = None) -> bool:
        return False
