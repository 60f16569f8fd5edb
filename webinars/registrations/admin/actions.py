"""Actions on selected registrations: status changes through the services, and exports."""

from __future__ import annotations

import logging

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from webinars.core.admin_utils import describe_filters

from .. import exports, selectors, services
from ..models import Registration

logger = logging.getLogger("webinars.registrations.admin")

Status = Registration.Status


class RegistrationActionsMixin:
    """For ``RegistrationAdmin``: each action acts only on the rows where its rule holds."""

    def _report(self, request: HttpRequest, done: int, skipped: int, done_message: str) -> None:
        self.message_user(request, done_message, messages.SUCCESS if done else messages.WARNING)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration was left as it was (its status does not allow this).",
                    "%(count)d registrations were left as they were (their status does not allow this).",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Confirm"), permissions=["change"])
    def confirm_registrations(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        total = queryset.count()
        done = 0
        allowed = self.scope(request, queryset, self.change_perm)
        for registration in allowed.filter(status__in=[Status.PENDING, Status.WAITLISTED]).order_by("created_at", "id"):
            services.registration_confirm_by_organiser(registration=registration, actor=request.user)
            done += 1
        message = ngettext("%(count)d registration confirmed.", "%(count)d registrations confirmed.", done) % {"count": done}
        self._report(request, done, total - done, message)

    @admin.action(description=_("Move from waiting list"), permissions=["change"])
    def move_from_waiting_list(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        total = queryset.count()
        done = 0
        allowed = self.scope(request, queryset, self.change_perm)
        for registration in allowed.filter(status=Status.WAITLISTED).order_by("created_at", "id"):
            services.registration_confirm_by_organiser(registration=registration, actor=request.user)
            done += 1
        message = ngettext(
            "%(count)d person moved from the waiting list (confirmed, or holding the seat until they confirm their address).",
            "%(count)d people moved from the waiting list (confirmed, or holding the seat until they confirm their address).",
            done,
        ) % {"count": done}
        self._report(request, done, total - done, message)

    @admin.action(description=_("Cancel (the registrant is told)"), permissions=["change"])
    def cancel_registrations(self, request: HttpRequest, queryset: QuerySet[Registration]) -> HttpResponse | None:
        allowed = self.scope(request, queryset, self.change_perm)
        # After a webinar's end its registrations are a record: the service refuses to cancel them.
        active = (
            allowed.filter(status__in=services.ACTIVE_STATUSES, webinar__ends_at__gt=timezone.now())
            .select_related("webinar")
            .order_by("created_at", "id")
        )
        total = queryset.count()
        if request.POST.get("post") == "yes":
            done = 0
            for registration in active:
                services.registration_cancel(registration=registration, actor=request.user, by_organiser=True)
                done += 1
            message = ngettext(
                "%(count)d registration cancelled; the registrant is told by e-mail.",
                "%(count)d registrations cancelled; the registrants are told by e-mail.",
                done,
            ) % {"count": done}
            self._report(request, done, total - done, message)
            return None
        count = active.count()
        if not count:
            self.message_user(request, gettext("None of the selected registrations can be cancelled."), messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Cancel registrations"),
            "subtitle": None,
            "opts": self.opts,
            "preview": active[:100],
            "count": count,
            "more": max(0, count - 100),
            "skipped": total - count,
            "selected_ids": list(active.values_list("pk", flat=True)),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "cancel_registrations",
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/registrations/registration/cancel_confirmation.html", context)

    # -- exports of personal data ("registrations.export_registrations") --

    def _filters_of(self, request: HttpRequest) -> list[str]:
        try:
            return describe_filters(self.get_changelist_instance(request))
        except IncorrectLookupParameters:
            return [f"{key}={value}" for key, value in request.GET.items()]

    def _export(self, request: HttpRequest, queryset: QuerySet[Registration], fmt: str, *, filters: list[str], selection: str = ""):
        queryset = self.scope(request, queryset, self.export_perm)
        described = [*filters, selection] if selection else filters
        services.registrations_export_record(queryset=queryset, fmt=fmt, filters=described, actor=request.user)
        head = exports.preamble(filters, selection=selection)
        rows = selectors.registration_export_rows(queryset)
        return exports.RESPONSES[fmt](rows, head=head)

    def _selection(self, request: HttpRequest, queryset: QuerySet[Registration]) -> str:
        if request.POST.get("select_across") == "1":
            return ""
        count = queryset.count()
        return ngettext(
            "Selection: %(count)d registration chosen in the list", "Selection: %(count)d registrations chosen in the list", count
        ) % {"count": count}

    @admin.action(description=_("Export CSV"), permissions=["export"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Registration]):
        return self._export(request, queryset, "csv", filters=self._filters_of(request), selection=self._selection(request, queryset))

    @admin.action(description=_("Export XLSX"), permissions=["export"])
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Registration]):
        return self._export(request, queryset, "xlsx", filters=self._filters_of(request), selection=self._selection(request, queryset))

    def export_view(self, request: HttpRequest, fmt: str):
        """The whole list as filtered on the changelist (same query string), as CSV or XLSX."""
        if fmt not in exports.RESPONSES:
            raise Http404
        if not self.has_export_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
            queryset = changelist.get_queryset(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(self._changelist_url(e="1"))
        return self._export(request, queryset, fmt, filters=describe_filters(changelist))
