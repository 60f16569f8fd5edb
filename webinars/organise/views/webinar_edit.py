"""Creating and editing a webinar; publishing, unpublishing, postponing, cancelling; duplicating."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from webinars.core.errors import DomainError, add_to_form
from webinars.programme import selectors as programme_selectors
from webinars.programme import services as programme_services
from webinars.programme.models import Webinar
from webinars.registrations import selectors as registration_selectors

from ..access import OrganiseView
from ..editing import webinar_form_save
from ..forms.i18n import language_tabs, languages_with_text
from ..forms.webinar import LinkFormSet, SpeakerFormSet, WebinarForm, link_initial, link_rows, speaker_initial, speaker_rows
from .series import SeriesSectionView
from .webinar import WebinarSectionView


class _WebinarFormMixin:
    """The webinar form with its speakers and links, bound to the POST or to the stored webinar."""

    request: HttpRequest

    def forms(self, webinar: Webinar, series: Any) -> tuple[WebinarForm, Any, Any]:
        people = list(programme_selectors.person_choices())
        data = self.request.POST if self.request.method == "POST" else None
        stored = webinar.pk is not None
        form = WebinarForm(data, instance=webinar, series=series)
        speakers = SpeakerFormSet(
            data, prefix="speakers", initial=speaker_initial(webinar) if stored else None, form_kwargs={"people": people}
        )
        links = LinkFormSet(data, prefix="links", initial=link_initial(webinar) if stored else None)
        return form, speakers, links

    def save(self, webinar_form: WebinarForm, speakers: Any, links: Any) -> bool:
        """Validate all three and save through the services; refusals are shown on the form."""
        if not (webinar_form.is_valid() and speakers.is_valid() and links.is_valid()):
            return False
        cleaned = webinar_form.cleaned_data
        try:
            promoted = webinar_form_save(
                webinar=webinar_form.instance,
                capacity=cleaned["capacity"],
                actor=self.request.user,
                expected_updated_at=cleaned.get("version"),
                description_markdown=_plain(cleaned.get("description_markdown")),
                speakers=speaker_rows(speakers),
                links=link_rows(links),
                partners=cleaned.get("partners") or [],
            )
        except DomainError as error:
            add_to_form(webinar_form, error)
            return False
        if promoted:
            count = len(promoted)
            messages.success(
                self.request,
                ngettext("%(count)d person moved up from the waiting list.", "%(count)d people moved up from the waiting list.", count)
                % {"count": count},
            )
        return True

    def tabs(self, series: Any, webinar: Webinar) -> dict[str, Any]:
        with_text = languages_with_text(webinar.title, webinar.summary, webinar.description) if webinar.pk else set()
        return language_tabs(series.content_languages or ["en"], with_text=with_text, chosen=self.request.POST.get("content_tab"))


def _plain(value: Any) -> dict[str, str]:
    data = getattr(value, "data", value)
    return {code: text for code, text in data.items() if text} if isinstance(data, dict) else {}


class WebinarCreateView(_WebinarFormMixin, SeriesSectionView):
    """A new webinar in the series of the URL (a draft until published)."""

    permission = "programme.add_webinar"
    change_permission = "programme.add_webinar"
    template_name = "organise/webinar_edit/create.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.page(request, *self.forms(Webinar(), self.series))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        webinar_form, speakers, links = self.forms(Webinar(), self.series)
        if self.save(webinar_form, speakers, links):
            messages.success(request, _("Draft saved. Preview it, then publish it when it is ready."))
            return redirect("organise:webinar_edit", webinar_form.instance.pk)
        return self.page(request, webinar_form, speakers, links)

    def page(self, request: HttpRequest, form: WebinarForm, speakers: Any, links: Any) -> HttpResponse:
        assert self.series is not None
        return self.render(request, form=form, speakers=speakers, links=links, language_tabs=self.tabs(self.series, form.instance))


class WebinarEditView(_WebinarFormMixin, WebinarSectionView):
    section = "organise:webinar_edit"
    permission = "programme.change_webinar"
    change_permission = "programme.change_webinar"
    template_name = "organise/webinar_edit/edit.html"

    def load_objects(self, **kwargs: Any) -> None:
        self.webinar = programme_selectors.webinar_for_editing(webinar_id=kwargs["webinar_id"])
        if self.webinar is None:
            raise Http404
        self.series = self.webinar.series

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        return self.page(request, *self.forms(self.webinar, self.series))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        # The form edits a copy, so the page's heading keeps the stored title when it is refused.
        editing = programme_selectors.webinar_for_editing(webinar_id=self.webinar.pk)
        webinar_form, speakers, links = self.forms(editing, self.series)
        if self.save(webinar_form, speakers, links):
            messages.success(request, _("Changes saved."))
            return redirect("organise:webinar_edit", self.webinar.pk)
        return self.page(request, webinar_form, speakers, links)

    def page(self, request: HttpRequest, form: WebinarForm, speakers: Any, links: Any) -> HttpResponse:
        assert self.webinar is not None and self.series is not None
        return self.render(
            request,
            form=form,
            speakers=speakers,
            links=links,
            language_tabs=self.tabs(self.series, self.webinar),
            status_changes=programme_services.webinar_status_changes(self.webinar),
            may_duplicate=self.may("programme.add_webinar"),
        )


STATUS_ACTIONS = {
    Webinar.Status.PUBLISHED: "publish",
    Webinar.Status.DRAFT: "unpublish",
    Webinar.Status.POSTPONED: "postpone",
    Webinar.Status.CANCELLED: "cancel",
}
ACTION_STATUS = {action: status for status, action in STATUS_ACTIONS.items()}


class WebinarStatusView(WebinarSectionView):
    """Confirm a change of status: the page says what will happen, the button does it."""

    section = "organise:webinar_edit"
    permission = "programme.change_webinar"
    change_permission = "programme.change_webinar"
    template_name = "organise/webinar_edit/status.html"

    def status(self, action: str) -> str:
        assert self.webinar is not None
        status = ACTION_STATUS.get(action)
        if status is None or status not in programme_services.webinar_status_changes(self.webinar):
            raise Http404  # not a change this webinar can make now
        return status

    def get(self, request: HttpRequest, *args: Any, action: str, **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        self.status(action)
        counts = registration_selectors.registration_counts(webinar_ids=[self.webinar.pk])[self.webinar.pk]
        active = counts["confirmed"] + counts["pending"] + counts["waitlisted"]
        return self.render(request, action=action, active=active, counts=counts)

    def post(self, request: HttpRequest, *args: Any, action: str, **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        programme_services.webinar_set_status(webinar=self.webinar, status=self.status(action), actor=request.user)
        done = {
            "publish": _("Published: the webinar is on the public site."),
            "unpublish": _("Back to draft: the webinar is no longer on the public site."),
            "postpone": _("Marked postponed: registrants are told by e-mail."),
            "cancel": _("Cancelled: registrants are told by e-mail."),
        }
        messages.success(request, done[action])
        return redirect("organise:webinar_edit", self.webinar.pk)


class WebinarDuplicateView(WebinarSectionView):
    """ "Duplicate as next webinar": a draft copy a week later, same speakers, links and settings."""

    section = "organise:webinar_edit"
    permission = "programme.add_webinar"
    change_permission = "programme.add_webinar"
    template_name = "organise/webinar_edit/duplicate.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render(request)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        copy = programme_services.webinar_duplicate(webinar=self.webinar, actor=request.user)
        messages.success(request, _("A draft copy a week later is ready: check its date, time and texts."))
        return redirect("organise:webinar_edit", copy.pk)


class NewWebinarView(OrganiseView):
    """The dashboard's "New webinar": straight to the form when the user adds webinars to one
    series only, else a choice of series."""

    permission = "programme.add_webinar"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        series = list(programme_selectors.series_for(request.user, "programme.add_webinar").order_by("slug"))
        chosen = request.GET.get("series")
        if len(series) == 1 or (chosen and chosen.isdigit() and int(chosen) in {s.pk for s in series}):
            return redirect("organise:webinar_create", series[0].pk if len(series) == 1 else int(chosen))
        return render(request, "organise/webinar_edit/choose_series.html", {"series_list": series, "view": self})
