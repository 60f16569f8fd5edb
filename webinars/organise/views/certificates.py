"""The certificates section: preview the design, issue to everyone eligible, the list (filter, PDF,
re-send, revoke), name corrections waiting for approval, and the design with its signatures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext

from webinars.certificates import corrections, preview, selectors, services, tasks
from webinars.certificates.models import Certificate
from webinars.core.errors import DomainError, add_to_form

from ..forms.certificates import DesignForm, RevokeForm, SignatureFormSet
from .webinar import WebinarSectionView

PAGE_SIZE = 50
STATES = ("", "valid", "revoked")


class CertificatesSectionView(WebinarSectionView):
    section = "organise:webinar_certificates"
    permission = "certificates.view_certificates"

    def url(self, name: str = "organise:webinar_certificates", *args: Any) -> str:
        assert self.webinar is not None
        return reverse(name, args=[self.webinar.pk, *args])

    def certificate(self, pk: int) -> Certificate:
        assert self.webinar is not None
        found = selectors.certificate_of_webinar(self.webinar, pk)
        if found is None:
            raise Http404
        return found


class CertificatesView(CertificatesSectionView):
    """What is issued, what is due, the list; POST issues to everyone eligible (in the background)."""

    change_permission = "certificates.issue_certificates"
    template_name = "organise/certificates/certificates.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        webinar = self.webinar
        assert webinar is not None
        state = request.GET.get("state", "")
        state = state if state in STATES else ""
        query = request.GET.get("q", "")[:200]
        page = Paginator(selectors.webinar_certificates(webinar, state=state, query=query), PAGE_SIZE).get_page(request.GET.get("page"))
        design = selectors.template_for(series=webinar.series, webinar=webinar)
        return self.render(
            request,
            figures=selectors.webinar_certificate_figures(webinar),
            due=selectors.certificates_due_count(webinar),
            corrections=list(selectors.open_name_corrections(webinar)),
            design=design,
            page=page,
            state=state,
            query=query,
            filtered=bool(state or query),
            keep=urlencode({k: v for k, v in (("state", state), ("q", query)) if v}),
            may_issue=self.may("certificates.issue_certificates"),
            may_revoke=self.may("certificates.revoke_certificate"),
            may_design=self.may("certificates.change_design"),
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        tasks.issue_certificates_after_commit(webinar=self.webinar, actor=request.user)
        messages.success(
            request,
            gettext("Certificates are being issued; each participant receives theirs by e-mail. Reload this page in a minute to see them."),
        )
        return HttpResponseRedirect(self.url())


class CertificatePreviewView(CertificatesSectionView):
    """The design drawn for sample names in Latin, Cyrillic, Armenian and Georgian (a PDF, nothing stored)."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        data = preview.design_preview_pdf(webinar=self.webinar)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="certificate-preview-{self.webinar.pk}.pdf"'
        return response


class CertificatePdfView(CertificatesSectionView):
    def get(self, request: HttpRequest, *args: Any, pk: int, **kwargs: Any) -> HttpResponse:
        certificate = self.certificate(pk)
        if not certificate.pdf or certificate.is_revoked:
            raise Http404
        return FileResponse(certificate.pdf.open("rb"), content_type="application/pdf", filename=f"certificate-{certificate.code}.pdf")


class CertificateResendView(CertificatesSectionView):
    change_permission = "certificates.issue_certificates"

    def post(self, request: HttpRequest, *args: Any, pk: int, **kwargs: Any) -> HttpResponse:
        certificate = self.certificate(pk)
        try:
            services.certificate_resend(certificate=certificate, actor=request.user)
        except DomainError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, gettext("Certificate %(code)s is e-mailed again.") % {"code": certificate.code})
        return HttpResponseRedirect(self.url())


class CertificateRevokeView(CertificatesSectionView):
    """Revoking asks for a reason and says what will happen."""

    permission = change_permission = "certificates.revoke_certificate"
    template_name = "organise/certificates/revoke.html"

    def get(self, request: HttpRequest, *args: Any, pk: int, **kwargs: Any) -> HttpResponse:
        certificate = self.certificate(pk)
        return self.render(request, certificate=certificate, form=RevokeForm())

    def post(self, request: HttpRequest, *args: Any, pk: int, **kwargs: Any) -> HttpResponse:
        certificate = self.certificate(pk)
        form = RevokeForm(request.POST)
        if form.is_valid():
            if services.certificate_revoke(certificate=certificate, reason=form.cleaned_data["reason"], actor=request.user):
                messages.success(request, gettext("Certificate %(code)s is revoked.") % {"code": certificate.code})
            else:
                messages.info(request, gettext("Certificate %(code)s was revoked already.") % {"code": certificate.code})
            return HttpResponseRedirect(self.url())
        return self.render(request, status=400, certificate=certificate, form=form)


class NameCorrectionView(CertificatesSectionView):
    """Approve (re-issue with the same code, e-mailed) or refuse a registrant's name correction."""

    change_permission = "certificates.revoke_certificate"

    def post(self, request: HttpRequest, *args: Any, pk: int, **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        correction = selectors.name_correction_of_webinar(self.webinar, pk)
        if correction is None:
            messages.info(request, gettext("This name correction has been decided already."))
            return HttpResponseRedirect(self.url())
        try:
            if request.POST.get("decision") == "approve":
                corrections.name_correction_approve(correction=correction, actor=request.user)
                messages.success(request, gettext("The certificate is re-issued with the corrected name and e-mailed."))
            elif request.POST.get("decision") == "refuse":
                corrections.name_correction_refuse(correction=correction, actor=request.user)
                messages.success(request, gettext("The certificate keeps its name."))
            else:
                messages.error(request, gettext("Choose approve or refuse."))
        except DomainError as refused:
            messages.error(request, str(refused))
        return HttpResponseRedirect(self.url())


class CertificateDesignView(CertificatesSectionView):
    """The design that applies to this webinar (its own, else the series'), with up to three signatures."""

    change_permission = "certificates.change_design"
    template_name = "organise/certificates/design.html"

    def forms(self, request: HttpRequest) -> tuple[Any, DesignForm, Any]:
        webinar = self.webinar
        assert webinar is not None
        design = selectors.template_for(series=webinar.series, webinar=webinar)
        data = (request.POST, request.FILES) if request.method == "POST" else (None, None)
        form = DesignForm(*data, instance=design, prefix="design")
        signatures = SignatureFormSet(*data, instance=design, prefix="signatures", form_kwargs={"languages": form.languages})
        return design, form, signatures

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        design, form, signatures = self.forms(request)
        return self.render(request, design=design, form=form, signatures=signatures)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        design, form, signatures = self.forms(request)
        if form.is_valid() and signatures.is_valid():
            edited = form.save()
            kept = [f.save() for f in signatures.forms if f.has_changed() and f not in signatures.deleted_forms and f.cleaned_data]
            removed = [f.instance for f in signatures.deleted_forms if f.instance.pk]
            try:
                services.certificate_design_save(design=edited, signatures=kept, removed=removed, actor=request.user)
            except DomainError as refused:
                add_to_form(form, refused)
            else:
                messages.success(request, gettext("The design is saved. Preview it before issuing."))
                return HttpResponseRedirect(self.url("organise:webinar_certificates_design"))
        return self.render(request, status=400, design=design, form=form, signatures=signatures)
