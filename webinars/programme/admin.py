"""The organisers' back office: the programme in the Django admin.

Who may do what
---------------
* Superusers see and edit everything, and are the only ones who create or delete
  series and hand out series roles (:class:`SeriesRole`).
* A series role is all a staff user needs to work on a series; no Django model
  permission has to be ticked for series and webinars. Both roles ("organiser" and
  "editor") see the series and add, edit, publish and unpublish its webinars. Only an
  organiser may also change the series' own settings and delete its webinars. Nobody
  sees or touches a series they have no role on, nor its webinars.
* People (speakers) and organisations are shared by every series. A role holder may
  look them up (to pick speakers and partners) and add new speakers; changing or
  deleting an existing person or organisation, which every series shows, needs the
  Django model permission ("Can change person", ...).
* Granting a role to a user who is not yet staff makes them staff, so they can sign in.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator, smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from i18nfield.fields import I18nCharField, I18nTextField

from webinars.core.i18n import i18n_text

from . import selectors, services
from .forms import ContentTextarea, ContentTextInput, SeriesAdminForm, WebinarAdminForm
from .models import Organisation, Person, Series, SeriesRole, Webinar, WebinarLink, WebinarSpeaker

# --- series roles of the signed-in user -------------------------------------------------

_ROLES_ATTR = "_mw_series_roles"


def series_roles(request: HttpRequest) -> dict[int, str]:
    """``{series id: role}`` for the signed-in user, read once per request."""
    roles = getattr(request, _ROLES_ATTR, None)
    if roles is None:
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            roles = {}
        else:
            roles = dict(SeriesRole.objects.filter(user=user).values_list("series_id", "role"))
        setattr(request, _ROLES_ATTR, roles)
    return roles


def can_edit_webinars(request: HttpRequest, series_id: int | None = None) -> bool:
    """May the user add and edit webinars of ``series_id`` (of some series when None)?"""
    if request.user.is_superuser:
        return True
    roles = series_roles(request)
    return bool(roles) if series_id is None else series_id in roles


def is_series_organiser(request: HttpRequest, series_id: int | None = None) -> bool:
    """Does the user hold the organiser role on ``series_id`` (on some series when None)?"""
    if request.user.is_superuser:
        return True
    roles = series_roles(request)
    if series_id is None:
        return SeriesRole.Role.ORGANISER in roles.values()
    return roles.get(series_id) == SeriesRole.Role.ORGANISER


def _make_staff(request: HttpRequest, user: Any) -> None:
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        messages.info(request, _("%(user)s can now sign in to the back office.") % {"user": user})


# --- translatable fields ------------------------------------------------------------


def content_search_q(search_fields: Iterable[str], content_fields: Iterable[str], search_term: str) -> Q | None:
    """Match non-Latin words inside translatable fields, or None when there are none to match.

    Translatable fields are JSON text with non-ASCII characters escaped ("\\u0410..."),
    so a plain ``icontains`` finds "Almaty" but not "Алматы". Each word must match a
    search field as typed or a translatable field in its escaped form, in the usual
    capitalisations (case-insensitive matching does not reach inside escapes).
    """
    query = Q()
    escaped_any = False
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1] and len(bit) > 1:
            bit = unescape_string_literal(bit)
        bit_q = Q()
        for field_name in search_fields:
            bit_q |= Q(**{f"{field_name}__icontains": bit})
        variants = {json.dumps(v)[1:-1] for v in {bit, bit.lower(), bit.upper(), bit.capitalize(), bit.title()}}
        for variant in sorted(v for v in variants if "\\u" in v):
            escaped_any = True
            for field_name in content_fields:
                bit_q |= Q(**{f"{field_name}__icontains": variant})
        query &= bit_q
    return query if escaped_any else None


class ContentWidgetsMixin:
    """Translatable fields side by side, labelled with the languages' own names."""

    formfield_overrides = {
        I18nTextField: {"widget": ContentTextarea},
        I18nCharField: {"widget": ContentTextInput},
    }


class ContentAdmin(ContentWidgetsMixin, admin.ModelAdmin):
    """A model admin whose search also finds words in any script in translatable fields."""

    content_search_fields: Sequence[str] = ()
    fieldsets_spec: Sequence[tuple[Any, Sequence[str]]] = ()

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term and self.content_search_fields:
            extra = content_search_q(self.get_search_fields(request), self.content_search_fields, search_term)
            if extra is not None:
                results = results | queryset.filter(extra)
        return results, may_have_duplicates

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[tuple[Any, dict[str, Any]]]:
        if not self.fieldsets_spec:
            return super().get_fieldsets(request, obj)
        return _ordered_fieldsets(self.get_fields(request, obj), self.fieldsets_spec)


