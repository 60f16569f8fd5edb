"""Everyone in the imported reports, read-only."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from webinars.core.admin_utils import ReadOnlyAdminMixin, RelatedOnlyFilter
from webinars.programme.admin_utils import SeriesScopedAdmin

from ..models import Attendee
from .common import CurrentImportFilter


@admin.register(Attendee)
class AttendeeAdmin(ReadOnlyAdminMixin, SeriesScopedAdmin, admin.ModelAdmin):
    """Everyone in the imported reports, read-only (decisions are taken on the review screen)."""

    series_path = "webinar__series"
    view_perm = "attendance.view_attendance"
    list_display = ["name", "email", "minutes", "joins", "attended", "match", "registration_link", "role", "attendance_import"]
    list_filter = [CurrentImportFilter, "match", "attended", ("webinar", RelatedOnlyFilter)]
    list_select_related = ["registration", "attendance_import"]
    search_fields = ["name", "email"]
    list_per_page = 100
    fields = readonly_fields = [
        "attendance_import",
        "webinar",
        "name",
        "other_names",
        "email",
        "role",
        "minutes",
        "joins",
        "first_join_at",
        "last_leave_at",
        "attended",
        "match",
        "match_score",
        "registration",
        "candidates",
        "resolved_by",
        "resolved_at",
    ]

    @admin.display(description=_("registration"), ordering="registration__name")
    def registration_link(self, obj: Attendee):
        if obj.registration_id is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:registrations_registration_change", args=[obj.registration_id]), obj.registration.name
        )
