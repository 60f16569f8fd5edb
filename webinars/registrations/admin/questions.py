"""The organisers' registration questions of a series."""

from __future__ import annotations

from django.contrib import admin

from webinars.core.admin_utils import RelatedOnlyFilter
from webinars.programme.admin_utils import ContentAdmin, ContentWidgetsMixin, SeriesScopedAdmin

from ..models import RegistrationQuestion
from .forms import RegistrationQuestionForm

MANAGE = "registrations.manage_questions"


class RegistrationQuestionInline(SeriesScopedAdmin, ContentWidgetsMixin, admin.StackedInline):
    """The series' questions, for a series change page (the parent object is the series)."""

    model = RegistrationQuestion
    form = RegistrationQuestionForm
    view_perm = change_perm = add_perm = delete_perm = MANAGE
    extra = 0
    fields = [("kind", "required", "order"), "label", "help_text", "choices"]


@admin.register(RegistrationQuestion)
class RegistrationQuestionAdmin(SeriesScopedAdmin, ContentAdmin):
    form = RegistrationQuestionForm
    view_perm = change_perm = add_perm = delete_perm = MANAGE
    list_display = ["__str__", "series", "kind", "required", "order"]
    list_filter = [("series", RelatedOnlyFilter), "kind", "required"]
    list_select_related = ["series"]
    search_fields = ["label"]
    content_search_fields = ["label"]
    fields = ["series", "label", "help_text", "kind", "choices", "required", "order"]
