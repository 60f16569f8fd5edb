"""Webinars, with their speakers and links."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import services
from ..admin_utils import ContentAdmin, ContentWidgetsMixin, SeriesScopedAdmin
from ..forms import WebinarAdminForm
from ..models import Webinar, WebinarLink, WebinarSpeaker
from ..rules import may

CHANGE = "programme.change_webinar"


class WebinarPartInline(ContentWidgetsMixin, admin.StackedInline):
    """Speakers and links belong to the webinar: whoever may edit it may edit them."""

    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Webinar | None = None) -> bool:
        return may(request.user, "programme.view_webinar", obj)

    def has_add_permission(self, request: HttpRequest, obj: Webinar | None = None) -> bool:
        return may(request.user, CHANGE, obj)

    def has_change_permission(self, request: HttpRequest, obj: Webinar | None = None) -> bool:
        return may(request.user, CHANGE, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Webinar | None = None) -> bool:
        return may(request.user, CHANGE, obj)


class WebinarSpeakerInline(WebinarPartInline):
    model = WebinarSpeaker
    autocomplete_fields = ["person"]
    fields = [("person", "order"), "role"]


class WebinarLinkInline(WebinarPartInline):
    model = WebinarLink
    fields = [("url", "language", "order"), "title"]


STATUS_MESSAGES = {
    Webinar.Status.PUBLISHED: lambda n: ngettext("%(count)d webinar published.", "%(count)d webinars published.", n),
    Webinar.Status.DRAFT: lambda n: ngettext("%(count)d webinar is back to draft.", "%(count)d webinars are back to draft.", n),
    Webinar.Status.CANCELLED: lambda n: ngettext("%(count)d webinar marked cancelled.", "%(count)d webinars marked cancelled.", n),
    Webinar.Status.POSTPONED: lambda n: ngettext("%(count)d webinar marked postponed.", "%(count)d webinars marked postponed.", n),
}


@admin.register(Webinar)
class WebinarAdmin(SeriesScopedAdmin, ContentAdmin):
    form = WebinarAdminForm
    view_perm = "programme.view_webinar"
    change_perm = CHANGE
    add_perm = "programme.add_webinar"
    delete_perm = "programme.delete_webinar"
    inlines = [WebinarSpeakerInline, WebinarLinkInline]
    list_display = ["__str__", "start_date", "local_start", "status", "series_title", "public_page"]
    list_filter = [("series", admin.RelatedOnlyFieldListFilter), "status"]
    list_select_related = ["series"]
    search_fields = ["slug", "title"]
    content_search_fields = ["title"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["partners"]
    readonly_fields = ["starts_at_utc", "published_at", "public_page"]
    actions = ["publish", "unpublish", "mark_cancelled", "mark_postponed"]
    fieldsets_spec = [
        (None, ["series", "title", "slug", "status", "published_at", "public_page"]),
        (
            _("When"),
            ["start_date", "local_time", "time_zone", "duration_minutes", "starts_at_utc"],
        ),
        (_("Description"), ["summary", "description", "original_language"]),
        (_("Languages"), ["language", "interpretation_languages"]),
        (_("Taking part"), ["registration_open", "capacity", "meeting_url", "recording_url", "source_url", "partners"]),
    ]

    def save_model(self, request: HttpRequest, obj: Webinar, form: ModelForm, change: bool) -> None:
        services.webinar_save(webinar=obj, status_changed="status" in form.changed_data, actor=request.user)

    # -- display --

    @admin.display(description=_("start (local)"), ordering="starts_at")
    def local_start(self, obj: Webinar) -> str:
        local = services.webinar_local_start(obj)
        if local is None:
            return str(_("time to be announced"))
        return f"{local:%H:%M} {obj.time_zone}"

    @admin.display(description=_("series"), ordering="series__slug")
    def series_title(self, obj: Webinar) -> str:
        title = str(obj.series)
        return format_html('<span title="{}">{}</span>', title, Truncator(title).chars(40))

    @admin.display(description=_("start (UTC)"))
    def starts_at_utc(self, obj: Webinar) -> str:
        if obj.pk is None:
            return "–"
        if obj.starts_at is None:
            return str(_("time to be announced"))
        return obj.starts_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")

    @admin.display(description=_("public page"))
    def public_page(self, obj: Webinar) -> str:
        if obj.pk is None:
            return "–"
        if self._is_public(obj):
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("View on site"))
        return format_html('<a href="{}">{}</a>', reverse("public:preview", args=[obj.pk]), _("Preview"))

    def view_on_site(self, obj: Webinar) -> str:
        return obj.get_absolute_url() if self._is_public(obj) else reverse("public:preview", args=[obj.pk])

    @staticmethod
    def _is_public(obj: Webinar) -> bool:
        return obj.status != Webinar.Status.DRAFT and obj.series.is_published

    # -- actions: status changes through the service, each webinar checked against the rules --

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Webinar], status: str) -> None:
        changed = 0
        for webinar in queryset.select_related("series"):
            if webinar.status != status and may(request.user, CHANGE, webinar):
                services.webinar_set_status(webinar=webinar, status=status)
                changed += 1
        self.message_user(request, STATUS_MESSAGES[status](changed) % {"count": changed}, messages.SUCCESS)

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Webinar]) -> None:
        self._set_status(request, queryset, Webinar.Status.PUBLISHED)

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Webinar]) -> None:
        self._set_status(request, queryset, Webinar.Status.DRAFT)

    @admin.action(description=_("Mark cancelled"), permissions=["change"])
    def mark_cancelled(self, request: HttpRequest, queryset: QuerySet[Webinar]) -> None:
        self._set_status(request, queryset, Webinar.Status.CANCELLED)

    @admin.action(description=_("Mark postponed"), permissions=["change"])
    def mark_postponed(self, request: HttpRequest, queryset: QuerySet[Webinar]) -> None:
        self._set_status(request, queryset, Webinar.Status.POSTPONED)
