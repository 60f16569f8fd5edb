"""The activity log in the admin: a read-only history inline for any object's change page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from webinars.core.admin_utils import ReadOnlyAdminMixin

from .display import describe, details
from .models import LogEntry


class LogEntryInline(ReadOnlyAdminMixin, GenericTabularInline):
    """The object's history: written by the services, never edited here."""

    model = LogEntry
    extra = 0
    can_delete = False
    fields = readonly_fields = ["when", "what", "change", "by"]
    ordering = ["created_at", "id"]
    verbose_name = _("history entry")
    verbose_name_plural = _("history")

    def get_queryset(self, request: HttpRequest) -> QuerySet[LogEntry]:
        return super().get_queryset(request).select_related("actor")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Whoever may see the object may see its history (the parent admin decided that).
        return True

    @admin.display(description=_("when"))
    def when(self, entry: LogEntry) -> Any:
        return entry.created_at

    @admin.display(description=_("what happened"))
    def what(self, entry: LogEntry) -> str:
        return describe(entry)

    @admin.display(description=_("change"))
    def change(self, entry: LogEntry) -> str:
        return details(entry) or "–"

    @admin.display(description=_("by"))
    def by(self, entry: LogEntry) -> str:
        return str(entry.actor) if entry.actor_id else gettext("the registrant or the system")