def _ordered_fieldsets(form_fields: Iterable[str], spec: Sequence[tuple[Any, Sequence[str]]]) -> list[tuple[Any, dict[str, Any]]]:
    """``spec`` restricted to the fields the form has, plus a last fieldset with any others.

    Fields added to a model later (e.g. by another app's needs) still show up in the
    admin without this list having to be kept in step.
    """
    available = list(form_fields)
    seen: set[str] = set()
    fieldsets = []
    for name, fields in spec:
        present = [f for f in fields if f in available]
        seen.update(fields)
        if present:
            fieldsets.append((name, {"fields": present}))
    rest = [f for f in available if f not in seen]
    if rest:
        fieldsets.append((_("More"), {"fields": rest}))
    return fieldsets


# --- shared records: organisations and people -----------------------------------------


class SharedRecordAdmin(ContentAdmin):
    """Records every series uses: visible to role holders, changed with model permissions."""

    role_holders_may_add = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or can_edit_webinars(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or can_edit_webinars(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) or (self.role_holders_may_add and can_edit_webinars(request))


@admin.register(Organisation)
class OrganisationAdmin(SharedRecordAdmin):
    list_display = ["__str__", "slug", "website"]
    search_fields = ["slug", "name", "website"]
    content_search_fields = ["name"]
    fields = ["name", "slug", "original_language", "website", "logo"]


@admin.register(Person)
class PersonAdmin(SharedRecordAdmin):
    role_holders_may_add = True
    list_display = ["__str__", "slug", "affiliation_text"]
    search_fields = ["slug", "name", "affiliation"]
    content_search_fields = ["name", "affiliation"]
    fields = ["name", "slug", "original_language", "affiliation", "bio", "photo"]

    @admin.display(description=_("affiliation"))
    def affiliation_text(self, obj: Person) -> str:
        return i18n_text(obj.affiliation, original=obj.original_language)


# --- series ----------------------------------------------------------------------------


class SeriesRoleInline(admin.TabularInline):
    model = SeriesRole
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role"]
    verbose_name = _("person who may edit this series")
    verbose_name_plural = _("people who may edit this series")


@admin.register(Series)
class SeriesAdmin(ContentAdmin):
    form = SeriesAdminForm
    list_display = ["__str__", "slug", "organiser", "time_zone", "is_published", "is_sample"]
    list_filter = ["is_published", "is_sample"]
    search_fields = ["slug", "title"]
    content_search_fields = ["title"]
    autocomplete_fields = ["organiser", "partners"]
    fieldsets_spec = [
        (None, ["title", "slug", "original_language", "is_published", "is_sample"]),
        (_("Organisers"), ["organiser", "partners", "time_zone"]),
        (_("About"), ["summary", "description", "audience", "region", "countries"]),
        (_("Registration"), ["registration_open", "confirm_email", "pending_expiry_hours", "reminder_hours"]),
    ]

    def get_inlines(self, request: HttpRequest, obj: Series | None) -> list:
        return [SeriesRoleInline] if request.user.is_superuser else []

    def get_queryset(self, request: HttpRequest) -> QuerySet[Series]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=selectors.series_editable_by(request.user).values("pk"))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or can_edit_webinars(request)

    def has_view_permission(self, request: HttpRequest, obj: Series | None = None) -> bool:
        return can_edit_webinars(request, obj.pk if obj else None)

    def has_change_permission(self, request: HttpRequest, obj: Series | None = None) -> bool:
        return is_series_organiser(request, obj.pk if obj else None)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Series | None = None) -> bool:
        return request.user.is_superuser

    def view_on_site(self, obj: Series) -> str | None:
        return obj.get_absolute_url() if obj.is_published else None

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is SeriesRole:
            for role in [*formset.new_objects, *(obj for obj, _fields in formset.changed_objects)]:
                _make_staff(request, role.user)


