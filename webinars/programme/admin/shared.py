"""Records every series uses: organisations and people (speakers)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from webinars.core.i18n import i18n_text

from ..admin_utils import ContentAdmin
from ..models import Organisation, Person
from ..rules import may

PICK_PEOPLE = "programme.pick_people"


class SharedRecordAdmin(ContentAdmin):
    """Visible to editors of any series (to pick them), changed with Django model permissions."""

    role_holders_may_add = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or may(request.user, PICK_PEOPLE)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or may(request.user, PICK_PEOPLE)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) or (self.role_holders_may_add and may(request.user, PICK_PEOPLE))


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
