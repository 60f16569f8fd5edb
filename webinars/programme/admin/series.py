"""Series and the roles on them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .. import services
from ..admin_utils import ContentAdmin, SeriesScopedAdmin
from ..forms import SeriesAdminForm
from ..models import Series, SeriesRole
from ..rules import is_active_superuser, may


class SeriesRoleInline(admin.TabularInline):
    model = SeriesRole
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role"]
    verbose_name = _("person who may work on this series")
    verbose_name_plural = _("people who may work on this series")


@admin.register(Series)
class SeriesAdmin(SeriesScopedAdmin, ContentAdmin):
    form = SeriesAdminForm
    series_path = "pk"
    view_perm = "programme.view_series"
    change_perm = "programme.change_series"
    add_perm = "programme.add_series"
    delete_perm = "programme.delete_series"
    list_display = ["__str__", "slug", "organiser", "time_zone", "is_published", "is_sample"]
    list_filter = ["is_published", "is_sample"]
    list_select_related = ["organiser"]
    search_fields = ["slug", "title"]
    content_search_fields = ["title"]
    autocomplete_fields = ["organiser", "partners"]
    fieldsets_spec = [
        (None, ["title", "slug", "original_language", "is_published", "is_sample"]),
        (_("Organisers"), ["organiser", "contact_email", "partners", "time_zone"]),
        (_("About"), ["summary", "description", "audience", "region", "countries"]),
        (_("Registration"), ["registration_open", "confirm_email", "pending_expiry_hours", "reminder_hours"]),
        (_("Privacy and security"), ["retention_months", "link_months", "require_two_factor"]),
    ]

    def get_inlines(self, request: HttpRequest, obj: Series | None) -> list:
        # The team is handed out by superusers here (the user picker lists every account).
        return [SeriesRoleInline] if may(request.user, "programme.grant_any_role") else []

    def view_on_site(self, obj: Series) -> str | None:
        return obj.get_absolute_url() if obj.is_published else None

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        if formset.model is not SeriesRole:
            super().save_formset(request, form, formset, change)
            return
        # Roles are granted and revoked through the services (logged; no staff flag needed).
        for role in formset.save(commit=False):
            services.series_role_grant(series=form.instance, user=role.user, role=role.role, actor=request.user)
        for role in formset.deleted_objects:
            services.series_role_revoke(series=form.instance, user=role.user, actor=request.user)


@admin.register(SeriesRole)
class SeriesRoleAdmin(admin.ModelAdmin):
    """Who may work on which series. Superusers only: a role is a grant of access."""

    list_display = ["user", "role", "series"]
    list_filter = ["role", "series"]
    list_select_related = ["user", "series"]
    search_fields = ["user__username", "user__email", "series__slug"]
    autocomplete_fields = ["user", "series"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[SeriesRole]:
        return super().get_queryset(request) if is_active_superuser(request.user) else SeriesRole.objects.none()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request.user, "programme.grant_any_role")

    def has_view_permission(self, request: HttpRequest, obj: SeriesRole | None = None) -> bool:
        return may(request.user, "programme.grant_any_role")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may(request.user, "programme.grant_any_role")

    def has_change_permission(self, request: HttpRequest, obj: SeriesRole | None = None) -> bool:
        return may(request.user, "programme.grant_any_role")

    def has_delete_permission(self, request: HttpRequest, obj: SeriesRole | None = None) -> bool:
        return may(request.user, "programme.grant_any_role")

    def save_model(self, request: HttpRequest, obj: SeriesRole, form: ModelForm, change: bool) -> None:
        if change and {"user", "series"} & set(form.changed_data):
            previous = SeriesRole.objects.select_related("series", "user").get(pk=obj.pk)
            services.series_role_revoke(series=previous.series, user=previous.user, actor=request.user)
        granted = services.series_role_grant(series=obj.series, user=obj.user, role=obj.role, actor=request.user)
        obj.pk = granted.pk

    def delete_model(self, request: HttpRequest, obj: SeriesRole) -> None:
        services.series_role_revoke(series=obj.series, user=obj.user, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SeriesRole]) -> None:
        for role in queryset.select_related("series", "user"):
            services.series_role_revoke(series=role.series, user=role.user, actor=request.user)
