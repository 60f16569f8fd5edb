"""The library in the back office: items (with captions inline) and the list of themes.

An item belongs to the series of its webinars: editors of those series edit it (its files,
captions and publication too), viewers see it, superusers see and edit everything. Writes go
through ``services`` so that the index, the log and the domain events follow.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from webinars.core.errors import DomainError
from webinars.programme.admin_utils import ContentAdmin, ContentWidgetsMixin
from webinars.programme.models import Webinar
from webinars.programme.rules import is_active_superuser, may
from webinars.programme.selectors import series_for

from . import captions as caption_files
from . import selectors, services
from .models import Caption, LibraryItem, Theme

CHANGE = "library.change_item"


class CaptionForm(forms.ModelForm):
    class Meta:
        model = Caption
        fields = ["language", "file"]

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data.get("file")
        if uploaded is not None and hasattr(uploaded, "read") and "file" in self.changed_data:
            data = uploaded.read()
            uploaded.seek(0)
            try:
                caption_files.parse(data)
            except DomainError as error:
                raise ValidationError(str(error)) from error
        return uploaded


class CaptionInline(admin.TabularInline):
    model = Caption
    form = CaptionForm
    extra = 0
    fields = ["language", "file", "cue_count"]
    readonly_fields = ["cue_count"]

    @admin.display(description=_("cues"))
    def cue_count(self, obj: Caption) -> int:
        return len(obj.cues or [])

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, "library.view_items", obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, CHANGE, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, CHANGE, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, CHANGE, obj)


class LibraryItemForm(forms.ModelForm):
    class Meta:
        model = LibraryItem
        fields = [
            "title",
            "kind",
            "status",
            "description",
            "body",
            "original_language",
            "languages",
            "url",
            "file",
            "author",
            "organisation",
            "licence",
            "date",
            "webinars",
            "speakers",
            "themes",
            "countries",
        ]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.user is not None and not is_active_superuser(self.user) and "webinars" in self.fields and not cleaned.get("webinars"):
            self.add_error("webinars", _("Link the item to at least one webinar of your series."))
        if not cleaned.get("url") and not cleaned.get("file") and not (self.instance.pk and self.instance.file):
            if cleaned.get("kind") in (LibraryItem.Kind.LINK, LibraryItem.Kind.VIDEO):
                self.add_error("url", _("A link or a video needs an address or a file."))
        return cleaned


@admin.register(LibraryItem)
class LibraryItemAdmin(ContentAdmin):
    form = LibraryItemForm
    inlines = [CaptionInline]
    list_display = ["__str__", "kind", "status", "published_at", "public_page"]
    list_filter = ["kind", "status", "themes"]
    search_fields = ["title", "url"]
    content_search_fields = ["title"]
    filter_horizontal = ["webinars", "themes"]
    autocomplete_fields = ["speakers", "organisation"]
    readonly_fields = ["published_at", "public_page"]
    actions = ["publish", "unpublish"]
    fieldsets_spec = [
        (None, ["title", "kind", "status", "published_at", "public_page"]),
        (_("Description"), ["description", "body", "original_language", "languages"]),
        (_("The resource"), ["url", "file", "author", "organisation", "licence", "date"]),
        (_("Belongs to"), ["webinars", "speakers", "themes", "countries"]),
    ]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)

        class WithUser(form):  # type: ignore[misc,valid-type]
            def __init__(self, *args: Any, **inner: Any) -> None:
                super().__init__(*args, user=request.user, **inner)

        return WithUser

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return selectors.items_visible_to(request.user)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "webinars":
            kwargs["queryset"] = Webinar.objects.filter(series__in=series_for(request.user, CHANGE)).select_related("series")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request.user, "library.view_items")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, "library.view_items", obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, CHANGE, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may(request.user, "library.add_item")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, "library.delete_item", obj)

    # -- writes through the services --

    def save_model(self, request: HttpRequest, obj: LibraryItem, form: Any, change: bool) -> None:
        services.item_save(item=obj, actor=request.user, reindex=False)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Caption:
            return super().save_formset(request, form, formset, change)
        for caption in formset.save(commit=False):
            services.caption_save(caption=caption, actor=request.user)
        for caption in formset.deleted_objects:
            services.caption_delete(caption=caption, actor=request.user)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.item_relations_saved(item=form.instance, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: LibraryItem) -> None:
        services.item_delete(item=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for item in queryset:
            if may(request.user, "library.delete_item", item):
                services.item_delete(item=item, actor=request.user)

    # -- display and actions --

    @admin.display(description=_("public page"))
    def public_page(self, obj: LibraryItem) -> str:
        if obj.pk is None:
            return "–"
        if obj.is_published:
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("View on site"))
        return format_html('<a href="{}">{}</a>', reverse("library:preview", args=[obj.pk]), _("Preview"))

    def view_on_site(self, obj: LibraryItem) -> str:
        return obj.get_absolute_url() if obj.is_published else reverse("library:preview", args=[obj.pk])

    def _set_status(self, request: HttpRequest, queryset: QuerySet, status: str) -> int:
        changed = 0
        for item in queryset:
            if item.status != status and may(request.user, CHANGE, item):
                services.item_set_status(item=item, status=status, actor=request.user)
                changed += 1
        return changed

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = self._set_status(request, queryset, LibraryItem.Status.PUBLISHED)
        self.message_user(
            request, ngettext("%(count)d item published.", "%(count)d items published.", count) % {"count": count}, messages.SUCCESS
        )

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = self._set_status(request, queryset, LibraryItem.Status.DRAFT)
        self.message_user(
            request,
            ngettext("%(count)d item is back to draft.", "%(count)d items are back to draft.", count) % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Theme)
class ThemeAdmin(ContentWidgetsMixin, admin.ModelAdmin):
    """One list of themes for the whole programme, kept by superusers; every editor picks from it."""

    list_display = ["__str__", "slug", "order"]
    prepopulated_fields: dict[str, tuple[str, ...]] = {}

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may(request.user, "library.change_themes")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, "library.change_themes")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, "library.change_themes")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may(request.user, "library.change_themes")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, "library.change_themes")

    def save_model(self, request: HttpRequest, obj: Theme, form: Any, change: bool) -> None:
        services.theme_save(theme=obj, actor=request.user)
