"""Certificate designs per series or webinar, with their signatures."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from webinars.core.admin_utils import RelatedOnlyFilter
from webinars.core.languages import CONTENT_LANGUAGES
from webinars.programme.admin_utils import ContentWidgetsMixin, SeriesScopedAdmin
from webinars.programme.models import Series, Webinar
from webinars.programme.rules import may

from .. import services, tasks
from ..models import CertificateSignature, CertificateTemplate

ISSUE = "certificates.issue_certificates"
DESIGN = "certificates.change_design"


class CertificateTemplateForm(forms.ModelForm):
    """The printed languages as two choices (first, second) instead of raw JSON."""

    first_language = forms.ChoiceField(label=_("first language"), choices=CONTENT_LANGUAGES, initial="en")
    second_language = forms.ChoiceField(
        label=_("second language"),
        choices=[("", _("none: one language only")), *CONTENT_LANGUAGES],
        required=False,
        initial="ru",
        help_text=_("Printed side by side with the first."),
    )

    class Meta:
        model = CertificateTemplate
        fields = [
            "series",
            "webinar",
            "title",
            "intro",
            "webinar_text",
            "series_text",
            "body",
            "organiser_logo",
            "partner_logo",
            "second_partner_logo",
            "use_programme_logos",
            "primary_colour",
            "accent_colour",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        languages = list(self.instance.languages or []) if self.instance.pk else []
        if languages:
            self.initial["first_language"] = languages[0]
            self.initial["second_language"] = languages[1] if len(languages) > 1 else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("first_language"), data.get("second_language")
        if first and second == first:
            self.add_error("second_language", _("Choose a different language, or none."))
        self.instance.languages = [code for code in (first, second) if code]
        return data


class CertificateSignatureInline(ContentWidgetsMixin, admin.StackedInline):
    """Signatures belong to the design: whoever may edit it may edit them."""

    model = CertificateSignature
    extra = 0
    max_num = 3
    fields = [("name", "order"), "role", "image"]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, "certificates.view_certificates", obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, DESIGN, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, DESIGN, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may(request.user, DESIGN, obj)


def enqueue_issue(request: HttpRequest, *, webinar: Webinar | None = None, series: Series | None = None) -> None:
    tasks.issue_certificates_after_commit(webinar=webinar, series=series, actor=request.user)


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(SeriesScopedAdmin, ContentWidgetsMixin, admin.ModelAdmin):
    form = CertificateTemplateForm
    view_perm = "certificates.view_certificates"
    change_perm = add_perm = delete_perm = DESIGN
    list_display = ["__str__", "series", "webinar", "printed_languages", "updated_at"]
    list_filter = [("series", RelatedOnlyFilter)]
    list_select_related = ["series", "webinar"]
    inlines = [CertificateSignatureInline]
    fieldsets = [
        (None, {"fields": ["series", "webinar", ("first_language", "second_language")]}),
        (_("Wording (empty: the standard wording)"), {"fields": ["title", "intro", "webinar_text", "series_text", "body"]}),
        (
            _("Logos and colours"),
            {
                "fields": [
                    "organiser_logo",
                    "partner_logo",
                    "second_partner_logo",
                    "use_programme_logos",
                    ("primary_colour", "accent_colour"),
                ]
            },
        ),
    ]
    actions = ["issue_certificates"]

    def save_model(self, request: HttpRequest, obj: CertificateTemplate, form: forms.ModelForm, change: bool) -> None:
        services.certificate_design_save(design=obj, actor=request.user)

    @admin.display(description=_("languages"))
    def printed_languages(self, obj: CertificateTemplate) -> str:
        return " + ".join(obj.languages or [])

    @admin.action(description=_("Issue certificates for this webinar/series"))
    def issue_certificates(self, request: HttpRequest, queryset: QuerySet[CertificateTemplate]) -> None:
        if not may(request.user, ISSUE):
            raise PermissionDenied
        count = 0
        for template in self.scope(request, queryset, ISSUE).select_related("series", "webinar"):
            if template.webinar_id:
                enqueue_issue(request, webinar=template.webinar)
            else:
                enqueue_issue(request, series=template.series)
            count += 1
        self.message_user(
            request,
            ngettext(
                "Certificates are being issued for %(count)d webinar or series; participants receive them by e-mail.",
                "Certificates are being issued for %(count)d webinars or series; participants receive them by e-mail.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