@admin.register(SeriesRole)
class SeriesRoleAdmin(admin.ModelAdmin):
    """Who may edit which series. Superusers only: a role is a grant of access."""

    list_display = ["user", "role", "series"]
    list_filter = ["role", "series"]
    search_fields = ["user__username", "user__email", "series__slug"]
    autocomplete_fields = ["user", "series"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: SeriesRole | None = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: SeriesRole | None = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: SeriesRole | None = None) -> bool:
        return request.user.is_superuser

    def save_model(self, request: HttpRequest, obj: SeriesRole, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _make_staff(request, obj.user)


# --- webinars ----------------------------------------------------------------------------


class WebinarPartInline(ContentWidgetsMixin, admin.StackedInline):
    """Speakers and links belong to the webinar: whoever may edit it may edit them."""

    extra = 0

    def _may_edit(self, request: HttpRequest, obj: Webinar | None) -> bool:
        return can_edit_webinars(request, obj.series_id if obj is not None else None)

    def has_view_permission(self, request: HttpRequest, obj: Webinar | None = None) -> bool:
        return self._may_edit(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Webinar | None = None) -> bool:
        return self._may_edit(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Webinar | None = None) -> bool:
        return self._may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Webinar | None = None) -> bool:
        return self._may_edit(request, obj)


class WebinarSpeakerInline(WebinarPartInline):
    model = WebinarSpeaker
    autocomplete_fields = ["person"]
    fields = [("person", "order"), "role"]


class WebinarLinkInline(WebinarPartInline):
    model = WebinarLink
    fields = [("url", "language", "order"), "title"]


def _set_status(modeladmin: WebinarAdmin, request: HttpRequest, queryset: QuerySet[Webinar], status: str) -> int:
    """Move the selected webinars to ``status`` through the service; how many changed."""
    changed = 0
    for webinar in queryset.select_related("series"):
        if webinar.status != status and can_edit_webinars(request, webinar.series_id):
            services.webinar_set_status(webinar=webinar, status=status)
            changed += 1
    return changed


@admin.register(Webinar)
class WebinarAdmin(ContentAdmin):
    form = WebinarAdminForm
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

    # -- scope --

    def get_queryset(self, request: HttpRequest) -> QuerySet[Webinar]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(series__in=selectors.series_editable_by(request.user))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "series":
            kwargs["queryset"] = selectors.series_editable_by(request.user).order_by("slug")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_edit_webinars(request)

    def has_view_permission(self, request: HttpRequest, obj: Webinar | None = None) -> bool:
        return can_edit_webinars(request, obj.series_id if obj else None)

    def has_change_permission(self, request: HttpRequest, obj: Webinar | None = None) -> bool:
        return can_edit_webinars(request, obj.series_id if obj else None)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_edit_webinars(request)

    def has_delete_permission(self, request: HttpRequest, obj: Webinar | None = None) -> bool:
        return is_series_organiser(request, obj.series_id if obj else None)

    # -- form --

    def save_model(self, request: HttpRequest, obj: Webinar, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if "status" in form.changed_data:
            # Through the service, so that publishing records when it happened.
            services.webinar_set_status(webinar=obj, status=obj.status)

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

    # -- actions --

    @admin.action(description=_("Publish"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Webinar]) -> None:
        count = _set_status(self, request, queryset, Webinar.Status.PUBLISHED)
        self.message_user(
            request, ngettext("%(count)d webinar published.", "%(count)d webinars published.", count) % {"count": count}, messages.SUCCESS
        )

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Webinar]) -> None:
        count = _set_status(self, request, queryset, Webinar.Status.DRAFT)
        self.message_user(
            request,
            ngettext("%(count)d webinar is back to draft.", "%(count)d webinars are back to draft.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark cancelled"), permissions=["change"])
    def mark_cancelled(self, request: HttpRequest, queryset: QuerySet[Webinar]) -> None:
        count = _set_status(self, request, queryset, Webinar.Status.CANCELLED)
        self.message_user(
            request,
            ngettext("%(count)d webinar marked cancelled.", "%(count)d webinars marked cancelled.", count) % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark postponed"), permissions=["change"])
    def mark_postponed(self, request: HttpRequest, queryset: QuerySet[Webinar]) -> None:
        count = _set_status(self, request, queryset, Webinar.Status.POSTPONED)
        self.message_user(
            request,
            ngettext("%(count)d webinar marked postponed.", "%(count)d webinars marked postponed.", count) % {"count": count},
            messages.SUCCESS,
        )


__all__ = [
    "OrganisationAdmin",
    "PersonAdmin",
    "SeriesAdmin",
    "SeriesRoleAdmin",
    "WebinarAdmin",
    "can_edit_webinars",
    "content_search_q",
    "is_series_organiser",
    "series_roles",
]
