"""The registrations section: who registered (search, filters, order, pages), actions on rows and
on the rows ticked, exports of the filtered list, and one registration's page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from webinars.audit.display import details
from webinars.audit.selectors import log_entries_for
from webinars.core.errors import DomainError, add_to_form
from webinars.registrations import exports
from webinars.registrations import selectors as registration_selectors
from webinars.registrations import services as registration_services
from webinars.registrations.models import Registration

from ..forms.registrations import ACTION_LABELS, RegistrationActionForm, RegistrationDetailsForm, RegistrationFilterForm
from .webinar import WebinarSectionView

PER_PAGE = 50


def row_actions(registration: Registration, labels: dict[str, str] | None = None) -> list[tuple[str, Any]]:
    """The actions a row offers (those whose service accepts its status), as (action, label)."""
    if registration.erased_at is not None:
        return []
    labels = labels or {action: str(label) for action, label in ACTION_LABELS.items()}
    found = [
        (action, labels[action])
        for action, (statuses, _operation) in registration_services.BULK_ACTIONS.items()
        if registration.status in statuses
    ]
    if any(action == "move" for action, _label in found):
        found = [(action, label) for action, label in found if action != "confirm"]  # the same step, named for the waiting list
    return found


class RegistrationsSectionView(WebinarSectionView):
    section = "organise:webinar_registrations"
    permission = "registrations.view_registrations"
    change_permission = "registrations.change_registration"

    def list_url(self) -> str:
        assert self.webinar is not None
        return reverse("organise:webinar_registrations", args=[self.webinar.pk])

    def back_to(self, wanted: str) -> str:
        """Where to go after an action: the page it came from (this webinar's section), else the list."""
        prefix = self.list_url()
        if wanted and wanted.startswith(prefix) and url_has_allowed_host_and_scheme(wanted, allowed_hosts=None):
            return wanted
        return prefix


class WebinarRegistrationsView(RegistrationsSectionView):
    """The table (GET) and the actions on its rows (POST)."""

    template_name = "organise/registrations/list.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        form = RegistrationFilterForm(request.GET)
        filters = form.filters()
        table = registration_selectors.registration_table(webinar=self.webinar, filters=filters, page=form.page_number(), per_page=PER_PAGE)
        form.narrow_choices(countries_present=table.countries, languages_present=table.languages)
        labels = {action: str(label) for action, label in ACTION_LABELS.items()}  # translated once, not per row
        query = request.GET.copy()
        query.pop("page", None)
        sort_query = query.copy()
        sort_query.pop("sort", None)
        return self.render(
            request,
            form=form,
            filters=filters,
            table=table,
            rows=[(registration, row_actions(registration, labels)) for registration in table.rows],
            query=query.urlencode(),
            sort_query=sort_query.urlencode(),
            here=request.get_full_path(),
            list_url=self.list_url(),
            bulk_actions=list(ACTION_LABELS.items()),
            may_change=self.may("registrations.change_registration"),
            may_export=self.may("registrations.export_registrations"),
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        form = RegistrationActionForm(request.POST)
        back = self.back_to(request.POST.get("next", ""))
        if not form.is_valid():
            for error in form.non_field_errors() or [_("Unknown action.")]:
                messages.error(request, error)
            return HttpResponseRedirect(back)
        action, ids = form.cleaned_data["action"], form.cleaned_data["ids"]
        if action == "cancel" and not form.cleaned_data["confirmed"]:
            chosen = registration_selectors.registrations_by_ids(webinar=self.webinar, ids=ids)
            return self.render(request, template_name="organise/registrations/cancel.html", chosen=chosen[:200], ids=ids, back=back)
        try:
            result = registration_services.registrations_bulk_action(
                webinar=self.webinar, registration_ids=ids, action=action, actor=request.user
            )
        except DomainError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(back)
        messages.success(request, done_message(action, result.done))
        if result.skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)d registration was left as it was (its status does not allow this).",
                    "%(count)d registrations were left as they were (their status does not allow this).",
                    result.skipped,
                )
                % {"count": result.skipped},
            )
        return HttpResponseRedirect(back)

    def render(self, request: HttpRequest, status: int = 200, template_name: str | None = None, **extra: Any) -> HttpResponse:
        if template_name:
            self.template_name = template_name
        return super().render(request, status=status, **extra)


def done_message(action: str, count: int) -> str:
    if action == "confirm":
        text = ngettext("%(count)d registration confirmed.", "%(count)d registrations confirmed.", count)
    elif action == "move":
        text = ngettext(
            "%(count)d person moved from the waiting list and confirmed.",
            "%(count)d people moved from the waiting list and confirmed.",
            count,
        )
    elif action == "cancel":
        text = ngettext(
            "%(count)d registration cancelled; the registrant is told by e-mail.",
            "%(count)d registrations cancelled; the registrants are told by e-mail.",
            count,
        )
    else:
        text = ngettext(
            "The self-service link is on its way to %(count)d registrant.",
            "The self-service link is on its way to %(count)d registrants.",
            count,
        )
    return text % {"count": count}


class WebinarRegistrationsExportView(RegistrationsSectionView):
    """The filtered list as CSV or XLSX (every export of personal data is in the activity log)."""

    permission = "registrations.export_registrations"
    change_permission = None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        fmt = request.GET.get("format", "")
        if fmt not in exports.RESPONSES:
            raise Http404
        filters = RegistrationFilterForm(request.GET).filters()
        queryset = registration_selectors.webinar_registrations(webinar=self.webinar, filters=filters)
        registration_services.registrations_export_record(
            queryset=queryset,
            fmt=fmt,
            filters=[f"webinar={self.webinar.pk}", *filters.described(with_search_text=False)],
            actor=request.user,
        )
        head = exports.preamble([str(self.webinar), *filters.described()])
        return exports.RESPONSES[fmt](registration_selectors.registration_export_rows(queryset), head=head)


class RegistrationDetailView(RegistrationsSectionView):
    """One registration: details, answers, history; correct the details."""

    template_name = "organise/registrations/detail.html"
    registration: Registration

    def load_objects(self, **kwargs: Any) -> None:
        super().load_objects(**kwargs)
        assert self.webinar is not None
        found = registration_selectors.registration_for_workspace(webinar=self.webinar, registration_id=kwargs["registration_id"])
        if found is None:
            raise Http404
        found.webinar = self.webinar
        self.registration = found

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(request, RegistrationDetailsForm(registration=self.registration))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = RegistrationDetailsForm(request.POST, registration=self.registration)
        if form.is_valid():
            try:
                changed = registration_services.registration_update_details(
                    registration=self.registration,
                    data=form.changes(),
                    actor=request.user,
                    if_unchanged_since=form.cleaned_data["updated_at"],
                )
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Details saved.") if changed else _("Nothing was changed."))
                return HttpResponseRedirect(request.path)
        return self.page(request, form, status=400)

    def page(self, request: HttpRequest, form: RegistrationDetailsForm, status: int = 200) -> HttpResponse:
        registration = self.registration
        return self.render(
            request,
            status=status,
            registration=registration,
            form=form,
            answers=registration_selectors.registration_answers(registration),
            history=[(entry, details(entry)) for entry in log_entries_for(registration)],
            may_change=self.may("registrations.change_registration"),
            actions=row_actions(registration),
            here=request.path,
            list_url=self.list_url(),
        )
