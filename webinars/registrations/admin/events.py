"""The audit log of a registration, shown on its change page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from webinars.programme.rules import may

from ..models import Registration, RegistrationEvent

Status = Registration.Status


class RegistrationEventInline(admin.TabularInline):
    """The audit log: read-only, written by the services."""

    model = RegistrationEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ["when", "what", "status_change", "by", "note"]
    ordering = ["at", "id"]
    verbose_name = _("history entry")
    verbose_name_plural = _("history")

    def get_queryset(self, request: HttpRequest) -> QuerySet[RegistrationEvent]:
        return super().get_queryset(request).select_related("actor")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, "registrations.view_registrations", obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("when"))
    def when(self, event: RegistrationEvent):
        return event.at

    @admin.display(description=_("what happened"))
    def what(self, event: RegistrationEvent) -> str:
        return event.action

    @admin.display(description=_("status"))
    def status_change(self, event: RegistrationEvent) -> str:
        labels = dict(Status.choices)
        before = labels.get(event.from_status, event.from_status) if event.from_status else "–"
        return f"{before} → {labels.get(event.to_status, event.to_status)}"

    @admin.display(description=_("by"))
    def by(self, event: RegistrationEvent) -> str:
        return str(event.actor) if event.actor_id else gettext("the registrant or the system")
