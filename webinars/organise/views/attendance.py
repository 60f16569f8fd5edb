"""The attendance section: upload a report (format detected, the organiser confirms), review, summary.

Upload is two steps: the file is read and kept (``attendance.uploads``: a file in the private
storage named by a random token, which the session holds for this webinar), the organiser
sees what it was read as and confirms, and only then is it imported. Review decisions of a
page are taken together or not at all (``attendees_resolve``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from webinars.attendance import selectors, services, tasks, uploads
from webinars.attendance.models import AttendanceImport
from webinars.attendance.parsers import ParseError
from webinars.core.errors import DomainError, add_to_form

from ..forms.attendance import DecisionForm, ReportUploadForm
from .webinar import WebinarSectionView

REVIEW_PAGE_SIZE = 25
DATALIST_LIMIT = 2000


def _session_key(webinar_id: int) -> str:
    return f"organise:attendance-upload:{webinar_id}"


class AttendanceSectionView(WebinarSectionView):
    section = "organise:webinar_attendance"
    permission = "attendance.view_attendance"

    def url(self, name: str = "organise:webinar_attendance") -> str:
        assert self.webinar is not None
        return reverse(name, args=[self.webinar.pk])


class AttendanceView(AttendanceSectionView):
    """The summary of the current import, the upload form, the imports so far."""

    change_permission = "attendance.import_attendance"
    template_name = "organise/attendance/attendance.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(request, ReportUploadForm())

    def page(self, request: HttpRequest, form: ReportUploadForm, status: int = 200) -> HttpResponse:
        webinar = self.webinar
        assert webinar is not None
        job = self._background_job(request)
        imports = list(selectors.webinar_imports(webinar)[:10])
        current = next((i for i in imports if i.replaced_at is None), None)
        response = self.render(
            request,
            status=status,
            form=form,
            current=current,
            summary=selectors.attendance_summary(webinar, current) if current else None,
            imports=imports,
            job=job,
            may_import=self.may("attendance.import_attendance"),
            may_review=self.may("attendance.review_attendance"),
        )
        if job is not None:
            response["Refresh"] = "3"  # the page follows the background import without JavaScript
        return response

    def _background_job(self, request: HttpRequest) -> dict[str, Any] | None:
        """A background import still running (shown with its progress), or the outcome of one that
        ended (said once, as a message, then forgotten)."""
        assert self.webinar is not None
        job = uploads.import_job(self.webinar.pk)
        if job is None or job.get("state") in ("queued", "running"):
            return job
        if not self.may("attendance.import_attendance"):
            return None  # the outcome is told to those who may import
        uploads.import_job_clear(self.webinar.pk)
        if job.get("state") == "done":
            messages.success(
                request,
                ngettext(
                    "Imported “%(file)s”: %(count)d person attended, %(review)d to review.",
                    "Imported “%(file)s”: %(count)d people attended, %(review)d to review.",
                    job.get("attended", 0),
                )
                % {"file": job.get("file_name", ""), "count": job.get("attended", 0), "review": job.get("to_review", 0)},
            )
        else:
            messages.error(request, gettext("Nothing was imported: %(error)s") % {"error": job.get("message", "")})
        return None

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        webinar = self.webinar
        assert webinar is not None
        form = ReportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(request, form, status=400)
        upload = form.cleaned_data["file"]
        fmt = form.cleaned_data["format"] or None
        mapping = form.mapping() if fmt == AttendanceImport.Format.GENERIC else {}
        large = uploads.is_large(upload.size)
        try:
            if large:
                # Read in the background after confirmation: only the format is recognised now.
                token, fmt = uploads.upload_receive_large(upload=upload, fmt=fmt, column_mapping=mapping)
                kept: dict[str, Any] = {"format": fmt, "background": True, "size_mb": round(upload.size / 1e6, 1)}
            else:
                token, preview = uploads.upload_receive(
                    webinar=webinar, data=upload.read(), fmt=fmt, column_mapping=mapping, time_zone=form.cleaned_data["time_zone"] or None
                )
                kept = {
                    "format": preview.format,
                    "rows": preview.rows,
                    "people": preview.people,
                    "participants": preview.participants,
                    "staff": preview.staff,
                    "date": preview.date.isoformat() if preview.date else None,
                    "expected_date": preview.expected_date.isoformat(),
                }
        except ParseError as exc:
            form.add_error("file", gettext("Nothing was imported: %(error)s") % {"error": exc})
            form.show_advanced = exc.code == uploads.UNKNOWN_FORMAT
            return self.page(request, form, status=400)
        previous = request.session.get(_session_key(webinar.pk))
        if previous:
            uploads.upload_discard(previous["token"])
        request.session[_session_key(webinar.pk)] = {
            **kept,
            "token": token,
            "file_name": upload.name[:255],
            "mapping": mapping,
            "time_zone": form.cleaned_data["time_zone"],
        }
        return HttpResponseRedirect(self.url("organise:webinar_attendance_confirm"))


class AttendanceConfirmView(AttendanceSectionView):
    """Step two: "we read this as … — import?"."""

    permission = "attendance.import_attendance"
    change_permission = "attendance.import_attendance"
    template_name = "organise/attendance/confirm.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        kept = request.session.get(_session_key(self.webinar.pk))
        if not kept:
            messages.info(request, gettext("Upload the attendance report first."))
            return HttpResponseRedirect(self.url())
        date = dt.date.fromisoformat(kept["date"]) if kept.get("date") else None
        expected = dt.date.fromisoformat(kept["expected_date"]) if kept.get("expected_date") else None
        return self.render(
            request,
            kept=kept,
            date=date,
            expected_date=expected,
            date_differs=date is not None and expected is not None and date != expected,
            format_label=AttendanceImport.Format(kept["format"]).label,
            current=selectors.current_import(self.webinar),
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        webinar = self.webinar
        assert webinar is not None
        key = _session_key(webinar.pk)
        kept = request.session.get(key)
        if not kept or request.POST.get("token") != kept["token"]:
            messages.error(request, gettext("This upload is no longer waiting for confirmation: nothing was imported."))
            return HttpResponseRedirect(self.url())
        if request.POST.get("action") == "discard":
            uploads.upload_discard(kept["token"])
            del request.session[key]
            messages.info(request, gettext("The file was discarded: nothing was imported."))
            return HttpResponseRedirect(self.url())
        if kept.get("background"):
            return self._import_in_background(request, kept)
        previous = selectors.current_import(webinar)
        try:
            imported = uploads.upload_import(
                webinar=webinar,
                token=kept["token"],
                file_name=kept["file_name"],
                fmt=kept["format"],
                column_mapping=kept.get("mapping") or {},
                time_zone=kept.get("time_zone") or None,
                actor=request.user,
                accept_other_date=request.POST.get("accept_other_date") == "on",
            )
        except DomainError as refused:  # ParseError included: the file changed meaning (another time zone...)
            del request.session[key]
            messages.error(request, gettext("Nothing was imported: %(error)s") % {"error": refused})
            return HttpResponseRedirect(self.url())
        del request.session[key]
        summary = imported.summary or {}
        if previous is not None and imported.pk == previous.pk:
            messages.info(request, gettext("This file was imported already: nothing changed."))
        else:
            messages.success(
                request,
                ngettext(
                    "Imported: %(count)d person attended, %(review)d to review.",
                    "Imported: %(count)d people attended, %(review)d to review.",
                    summary.get("attended", 0),
                )
                % {"count": summary.get("attended", 0), "review": summary.get("to_review", 0)},
            )
        if summary.get("to_review"):
            return HttpResponseRedirect(self.url("organise:webinar_attendance_review"))
        return HttpResponseRedirect(self.url())

    def _import_in_background(self, request: HttpRequest, kept: dict[str, Any]) -> HttpResponse:
        webinar = self.webinar
        assert webinar is not None
        job = uploads.import_job(webinar.pk)
        if job is not None and job.get("state") in ("queued", "running"):
            messages.error(request, gettext("Another report of this webinar is being imported: wait until it is done."))
            return HttpResponseRedirect(self.url())
        del request.session[_session_key(webinar.pk)]
        uploads.import_job_queued(webinar=webinar, file_name=kept["file_name"])
        tasks.import_upload.enqueue(
            webinar_id=webinar.pk,
            token=kept["token"],
            file_name=kept["file_name"],
            fmt=kept["format"],
            column_mapping=kept.get("mapping") or {},
            time_zone=kept.get("time_zone") or None,
            actor_id=request.user.pk,
            # A large file is not read before confirmation, so its date is checked by the import itself.
            accept_other_date=request.POST.get("accept_other_date") == "on",
        )
        return HttpResponseRedirect(self.url())


class AttendanceReviewView(AttendanceSectionView):
    """Attendees the matching could not place: pick a registration, a walk-in, or ignore."""

    change_permission = "attendance.review_attendance"
    template_name = "organise/attendance/review.html"

    def dispatch_page(self, request: HttpRequest) -> HttpResponse:
        webinar = self.webinar
        assert webinar is not None
        current = selectors.current_import(webinar)
        if current is None:
            messages.info(request, gettext("No attendance report imported yet."))
            return HttpResponseRedirect(self.url())
        page = Paginator(selectors.attendees_needing_review(current), REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        candidates = selectors.review_page_candidates(rows)
        data = request.POST if request.method == "POST" else None
        forms = [DecisionForm(data, prefix=f"a{a.pk}", attendee=a, candidates=candidates[a.pk]) for a in rows]
        if request.method == "POST" and all(form.is_valid() for form in forms):
            chosen = [form for form in forms if form.chosen]
            decisions = [(f.attendee, f.registration, "link" if f.registration else f.chosen) for f in chosen]
            try:
                done = services.attendees_resolve(decisions=decisions, actor=request.user)
            except services.AttendanceError as refused:
                failing = {form.attendee.pk: form for form in chosen}.get(getattr(refused, "attendee_id", None))
                add_to_form(failing or forms[0], refused)
            else:
                messages.success(request, ngettext("%(count)d decision saved.", "%(count)d decisions saved.", done) % {"count": done})
                return HttpResponseRedirect(request.get_full_path())
        return self.render(
            request,
            status=400 if request.method == "POST" else 200,
            current=current,
            page=page,
            rows=list(zip(rows, forms, strict=True)),
            datalist=selectors.registration_choices(webinar, limit=DATALIST_LIMIT) if rows else [],
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.dispatch_page(request)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.dispatch_page(request)
