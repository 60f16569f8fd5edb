"""Building blocks of the back-office pages of every app (imported by their ``admin`` packages).

* ``ContentAdmin`` / ``ContentWidgetsMixin``: translatable fields side by side, and search in any script.
* ``SeriesScopedAdmin``: a model admin whose rows belong to a series. Its permissions are the
  named rules of ``programme.rules`` (no Django model permission is needed) and every list,
  filter and choice is scoped with ``selectors.series_for``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _
from i18nfield.fields import I18nCharField, I18nTextField

from . import rules as series_rules
from .forms import ContentTextarea, ContentTextInput
from .models import Series, Webinar
from .rules import may
from .selectors import series_for

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


def ordered_fieldsets(form_fields: Iterable[str], spec: Sequence[tuple[Any, Sequence[str]]]) -> list[tuple[Any, dict[str, Any]]]:
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
        return ordered_fieldsets(self.get_fields(request, obj), self.fieldsets_spec)


# --- series scope -----------------------------------------------------------------------


def _may(request: HttpRequest, perm: str | None, obj: Any = None) -> bool:
    return bool(perm) and may(request.user, perm, obj)


class SeriesScopedAdmin:
    """Mixin for a model admin whose rows belong to a series, checked with named rules.

    Without an object a rule asks whether the user holds it on some series (that opens the
    list); the rows are then only those of the series where ``view_perm`` holds. A rule left
    None means nobody (superusers included) does that here.
    """

    series_path: str = "series"  # lookup from a row to its series, e.g. "webinar__series"
    view_perm: str = ""
    change_perm: str | None = None
    add_perm: str | None = None
    delete_perm: str | None = None

    def scope(self, request: HttpRequest, queryset: QuerySet, perm: str | None = None) -> QuerySet:
        """``queryset`` restricted to the series on which the user holds ``perm`` (default: view)."""
        if series_rules.is_active_superuser(request.user):
            return queryset
        return queryset.filter(**{f"{self.series_path}__in": series_for(request.user, perm or self.view_perm)})

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return self.scope(request, super().get_queryset(request))

    def visible_related(self, request: HttpRequest, model: type) -> QuerySet:
        """Series or webinars the user may see here (to name a filter's choice); nothing else."""
        series = series_for(request.user, self.view_perm)
        if model is Series:
            return series
        if model is Webinar:
            return Webinar.objects.filter(series__in=series)
        return model._default_manager.none()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        perm = self.change_perm or self.add_perm or self.view_perm
        if db_field.name == "series":
            kwargs["queryset"] = series_for(request.user, perm).order_by("slug")
        elif db_field.name == "webinar" and db_field.related_model is Webinar:
            kwargs["queryset"] = Webinar.objects.filter(series__in=series_for(request.user, perm)).select_related("series")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _may(request, self.view_perm)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may(request, self.view_perm, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may(request, self.change_perm, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # Inlines pass the parent object: adding to it is changing it.
        return _may(request, self.add_perm, args[0] if args else None)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _may(request, self.delete_perm, obj)
