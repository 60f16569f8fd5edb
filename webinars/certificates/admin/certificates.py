"""Issued certificates: the list, issuing, revoking, PDFs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from webinars.core.admin_utils import RelatedOnlyFilter
from webinars.core.i18n import i18n_text
from webinars.programme.admin_utils import SeriesScopedAdmin
from webinars.programme.models import Series, Webinar
from webinars.programme.rules import may
from webinars.programme.selectors import series_for, webinars_for

from .. import services, tasks
from ..codes import normalise_code
from ..models import Certificate
from .designs import ISSUE, enqueue_issue

REVOKE = "certificates.revoke_certificate"


class RevokedFilter(admin.SimpleListFilter):
    title = _("revoked")
    parameter_name = "revoked"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", gettext("Revoked")), ("no", gettext("Valid"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> QuerySet[Certificate]:
        if self.value() == "yes":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(revoked_at__isnull=True)
        return queryset


class CertificateActionForm(helpers.ActionForm):
    reason = forms.CharField(
        label=_("Reason (for revoking; never shown publicly)"), required=False, max_length=2000, widget=forms.TextInput(attrs={"size": 40})
    )


class IssueForm(forms.Form):
    webinar = forms.ModelChoiceField(label=_("Webinar"), queryset=Webinar.objects.none(), required=False)
    series = forms.ModelChoiceField(label=_("or a whole series"), queryset=Series.objects.none(), required=False)

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["webinar"].queryset = webinars_for(request.user, ISSUE).order_by("-start_date")
        self.fields["series"].queryset = series_for(request.user, ISSUE)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("webinar")) == bool(data.get("series")):
            raise forms.ValidationError(_("Choose either a webinar or a series."))
        return data


@admin.register(Certificate)
class CertificateAdmin(SeriesScopedAdmin, admin.ModelAdmin):
    view_perm = "certificates.view_certificates"
    change_perm = REVOKE  # revoke, correct the name, make the PDF again
    list_display = ["code", "name_on_certificate", "kind", "subject", "issued_at", "valid", "has_pdf"]
    list_filter = ["kind", ("series", RelatedOnlyFilter), RevokedFilter]
    list_select_related = ["series"]
    list_per_page = 100
    search_fields = ["name_on_certificate", "code"]
    search_help_text = _("Name or code.")
    date_hierarchy = "issued_at"
    action_form = CertificateActionForm
    actions = ["revoke", "regenerate_pdf"]
    fields = [
        "code",
        "kind",
        "series",
        "webinar",
        "name_on_certificate",
        "attended",
        "issued_at",
        "issued_by",
        "version",
        "pdf_link",
        "revoked_at",
        "revoked_reason",
        "revoked_by",
    ]
    readonly_fields = [f for f in fields if f != "name_on_certificate"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued from attendance, never typed in

    def has_delete_permission(self, request: HttpRequest, obj: Certificate | None = None) -> bool:
        return False  # revoke instead: the verification page must keep answering

    def has_change_permission(self, request: HttpRequest, obj: Certificate | None = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or not obj.is_revoked)

    def view_on_site(self, obj: Certificate) -> str:
        return reverse("certificates:verify", args=[obj.code])

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        code = normalise_code(search_term)
        if code:
            return queryset.filter(code=code), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("for"))
    def subject(self, obj: Certificate) -> str:
        return obj.subject()

    @admin.display(description=_("valid"), boolean=True, ordering="revoked_at")
    def valid(self, obj: Certificate) -> bool:
        return obj.revoked_at is None

    @admin.display(description=_("PDF"), boolean=True)
    def has_pdf(self, obj: Certificate) -> bool:
        return bool(obj.pdf)

    @admin.display(description=_("webinars attended"))
    def attended(self, obj: Certificate) -> str:
        items = obj.webinars or []
        return "; ".join(f"{item.get('date')} {i18n_text(item.get('title'), None, item.get('original_language'))}" for item in items) or "–"

    @admin.display(description=_("PDF"))
    def pdf_link(self, obj: Certificate) -> str:
        if not obj.pdf or obj.is_revoked:
            return "–"
        return format_html('<a href="{}">{}</a>', reverse(self._url_name("pdf"), args=[obj.pk]), gettext("Download the PDF"))

    def save_model(self, request: HttpRequest, obj: Certificate, form: forms.ModelForm, change: bool) -> None:
        """A corrected name is a re-issue: same code, new PDF, e-mailed to the participant."""
        if change and "name_on_certificate" in form.changed_data:
            name = obj.name_on_certificate
            transaction.on_commit(lambda: services.certificate_reissue(certificate=obj, name=name, actor=request.user))

    def _url_name(self, view: str) -> str:
        return f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self) -> list:
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("issue/", wrap(self.issue_view), name=f"{info}_issue"),
            path("<int:pk>/pdf/", wrap(self.pdf_view), name=f"{info}_pdf"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        context = {**(extra_context or {})}
        if may(request.user, ISSUE):
            context["mw_issue_url"] = reverse(self._url_name("issue"))
        return super().changelist_view(request, extra_context=context)

    def pdf_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_queryset(request).filter(pk=pk).first()
        if obj is None or not self.has_view_permission(request, obj) or not obj.pdf or obj.is_revoked:
            raise Http404
        return FileResponse(obj.pdf.open("rb"), content_type="application/pdf", as_attachment=True, filename=f"certificate-{obj.code}.pdf")

    def issue_view(self, request: HttpRequest) -> HttpResponse:
        """Issue the certificates due for one webinar (and its series) or a whole series, in the background."""
        if not may(request.user, ISSUE):
            raise PermissionDenied
        form = IssueForm(request.POST or None, request=request)
        if request.method == "POST" and form.is_valid():
            enqueue_issue(request, webinar=form.cleaned_data.get("webinar"), series=form.cleaned_data.get("series"))
            self.message_user(
                request,
                gettext(
                    "Certificates are being issued in the background; participants receive them by e-mail. Reload the list in a minute."
                ),
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse(self._url_name("changelist")))
        request.current_app = self.admin_site.name
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Issue certificates"),
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/certificates/certificate/issue.html", context)

    # -- actions --

    @admin.action(description=_("Revoke (give the reason in the box)"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        reason = (request.POST.get("reason") or "").strip()
        if not reason:
            self.message_user(request, gettext("Give a reason for revoking in the box next to the action."), messages.ERROR)
            return
        allowed = self.scope(request, queryset, REVOKE).order_by("pk")
        done = sum(services.certificate_revoke(certificate=c, reason=reason, actor=request.user) for c in allowed)
        self.message_user(
            request,
            ngettext("%(count)d certificate revoked.", "%(count)d certificates revoked.", done) % {"count": done},
            messages.SUCCESS if done else messages.WARNING,
        )

    @admin.action(description=_("Regenerate PDF (with the registration's current name)"), permissions=["change"])
    def regenerate_pdf(self, request: HttpRequest, queryset: QuerySet[Certificate]) -> None:
        ids = list(self.scope(request, queryset, REVOKE).filter(revoked_at__isnull=True).values_list("pk", flat=True))
        actor_id = request.user.pk
        if ids:
            transaction.on_commit(lambda: tasks.regenerate_certificates.enqueue(ids, actor_id))
        self.message_user(
            request,
            ngettext(
                "The PDF of %(count)d certificate is being made again (same code).",
                "The PDFs of %(count)d certificates are being made again (same codes).",
                len(ids),
            )
            % {"count": len(ids)},
            messages.SUCCESS if ids else messages.WARNING,
        )
