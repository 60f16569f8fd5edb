"""Back office: a read-only view of the e-mail queue, scoped to the series where the user holds ``mail.view_outgoing_messages``."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import AllValuesFieldListFilter
from django.db.models import QuerySet
from django.http import HttpRequest

from webinars.core.admin_utils import ReadOnlyAdminMixin
from webinars.programme.rules import is_active_superuser, may
from webinars.programme.selectors import series_for

from .models import OutgoingMessage
from .selectors import messages_of_series

VIEW = "mail.view_outgoing_messages"


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
        "created_at",
    ]
    # Never "context": it holds the links' tokens (survey, self-service) of the recipient, which
    # organisers must not see (README "Privacy and security").

    def get_queryset(self, request: HttpRequest) -> QuerySet[OutgoingMessage]:
        # The one place that decides whose messages a user sees; the permission checks below use it.
        queryset = super().get_queryset(request)
        if is_active_superuser(request.user):
            return queryset
        return queryset & messages_of_series(series_for(request.user, VIEW))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request.user, VIEW)

    def has_view_permission(self, request: HttpRequest, obj: OutgoingMessage | None = None) -> bool:
        if not may(request.user, VIEW):
            return False
        return obj is None or is_active_superuser(request.user) or self.get_queryset(request).filter(pk=obj.pk).exists()
