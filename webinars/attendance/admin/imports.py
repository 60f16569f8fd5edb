"""The list and the (read-only) change page of attendance imports."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from webinars.core.admin_utils import RelatedOnlyFilter
from webinars.programme.admin_utils import SeriesScopedAdmin

from ..models import AttendanceImport
from .common import CurrentImportFilter, summary_table
from .pages import IMPORT, REVIEW, ImportPagesMixin


@admin.register(AttendanceImport)
class AttendanceImportAdmin(ImportPagesMixin, SeriesScopedAdmin, admin.ModelAdmin):
    series_path = "webinar__series"
    view_perm = "attendance.view_attendance"
    add_perm = IMPORT
    change_perm = REVIEW  # decisions on the review screen; the change page itself is read-only
    list_display = ["file_name", "webinar", "format", "created_at", "state", "rows", "matched", "to_review", "attended", "uploaded_by"]
    list_filter = [CurrentImportFilter, ("webinar__series", RelatedOnlyFilter), ("webinar", RelatedOnlyFilter), "format"]
    list_select_related = ["webinar", "webinar__series", "uploaded_by"]
    search_fields = ["file_name"]
    date_hierarchy = "created_at"
    fields = readonly_fields = [
        "webinar",
        "format",
        "file_name",
        "state",
        "summary_display",
        "warnings_display",
        "meeting_display",
        "column_mapping",
        "sha256",
        "uploaded_by",
        "created_at",
        "replaced_at",
    ]

    # -- scope and permissions (``SeriesScopedAdmin``) --

    def has_delete_permission(self, request: HttpRequest, obj: AttendanceImport | None = None) -> bool:
        return False  # a corrected file replaces an import; the earlier one stays for the record

    # -- list --

    @admin.display(description=_("state"))
    def state(self, obj: AttendanceImport) -> str:
        return gettext("current") if obj.replaced_at is None else gettext("replaced")

    @admin.display(description=_("matched"))
    def matched(self, obj: AttendanceImport) -> int:
        s = obj.summary or {}
        return s.get("matched_registrant", 0) + s.get("matched_email", 0) + s.get("matched_name", 0) + s.get("matched_manual", 0)

    @admin.display(description=_("to review"))
    def to_review(self, obj: AttendanceImport):
        count = (obj.summary or {}).get("to_review", 0)
        if count and obj.replaced_at is None:
            return format_html('<a href="{}">{}</a>', reverse(self._url_name("review"), args=[obj.pk]), count)
        return count

    @admin.display(description=_("attended"))
    def attended(self, obj: AttendanceImport) -> int:
        return (obj.summary or {}).get("attended", 0)

    @admin.display(description=_("summary"))
    def summary_display(self, obj: AttendanceImport) -> str:
        return summary_table(obj.summary or {})

    @admin.display(description=_("warnings"))
    def warnings_display(self, obj: AttendanceImport) -> str:
        warnings = (obj.summary or {}).get("warnings") or []
        if not warnings:
            return "–"
        return format_html_join("", "<div>{}</div>", ((w,) for w in warnings))

    @admin.display(description=_("meeting, as the report gives it"))
    def meeting_display(self, obj: AttendanceImport) -> str:
        meeting = (obj.summary or {}).get("meeting") or {}
        if not meeting:
            return "–"
        return format_html_join("", "<div>{}: {}</div>", sorted(meeting.items()))

    # -- pages --

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        return HttpResponseRedirect(reverse(self._url_name("upload")))

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        obj = self.get_object(request, object_id)
        context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        if obj is not None:
            context["mw_review_url"] = reverse(self._url_name("review"), args=[obj.pk])
            attendees = reverse("admin:attendance_attendee_changelist")
            context["mw_attendees_url"] = f"{attendees}?{urlencode({'attendance_import__id__exact': obj.pk})}"
            context["mw_to_review"] = (obj.summary or {}).get("to_review", 0)
            context["mw_current"] = obj.replaced_at is None
        return super().change_view(request, object_id, form_url, extra_context=context)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        context = {**(extra_context or {})}
        if self.has_add_permission(request):
            context["mw_upload_url"] = reverse(self._url_name("upload"))
        return super().changelist_view(request, extra_context=context)

    def get_urls(self) -> list:
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name=f"{info}_upload"),
            path("<int:import_id>/review/", wrap(self.review_view), name=f"{info}_review"),
            *super().get_urls(),
        ]

    def _url_name(self, view: str) -> str:
        return f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}"
