"""Attendance in the back office: upload meeting reports, review who the import could not match.

Who may do what (as for registrations, see ``registrations.admin``): besides a series role,
staff need this app's model permissions: "view attendance import" to list imports and
attendees, "add attendance import" to upload a report, "change attendance import" to
decide on attendees on the review screen. Everybody but superusers sees only imports and
attendees of the series they may edit; another series' import or webinar is a 404.
Imports are never deleted or edited here: a corrected file replaces an import (the
earlier one stays for the record), and decisions go through ``services.resolve_attendee``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from webinars.registrations.admin import RelatedOnlyFilter, in_scope
from webinars.registrations.models import Registration

from . import selectors, services
from .forms import DecisionForm, UploadForm, registration_label
from .models import AttendanceImport, Attendee
from .parsers import STAFF_ROLES, ParseError

REVIEW_PAGE_SIZE = 50
DATALIST_LIMIT = 5000

SUMMARY_LABELS = [
    ("rows", _("rows in the file")),
    ("people", _("people in the report")),
    ("staff", _("hosts and panelists (not attendees)")),
    ("matched_email", _("matched by e-mail")),
    ("matched_name", _("matched by name")),
    ("matched_manual", _("matched by the organiser")),
    ("to_review", _("to review")),
    ("walk_ins", _("walk-ins")),
    ("attended", _("attended (at or above the threshold)")),
    ("attended_registrations", _("registrations that attended")),
    ("no_shows", _("registered in the platform but did not come")),
    ("carried_over", _("decisions carried over from the replaced import")),
]


class CurrentImportFilter(admin.SimpleListFilter):
    title = _("import")
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", _("current")), ("no", _("replaced by a newer file"))]

    def queryset(self, request, queryset):
        field = "replaced_at__isnull" if queryset.model is AttendanceImport else "attendance_import__replaced_at__isnull"
        if self.value() == "yes":
            return queryset.filter(**{field: True})
        if self.value() == "no":
            return queryset.filter(**{field: False})
        return queryset


def summary_table(summary: dict) -> str:
    rows = [(label, summary.get(key, 0)) for key, label in SUMMARY_LABELS if key in summary]
    not_confirmed = summary.get("not_confirmed") or {}
    statuses = dict(Registration.Status.choices)
    for status, count in sorted(not_confirmed.items()):
        rows.append((gettext("matched registrations with status “%(status)s”") % {"status": statuses.get(status, status)}, count))
    if "threshold_minutes" in summary:
        rows.append(
            (
                gettext("threshold"),
                gettext("%(minutes)s of %(duration)s minutes (%(percent)s %%)")
                % {
                    "minutes": f"{summary['threshold_minutes']:g}",
                    "duration": summary.get("duration_minutes", ""),
                    "percent": summary.get("threshold_percent", ""),
                },
            )
        )
    return format_html('<table class="mw-summary">{}</table>', format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows))


@admin.register(AttendanceImport)
class AttendanceImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "webinar", "format", "created_at", "state", "rows", "matched", "to_review", "attended", "uploaded_by"]
    list_filter = [CurrentImportFilter, ("webinar__series", RelatedOnlyFilter), ("webinar", RelatedOnlyFilter), "format"]
    list_select_related = ["webinar", "webinar__series", "uploaded_by"]
    search_fields = ["file_name"]
    date_hierarchy = "created_at"
    fields = readonly_fields = [
        "webinar",
        "format",
        "file_name",
        "state",
        "summary_display",
        "meeting_display",
        "column_mapping",
        "sha256",
        "uploaded_by",
        "created_at",
        "replaced_at",
    ]

    # -- scope and permissions --

    def get_queryset(self, request: HttpRequest) -> QuerySet[AttendanceImport]:
        return selectors.imports_editable_by(request.user)

    def has_view_permission(self, request: HttpRequest, obj: AttendanceImport | None = None) -> bool:
        return super().has_view_permission(request, obj) and (obj is None or in_scope(request, obj.webinar.series_id))

    def has_change_permission(self, request: HttpRequest, obj: AttendanceImport | None = None) -> bool:
        return super().has_change_permission(request, obj) and (obj is None or in_scope(request, obj.webinar.series_id))

    def has_delete_permission(self, request: HttpRequest, obj: AttendanceImport | None = None) -> bool:
        return False  # a corrected file replaces an import; the earlier one stays for the record

    # -- list --

    @admin.display(description=_("state"))
    def state(self, obj: AttendanceImport) -> str:
        return gettext("current") if obj.replaced_at is None else gettext("replaced")

    @admin.display(description=_("matched"))
    def matched(self, obj: AttendanceImport) -> int:
        s = obj.summary or {}
        return s.get("matched_email", 0) + s.get("matched_name", 0) + s.get("matched_manual", 0)

    @admin.display(description=_("to review"))
    def to_review(self, obj: AttendanceImport):
        count = (obj.summary or {}).get("to_review", 0)
        if count and obj.replaced_at is None:
            return format_html('<a href="{}">{}</a>', reverse(self._url_name("review"), args=[obj.pk]), count)
        return count

    @admin.display(description=_("attended"))
    def attended(self, obj: AttendanceImport) -> int:
        return (obj.summary or {}).get("attended", 0)

    @admin.display(description=_("summary"))
    def summary_display(self, obj: AttendanceImport) -> str:
        return summary_table(obj.summary or {})

    @admin.display(description=_("meeting, as the report gives it"))
    def meeting_display(self, obj: AttendanceImport) -> str:
        meeting = (obj.summary or {}).get("meeting") or {}
        if not meeting:
            return "–"
        return format_html_join("", "<div>{}: {}</div>", sorted(meeting.items()))

    # -- pages --

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        return HttpResponseRedirect(reverse(self._url_name("upload")))

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        obj = self.get_object(request, object_id)
        context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}
        if obj is not None:
            context["mw_review_url"] = reverse(self._url_name("review"), args=[obj.pk])
            attendees = reverse("admin:attendance_attendee_changelist")
            context["mw_attendees_url"] = f"{attendees}?{urlencode({'attendance_import__id__exact': obj.pk})}"
            context["mw_to_review"] = (obj.summary or {}).get("to_review", 0)
            context["mw_current"] = obj.replaced_at is None
        return super().change_view(request, object_id, form_url, extra_context=context)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        context = {**(extra_context or {})}
        if self.has_add_permission(request):
            context["mw_upload_url"] = reverse(self._url_name("upload"))
        return super().changelist_view(request, extra_context=context)

    def get_urls(self) -> list:
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name=f"{info}_upload"),
            path("<int:import_id>/review/", wrap(self.review_view), name=f"{info}_review"),
            *super().get_urls(),
        ]

    def _url_name(self, view: str) -> str:
        return f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}"

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
        webinars = selectors.webinars_editable_by(request.user)
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
        imported = self.get_queryset(request).filter(pk=import_id).first()
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
                done = 0
                with transaction.atomic():
                    for form in forms:
                        decision = form.chosen
                        if not decision:
                            continue
                        try:
                            services.resolve_attendee(
                                attendee=form.attendee, registration=form.registration, walk_in=decision == "walk_in", actor=request.user
                            )
                        except services.AttendanceError as exc:
                            form.add_error(None, exc.message)
                            transaction.set_rollback(True)
                            done = -1
                            break
                        done += 1
                if done >= 0:
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


@admin.register(Attendee)
class AttendeeAdmin(admin.ModelAdmin):
    """Everyone in the imported reports, read-only (decisions are taken on the review screen)."""

    list_display = ["name", "email", "minutes", "joins", "attended", "match", "registration_link", "role", "attendance_import"]
    list_filter = [CurrentImportFilter, "match", "attended", ("webinar", RelatedOnlyFilter)]
    list_select_related = ["registration", "attendance_import"]
    search_fields = ["name", "email"]
    list_per_page = 100
    fields = readonly_fields = [
        "attendance_import",
        "webinar",
        "name",
        "other_names",
        "email",
        "role",
        "minutes",
        "joins",
        "first_join_at",
        "last_leave_at",
        "attended",
        "match",
        "match_score",
        "registration",
        "candidates",
        "resolved_by",
        "resolved_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attendee]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(webinar__series__in=selectors.series_editable_by(request.user))

    def has_view_permission(self, request: HttpRequest, obj: Attendee | None = None) -> bool:
        opts = AttendanceImport._meta
        allowed = request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or super().has_view_permission(request, obj)
        return allowed and (obj is None or in_scope(request, obj.webinar.series_id))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Attendee | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Attendee | None = None) -> bool:
        return False

    @admin.display(description=_("registration"), ordering="registration__name")
    def registration_link(self, obj: Attendee):
        if obj.registration_id is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:registrations_registration_change", args=[obj.registration_id]), obj.registration.name
        )
