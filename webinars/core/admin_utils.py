"""Helpers shared by every app's back-office pages: list filters and naming the filters in use.

Here so that no app's admin imports another app's admin. Nothing here knows about series
or permissions: a filter that names related objects asks its model admin which ones the
user may see (``visible_related(request, model)``, see ``programme.admin_utils``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import get_model_from_relation
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django_countries.filters import CountryFilter


class AppliedFilterMixin:
    """Keep a filter that is in use even when it offers fewer than two choices.

    Django drops such a filter from the changelist *and its condition with it*: an
    organiser whose registrations all belong to one webinar, following a link to the
    list of another webinar (``?webinar__id__exact=...``), would be shown the first
    webinar's registrations, and would export them under the wrong name.
    """

    def has_output(self) -> bool:
        return bool(self.used_parameters) or super().has_output()


def visible_related(request: HttpRequest, model_admin: Any, model: type) -> QuerySet:
    """Objects of ``model`` the user may see, as the model admin says; none when it cannot say."""
    visible = getattr(model_admin, "visible_related", None)
    if visible is None:
        return model._default_manager.none()
    return visible(request, model)


class RelatedOnlyFilter(AppliedFilterMixin, admin.RelatedOnlyFieldListFilter):
    """The related objects present in the (scoped) list, plus the chosen one if the user may see it.

    So a webinar without registrations yet is named in the filter and in exports,
    and a webinar of another series is never named.
    """

    def field_choices(self, field, request, model_admin):
        choices = list(super().field_choices(field, request, model_admin))
        known = {str(pk) for pk, _label in choices}
        wanted = [v for v in (self.lookup_val or []) if str(v).isdigit() and str(v) not in known]
        if wanted:
            related = visible_related(request, model_admin, get_model_from_relation(field))
            choices += [(obj.pk, str(obj)) for obj in related.filter(pk__in=wanted)]
        return choices


class AllValuesFilter(AppliedFilterMixin, admin.AllValuesFieldListFilter):
    """The values present in the (scoped) list; applied even when just one is."""


class ScopedCountryFilter(CountryFilter):
    """Only the countries of rows the user may see (the stock one lists every row's)."""

    def lookup_choices(self, changelist):
        codes = set(changelist.root_queryset.order_by().values_list(self.field_path, flat=True).distinct())
        for code, name in self.field.get_choices(include_blank=False):
            if code in codes:
                yield code, name


def describe_filters(changelist) -> list[str]:
    """The filters, date and search of a changelist, readably: ``["status=confirmed", ...]``."""
    parts = []
    for spec in changelist.filter_specs:
        used = getattr(spec, "used_parameters", None)
        if not used:
            continue
        chosen = [str(choice["display"]) for choice in spec.choices(changelist) if choice.get("selected")]
        if not chosen:
            chosen = [str(v) for values in used.values() for v in (values if isinstance(values, list) else [values])]
        parts.append(f"{spec.title}={', '.join(chosen)}")
    hierarchy = changelist.date_hierarchy
    if hierarchy:
        bits = [
            str(changelist.params[key]) for key in (f"{hierarchy}__{p}" for p in ("year", "month", "day")) if changelist.params.get(key)
        ]
        if bits:
            label = changelist.model._meta.get_field(hierarchy).verbose_name
            parts.append(f"{label}={'-'.join(bits)}")
    if changelist.query:
        parts.append(f"{gettext('search')}={changelist.query}")
    return parts


class ReadOnlyAdminMixin:
    """Nothing is added, changed or deleted on these pages (the services write)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
