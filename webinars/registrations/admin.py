"""The organisers' side of registrations in the back office (the Django admin).

Who may do what
---------------
* Registrations hold personal data. Besides a series role (see ``programme.admin``), a
  staff user needs the Django model permissions of this app: "view registration" to
  list and export, "change registration" to correct details, confirm, cancel, move
  people from the waiting list and write to registrants. Superusers need nothing.
* Everybody but superusers sees only registrations and questions of
  series they may edit (``programme.selectors.series_editable_by``): in lists, filters,
  exports, change pages and the message pages alike.
* Nobody adds or deletes registrations here: people register themselves, and a
  registration ends by cancellation or erasure, which keep the audit log and give a
  freed seat to the waiting list. Statuses change only through the actions, which call
  ``services`` and are logged (``RegistrationEvent``) with the organiser as actor.
* Everything registrants typed is shown escaped; nothing here marks their text safe.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import get_model_from_relation
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from webinars.programme.admin import ContentAdmin, ContentWidgetsMixin
from webinars.programme.models import Series, Webinar
from webinars.programme.selectors import series_editable_by

from . import exports, selectors, services
from .forms import PlainTextField
from .models import Registration, RegistrationEvent, RegistrationQuestion

logger = logging.getLogger(__name__)

Status = Registration.Status
EDITABLE_FIELDS = tuple(services.PERSONAL_FIELDS)
WEBINAR_PARAM = "webinar__id__exact"


# --- scope: the series the signed-in user may edit -------------------------------------

_SCOPE_ATTR = "_mw_registrations_series_ids"


def editable_series_ids(request: HttpRequest) -> set[int] | None:
    """Ids of the series whose registrations the user may see; None means all (superuser)."""
    if request.user.is_superuser:
        return None
    ids = getattr(request, _SCOPE_ATTR, None)
    if ids is None:
        ids = set(series_editable_by(request.user).values_list("pk", flat=True))
        setattr(request, _SCOPE_ATTR, ids)
    return ids


def in_scope(request: HttpRequest, series_id: int | None) -> bool:
    ids = editable_series_ids(request)
    return ids is None or series_id in ids


def scoped_webinar(request: HttpRequest, webinar_id: int) -> Webinar | None:
    """The webinar, if it belongs to a series the user may edit."""
    webinars = Webinar.objects.select_related("series").filter(pk=webinar_id)
    if not request.user.is_superuser:
        webinars = webinars.filter(series__in=series_editable_by(request.user))
    return webinars.first()


class _AppliedFilterMixin:
    """Keep a filter that is in use even when it offers fewer than two choices.

    Django drops such a filter from the changelist *and its condition with it*: an
    organiser whose registrations all belong to one webinar, following a link to the
    list of another webinar (``?webinar__id__exact=...``), would be shown the first
    webinar's registrations, and would export them under the wrong name.
    """

    def has_output(self) -> bool:
        return bool(self.used_parameters) or super().has_output()


def visible_related(request: HttpRequest, model: type) -> QuerySet:
    """Series or webinars the user may see (for naming a filter's choice); nothing else."""
    series = series_editable_by(request.user)
    if model is Series:
        return series
    if model is Webinar:
        return Webinar.objects.filter(series__in=series)
    return model._default_manager.none()


class RelatedOnlyFilter(_AppliedFilterMixin, admin.RelatedOnlyFieldListFilter):
    """The related objects present in the (scoped) list, plus the chosen one if the user may see it.

    So a webinar without registrations yet is named in the filter and in exports,
    and a webinar of another series is never named.
    """

    def field_choices(self, field, request, model_admin):
        choices = list(super().field_choices(field, request, model_admin))
        known = {str(pk) for pk, _label in choices}
        wanted = [v for v in (self.lookup_val or []) if str(v).isdigit() and str(v) not in known]
        if wanted:
            choices += [(obj.pk, str(obj)) for obj in visible_related(request, get_model_from_relation(field)).filter(pk__in=wanted)]
        return choices


class AllValuesFilter(_AppliedFilterMixin, admin.AllValuesFieldListFilter):
    """The values present in the (scoped) list; applied even when just one is."""


class ScopedCountryFilter(CountryFilter):
    """Only the countries of registrations the user may see (the stock one lists every row's)."""

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


# --- registrations -----------------------------------------------------------------------


class RegistrationAdminForm(forms.ModelForm):
    """Organisers correct the same details registrants may, under the same rules."""

    class Meta:
        model = Registration
        fields = list(EDITABLE_FIELDS)
        field_classes = {"name": PlainTextField, "city": PlainTextField, "organisation": PlainTextField, "position": PlainTextField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "language" in self.fields:
            choices = list(settings.LANGUAGES)
            current = self.instance.language
            if current and current not in dict(choices):
                choices.append((current, current))
            self.fields["language"] = forms.ChoiceField(label=Registration._meta.get_field("language").verbose_name, choices=choices)


class RegistrationEventInline(admin.TabularInline):
    """The audit log: read-only, written by the services."""

    model = RegistrationEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ["when", "what", "status_change", "by", "note"]
    ordering = ["at", "id"]
    verbose_name = _("history entry")
    verbose_name_plural = _("history")

    def get_queryset(self, request: HttpRequest) -> QuerySet[RegistrationEvent]:
        return super().get_queryset(request).select_related("actor")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        opts = Registration._meta
        return request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or request.user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("when"))
    def when(self, event: RegistrationEvent):
        return event.at

    @admin.display(description=_("what happened"))
    def what(self, event: RegistrationEvent) -> str:
        return event.action

    @admin.display(description=_("status"))
    def status_change(self, event: RegistrationEvent) -> str:
        labels = dict(Status.choices)
        before = labels.get(event.from_status, event.from_status) if event.from_status else "–"
        return f"{before} → {labels.get(event.to_status, event.to_status)}"

    @admin.display(description=_("by"))
    def by(self, event: RegistrationEvent) -> str:
        return str(event.actor) if event.actor_id else gettext("the registrant or the system")


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


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    form = RegistrationAdminForm
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
    inlines = [RegistrationEventInline]
    readonly_fields = READONLY_FIELDS
    fieldsets = [
        (None, {"fields": ["webinar", "status", "email", "name"]}),
        (
            _("About the registrant"),
            {"fields": ["country", "city", "organisation", "position", "institution_type", "gender", "language", "time_zone"]},
        ),
        (_("Consent"), {"fields": ["consent_privacy_at", "consent_recording"]}),
        (_("Answers to the series' questions"), {"fields": ["answers_display"]}),
        (
            _("Dates"),
            {
                "fields": [
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
            },
        ),
    ]
    actions = ["confirm_registrations", "cancel_registrations", "move_from_waiting_list", "export_csv", "export_xlsx"]

    # -- scope and permissions --

    def get_queryset(self, request: HttpRequest) -> QuerySet[Registration]:
        queryset = super().get_queryset(request)
        if not request.user.is_superuser:
            queryset = queryset.filter(webinar__series__in=series_editable_by(request.user))
        return queryset

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people register themselves

    def has_delete_permission(self, request: HttpRequest, obj: Registration | None = None) -> bool:
        return False  # cancel or erase instead: both keep the audit log and free the seat

    def has_view_permission(self, request: HttpRequest, obj: Registration | None = None) -> bool:
        return super().has_view_permission(request, obj) and (obj is None or in_scope(request, obj.webinar.series_id))

    def has_change_permission(self, request: HttpRequest, obj: Registration | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or (in_scope(request, obj.webinar.series_id) and not obj.is_erased)

    # -- change page --

    def save_model(self, request: HttpRequest, obj: Registration, form: forms.ModelForm, change: bool) -> None:
        changed = [name for name in form.changed_data if name in EDITABLE_FIELDS]
        if not change or not changed:
            return
        with transaction.atomic():
            # Only the corrected columns: a status changed meanwhile by a service must not be overwritten.
            obj.save(update_fields=[*changed, "updated_at"])
            RegistrationEvent.objects.create(
                registration=obj,
                action="details changed by organiser",
                from_status=obj.status,
                to_status=obj.status,
                actor=request.user,
                note=", ".join(changed)[:300],
            )

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

    # -- changelist --

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        context = {**(extra_context or {}), **self._webinar_tools(request)}
        return super().changelist_view(request, extra_context=context)

    def _webinar_tools(self, request: HttpRequest) -> dict[str, Any]:
        """Links to the message and recording pages when the list shows one webinar."""
        raw = request.GET.get(WEBINAR_PARAM, "")
        if not raw.isdigit() or not self.has_change_permission(request):
            return {}
        webinar = scoped_webinar(request, int(raw))
        if webinar is None:
            return {}
        return {
            "mw_webinar": webinar,
            "mw_message_url": reverse(self._url_name("message"), args=[webinar.pk]),
            "mw_recording_url": reverse(self._url_name("recording"), args=[webinar.pk]) if webinar.recording_url else "",
        }

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

    # -- actions: status changes through the services --

    def _report(self, request: HttpRequest, done: int, skipped: int, done_message: str) -> None:
        self.message_user(request, done_message, messages.SUCCESS if done else messages.WARNING)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration was left as it was (its status does not allow this).",
                    "%(count)d registrations were left as they were (their status does not allow this).",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Confirm"), permissions=["change"])
    def confirm_registrations(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        total = queryset.count()
        done = 0
        for registration in queryset.filter(status__in=[Status.PENDING, Status.WAITLISTED]).order_by("created_at", "id"):
            services.registration_confirm_by_organiser(registration=registration, actor=request.user)
            done += 1
        message = ngettext("%(count)d registration confirmed.", "%(count)d registrations confirmed.", done) % {"count": done}
        self._report(request, done, total - done, message)

    @admin.action(description=_("Move from waiting list"), permissions=["change"])
    def move_from_waiting_list(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        total = queryset.count()
        done = 0
        for registration in queryset.filter(status=Status.WAITLISTED).order_by("created_at", "id"):
            services.registration_confirm_by_organiser(registration=registration, actor=request.user)
            done += 1
        message = ngettext(
            "%(count)d person moved from the waiting list and confirmed.",
            "%(count)d people moved from the waiting list and confirmed.",
            done,
        ) % {"count": done}
        self._report(request, done, total - done, message)

    @admin.action(description=_("Cancel (the registrant is told)"), permissions=["change"])
    def cancel_registrations(self, request: HttpRequest, queryset: QuerySet[Registration]) -> HttpResponse | None:
        active = queryset.filter(status__in=services.ACTIVE_STATUSES).select_related("webinar").order_by("created_at", "id")
        total = queryset.count()
        if request.POST.get("post") == "yes":
            done = 0
            for registration in active:
                services.registration_cancel(registration=registration, actor=request.user, by_organiser=True)
                done += 1
            message = ngettext(
                "%(count)d registration cancelled; the registrant is told by e-mail.",
                "%(count)d registrations cancelled; the registrants are told by e-mail.",
                done,
            ) % {"count": done}
            self._report(request, done, total - done, message)
            return None
        count = active.count()
        if not count:
            self.message_user(request, gettext("None of the selected registrations can be cancelled."), messages.WARNING)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Cancel registrations"),
            "subtitle": None,
            "opts": self.opts,
            "preview": active[:100],
            "count": count,
            "more": max(0, count - 100),
            "skipped": total - count,
            "selected_ids": list(active.values_list("pk", flat=True)),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "cancel_registrations",
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/registrations/registration/cancel_confirmation.html", context)

    # -- exports --

    def _filters_of(self, request: HttpRequest) -> list[str]:
        try:
            return describe_filters(self.get_changelist_instance(request))
        except IncorrectLookupParameters:
            return [f"{key}={value}" for key, value in request.GET.items()]

    def _export(self, request: HttpRequest, queryset: QuerySet[Registration], fmt: str, *, filters: list[str], selection: str = ""):
        logger.info(
            "Registrations exported as %s by %s (filters: %s; %s)", fmt, request.user, "; ".join(filters) or "none", selection or "all"
        )
        head = exports.preamble(filters, selection=selection)
        return exports.RESPONSES[fmt](selectors.registration_export_rows(queryset), head=head)

    def _selection(self, request: HttpRequest, queryset: QuerySet[Registration]) -> str:
        if request.POST.get("select_across") == "1":
            return ""
        count = queryset.count()
        return ngettext(
            "Selection: %(count)d registration chosen in the list", "Selection: %(count)d registrations chosen in the list", count
        ) % {"count": count}

    @admin.action(description=_("Export CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Registration]):
        return self._export(request, queryset, "csv", filters=self._filters_of(request), selection=self._selection(request, queryset))

    @admin.action(description=_("Export XLSX"), permissions=["view"])
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet[Registration]):
        return self._export(request, queryset, "xlsx", filters=self._filters_of(request), selection=self._selection(request, queryset))

    def export_view(self, request: HttpRequest, fmt: str):
        """The whole list as filtered on the changelist (same query string), as CSV or XLSX."""
        if fmt not in exports.RESPONSES:
            raise Http404
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
            queryset = changelist.get_queryset(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(self._changelist_url(e="1"))
        return self._export(request, queryset, fmt, filters=describe_filters(changelist))

    # -- messages to the registrants of one webinar --

    def _webinar_or_404(self, request: HttpRequest, webinar_id: int) -> Webinar:
        if not self.has_change_permission(request):
            raise PermissionDenied
        webinar = scoped_webinar(request, webinar_id)
        if webinar is None:
            raise Http404
        return webinar

    def _page(self, request: HttpRequest, template: str, title: str, webinar: Webinar, **context: Any) -> TemplateResponse:
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            f"admin/registrations/registration/{template}",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "subtitle": str(webinar),
                "opts": self.opts,
                "webinar": webinar,
                "confirmed_count": Registration.objects.filter(webinar=webinar, status=Status.CONFIRMED).count(),
                "back_url": self._changelist_url(**{WEBINAR_PARAM: webinar.pk}),
                **context,
            },
        )

    def message_view(self, request: HttpRequest, webinar_id: int) -> HttpResponse:
        """Write to every confirmed registrant of one webinar (queued, sent in the background)."""
        webinar = self._webinar_or_404(request, webinar_id)
        form = WebinarMessageForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            count = services.webinar_message_confirmed(
                webinar=webinar, subject=form.cleaned_data["subject"], body=form.cleaned_data["body"], actor=request.user
            )
            if count:
                text = ngettext(
                    "Your message is on its way to %(count)d confirmed registrant.",
                    "Your message is on its way to %(count)d confirmed registrants.",
                    count,
                ) % {"count": count}
                self.message_user(request, text, messages.SUCCESS)
            else:
                self.message_user(request, gettext("Nobody is confirmed for this webinar yet: no message was sent."), messages.WARNING)
            return HttpResponseRedirect(self._changelist_url(**{WEBINAR_PARAM: webinar.pk}))
        return self._page(request, "message.html", gettext("Message to all confirmed registrants"), webinar, form=form, media=form.media)

    def recording_view(self, request: HttpRequest, webinar_id: int) -> HttpResponse:
        """Tell confirmed registrants that the recording is online (each of them once)."""
        webinar = self._webinar_or_404(request, webinar_id)
        if request.method == "POST":
            if not webinar.recording_url:
                self.message_user(request, gettext("This webinar has no recording address yet."), messages.WARNING)
            else:
                count = services.webinar_recording_announce(webinar=webinar)
                text = ngettext(
                    "%(count)d registrant will be told about the recording.",
                    "%(count)d registrants will be told about the recording.",
                    count,
                ) % {"count": count}
                self.message_user(request, text, messages.SUCCESS if count else messages.WARNING)
            return HttpResponseRedirect(self._changelist_url(**{WEBINAR_PARAM: webinar.pk}))
        return self._page(request, "recording.html", gettext("Announce the recording"), webinar)


class WebinarMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 80}),
        help_text=_("Plain text. Each registrant receives it in a separate e-mail, with their own links to manage the registration."),
    )

    def clean_subject(self) -> str:
        return " ".join(self.cleaned_data["subject"].split())


# --- organisers' questions -------------------------------------------------------------------


class RegistrationQuestionForm(forms.ModelForm):
    class Meta:
        model = RegistrationQuestion
        fields = ["series", "label", "help_text", "kind", "choices", "required", "order"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        choices = data.get("choices")
        if data.get("kind") == RegistrationQuestion.Kind.CHOICE:
            if not isinstance(choices, list) or not choices or not all(isinstance(c, str) and c.strip() for c in choices):
                self.add_error("choices", _('Give the choices as a list of texts, for example ["Yes, in person", "Online"].'))
        elif choices:
            data["choices"] = []
        return data


class _QuestionScope:
    """Model permissions, and only for series the user may edit."""

    def _series_allowed(self, request: HttpRequest, series_id: int | None) -> bool:
        return series_id is None or in_scope(request, series_id)


class RegistrationQuestionInline(_QuestionScope, ContentWidgetsMixin, admin.StackedInline):
    """The series' questions, for the series change page (``SeriesAdmin.inlines``)."""

    model = RegistrationQuestion
    form = RegistrationQuestionForm
    extra = 0
    fields = [("kind", "required", "order"), "label", "help_text", "choices"]

    def _allowed(self, request: HttpRequest, obj: Series | None) -> bool:
        return self._series_allowed(request, obj.pk if obj is not None else None)

    def has_view_permission(self, request: HttpRequest, obj: Series | None = None) -> bool:
        return super().has_view_permission(request, obj) and self._allowed(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Series | None = None) -> bool:
        return super().has_add_permission(request, obj) and self._allowed(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Series | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._allowed(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Series | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._allowed(request, obj)


@admin.register(RegistrationQuestion)
class RegistrationQuestionAdmin(_QuestionScope, ContentAdmin):
    form = RegistrationQuestionForm
    list_display = ["__str__", "series", "kind", "required", "order"]
    list_filter = [("series", RelatedOnlyFilter), "kind", "required"]
    list_select_related = ["series"]
    search_fields = ["label"]
    content_search_fields = ["label"]
    fields = ["series", "label", "help_text", "kind", "choices", "required", "order"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RegistrationQuestion]:
        queryset = super().get_queryset(request)
        if not request.user.is_superuser:
            queryset = queryset.filter(series__in=series_editable_by(request.user))
        return queryset

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "series":
            kwargs["queryset"] = series_editable_by(request.user).order_by("slug")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request: HttpRequest, obj: RegistrationQuestion | None = None) -> bool:
        return super().has_view_permission(request, obj) and self._series_allowed(request, obj.series_id if obj else None)

    def has_change_permission(self, request: HttpRequest, obj: RegistrationQuestion | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._series_allowed(request, obj.series_id if obj else None)

    def has_delete_permission(self, request: HttpRequest, obj: RegistrationQuestion | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._series_allowed(request, obj.series_id if obj else None)


__all__ = [
    "RegistrationAdmin",
    "RegistrationQuestionAdmin",
    "RegistrationQuestionInline",
    "describe_filters",
    "editable_series_ids",
]
