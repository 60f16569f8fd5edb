"""The list and change page of registrations; actions and webinar pages come from mixins."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from webinars.audit.admin import LogEntryInline
from webinars.core.admin_utils import AllValuesFilter, RelatedOnlyFilter, ScopedCountryFilter
from webinars.programme.admin_utils import SeriesScopedAdmin
from webinars.programme.rules import may

from .. import services
from ..models import Registration, RegistrationQuestion
from .actions import RegistrationActionsMixin
from .forms import EDITABLE_FIELDS, RegistrationAdminForm
from .webinar_pages import WebinarPagesMixin

READONLY_FIELDS = [
    "webinar",
    "status",
    "email",
    "time_zone",
    "consent_privacy_at",
    "answers_display",
    "source",
    "created_at",
    "email_verified_at",
    "confirmed_at",
    "expires_at",
    "cancelled_at",
    "join_clicked_at",
    "join_count",
    "erased_at",
]
DATE_FIELDS = READONLY_FIELDS[6:]


@admin.register(Registration)
class RegistrationAdmin(RegistrationActionsMixin, WebinarPagesMixin, SeriesScopedAdmin, admin.ModelAdmin):
    form = RegistrationAdminForm
    series_path = "webinar__series"
    view_perm = "registrations.view_registrations"
    change_perm = "registrations.change_registration"
    export_perm = "registrations.export_registrations"
    message_perm = "registrations.message_registrants"
    list_display = ["name", "email", "webinar", "status", "country", "institution_type", "created_at", "joined"]
    list_filter = [
        "status",
        ("webinar__series", RelatedOnlyFilter),
        ("webinar", RelatedOnlyFilter),
        ("country", ScopedCountryFilter),
        "institution_type",
        "gender",
        ("language", AllValuesFilter),
    ]
    list_select_related = ["webinar", "webinar__series"]
    list_per_page = 100
    search_fields = ["name", "email", "organisation", "city"]
    search_help_text = _("Name, e-mail, organisation or city.")
    date_hierarchy = "created_at"
    inlines = [LogEntryInline]
    readonly_fields = READONLY_FIELDS
    fieldsets = [
        (None, {"fields": ["webinar", "status", "email", "name"]}),
        (
            _("About the registrant"),
            {"fields": ["country", "city", "organisation", "position", "institution_type", "gender", "language", "time_zone"]},
        ),
        (_("Consent"), {"fields": ["consent_privacy_at", "consent_recording"]}),
        (_("Answers to the series' questions"), {"fields": ["answers_display"]}),
        (_("Dates"), {"fields": DATE_FIELDS}),
    ]
    actions = ["confirm_registrations", "cancel_registrations", "move_from_waiting_list", "export_csv", "export_xlsx"]

    # -- permissions (the rules; the list is scoped by ``SeriesScopedAdmin``) --

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people register themselves

    def has_delete_permission(self, request: HttpRequest, obj: Registration | None = None) -> bool:
        return False  # cancel or erase instead: both keep the audit log and free the seat

    def has_change_permission(self, request: HttpRequest, obj: Registration | None = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_erased)

    def has_export_permission(self, request: HttpRequest) -> bool:
        return may(request.user, self.export_perm)

    # -- change page --

    def save_model(self, request: HttpRequest, obj: Registration, form: forms.ModelForm, change: bool) -> None:
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS}
        if change and changed:
            # A fresh copy: the form has already set the new values on ``obj``.
            current = Registration.objects.get(pk=obj.pk)
            services.registration_update_details(registration=current, data=changed, actor=request.user)

    @admin.display(description=_("answers to the series' questions"))
    def answers_display(self, obj: Registration) -> str:
        answers = obj.answers or {}
        if not answers:
            return "–"
        questions = {str(q.pk): q for q in RegistrationQuestion.objects.filter(series_id=obj.webinar.series_id)}
        rows = []
        for key, value in answers.items():
            question = questions.get(str(key))
            label = str(question) if question else gettext("Question %(id)s (no longer asked)") % {"id": key}
            rows.append((label, self._answer_text(question, value)))
        return format_html('<dl class="mw-answers">{}</dl>', format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))

    @staticmethod
    def _answer_text(question: RegistrationQuestion | None, value: Any) -> str:
        if isinstance(value, bool) or (question is not None and question.kind == RegistrationQuestion.Kind.YES_NO):
            if value in (True, "yes"):
                return gettext("Yes")
            if value in (False, "no"):
                return gettext("No")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return "" if value is None else str(value)

    @admin.display(description=_("joined"), boolean=True, ordering="join_count")
    def joined(self, obj: Registration) -> bool:
        return obj.join_count > 0

    # -- changelist and urls --

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        context = {**(extra_context or {}), **self._webinar_tools(request)}
        return super().changelist_view(request, extra_context=context)

    def _url_name(self, view: str) -> str:
        return f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}"

    def _changelist_url(self, **params: Any) -> str:
        url = reverse(self._url_name("changelist"))
        return f"{url}?{urlencode(params)}" if params else url

    def get_urls(self) -> list:
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("export/<str:fmt>/", wrap(self.export_view), name=f"{info}_export"),
            path("message/<int:webinar_id>/", wrap(self.message_view), name=f"{info}_message"),
            path("recording/<int:webinar_id>/", wrap(self.recording_view), name=f"{info}_recording"),
            *super().get_urls(),
        ]
