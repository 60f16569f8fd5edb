"""The upload and review pages of ``AttendanceImportAdmin``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from webinars.programme.selectors import webinars_for
from webinars.registrations.models import Registration

from .. import selectors, services
from ..forms import DecisionForm, UploadForm, registration_label
from ..models import Attendee
from ..parsers import STAFF_ROLES, ParseError
from .common import DATALIST_LIMIT, REVIEW_PAGE_SIZE

IMPORT = "attendance.import_attendance"
REVIEW = "attendance.review_attendance"


class ImportPagesMixin:
    """Upload ("attendance.import_attendance") and review ("attendance.review_attendance")."""

    def _page(self, request: HttpRequest, template: str, title: str, **context: Any) -> TemplateResponse:
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            f"admin/attendance/attendanceimport/{template}",
            {**self.admin_site.each_context(request), "title": title, "opts": self.opts, **context},
        )

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        """Choose a webinar, the report's format and the file; shows a summary of the import after."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        webinars = webinars_for(request.user, IMPORT)
        initial = {"webinar": request.GET.get("webinar")} if str(request.GET.get("webinar", "")).isdigit() else {}
        form = UploadForm(request.POST or None, request.FILES or None, webinars=webinars, initial=initial)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            previous = selectors.current_import(form.cleaned_data["webinar"])
            try:
                imported = services.import_attendance(
                    webinar=form.cleaned_data["webinar"],
                    data=upload.read(),
                    file_name=upload.name,
                    fmt=form.cleaned_data["format"],
                    column_mapping=form.mapping(),
                    actor=request.user,
                    time_zone=form.cleaned_data["time_zone"] or None,
                    accept_other_date=form.cleaned_data["accept_other_date"],
                )
            except ParseError as exc:
                form.add_error("file", gettext("Nothing was imported: %(error)s") % {"error": exc})
            else:
                if previous is not None and imported.pk == previous.pk:
                    self.message_user(request, gettext("This file was imported already: nothing changed."), messages.INFO)
                else:
                    s = imported.summary
                    text = gettext(
                        "Imported %(rows)d rows: %(people)d people, %(email)d matched by e-mail, %(name)d by name, "
                        "%(review)d to review, %(attended)d attended."
                    ) % {
                        "rows": s.get("rows", 0),
                        "people": s.get("attendees", 0),
                        "email": s.get("matched_email", 0),
                        "name": s.get("matched_name", 0),
                        "review": s.get("to_review", 0),
                        "attended": s.get("attended", 0),
                    }
                    if previous is not None:
                        text += " " + gettext("It replaces the earlier import of this webinar.")
                    self.message_user(request, text, messages.SUCCESS)
                    for warning in s.get("warnings", [])[:10]:
                        self.message_user(request, warning, messages.WARNING)
                return HttpResponseRedirect(reverse(self._url_name("change"), args=[imported.pk]))
        return self._page(
            request,
            "upload.html",
            gettext("Upload a meeting report"),
            form=form,
            media=self.media + form.media,
            back_url=reverse(self._url_name("changelist")),
        )

    def review_view(self, request: HttpRequest, import_id: int) -> HttpResponse:
        """Ambiguous and unmatched attendees: pick a registration, record a walk-in, or ignore."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        imported = self.scope(request, self.get_queryset(request), REVIEW).filter(pk=import_id).first()
        if imported is None:
            raise Http404
        show = request.GET.get("show", "review")
        attendees = Attendee.objects.filter(attendance_import=imported).select_related("registration")
        if show == "name":
            attendees = attendees.filter(match=Attendee.Match.NAME).order_by("match_score", "name", "id")
        elif show == "all":
            attendees = attendees.exclude(role__in=STAFF_ROLES).order_by("name", "id")
        else:
            show = "review"
            attendees = attendees.filter(match__in=selectors.REVIEW_MATCHES).order_by("-minutes", "name", "id")
        page = Paginator(attendees, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        wanted = {pk for a in rows for pk in (a.candidates or [])} | {a.registration_id for a in rows if a.registration_id}
        registrations = selectors.registrations_by_id(wanted)
        forms = []
        for attendee in rows:
            ids = list(attendee.candidates or [])
            if attendee.registration_id and attendee.registration_id not in ids:
                ids.insert(0, attendee.registration_id)
            candidates = [registrations[pk] for pk in ids if pk in registrations and registrations[pk].erased_at is None]
            data = request.POST if request.method == "POST" else None
            forms.append(DecisionForm(data, prefix=f"a{attendee.pk}", attendee=attendee, candidates=candidates))
        editable = imported.replaced_at is None
        if request.method == "POST":
            if not editable:
                self.message_user(request, gettext("This import has been replaced by a newer file: nothing was changed."), messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
            if all(form.is_valid() for form in forms):
                chosen = [form for form in forms if form.chosen]
                decisions = [(f.attendee, f.registration, "link" if f.registration else f.chosen) for f in chosen]
                try:
                    done = services.attendees_resolve(decisions=decisions, actor=request.user)
                except services.AttendanceError as refused:
                    failing = {form.attendee.pk: form for form in chosen}.get(getattr(refused, "attendee_id", None))
                    (failing or forms[0]).add_error(None, str(refused))
                else:
                    self.message_user(
                        request,
                        ngettext("%(count)d decision saved.", "%(count)d decisions saved.", done) % {"count": done},
                        messages.SUCCESS if done else messages.INFO,
                    )
                    return HttpResponseRedirect(request.get_full_path())
        datalist = []
        total = Registration.objects.filter(webinar_id=imported.webinar_id, erased_at__isnull=True).count()
        if editable and total <= DATALIST_LIMIT:
            datalist = [
                (r.email, registration_label(r))
                for r in Registration.objects.filter(webinar_id=imported.webinar_id, erased_at__isnull=True).order_by("name", "pk")
            ]
        return self._page(
            request,
            "review.html",
            gettext("Review attendees"),
            subtitle=str(imported.webinar),
            imported=imported,
            rows=list(zip(rows, forms, strict=True)),
            page=page,
            show=show,
            editable=editable,
            datalist=datalist,
            summary=imported.summary or {},
            back_url=reverse(self._url_name("change"), args=[imported.pk]),
        )
