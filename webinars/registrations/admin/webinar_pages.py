"""Pages that write to the registrants of one webinar: a message, "the recording is online"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from webinars.programme.models import Webinar
from webinars.programme.rules import may
from webinars.programme.selectors import webinars_for

from .. import services
from ..models import Registration
from .forms import WebinarMessageForm

WEBINAR_PARAM = "webinar__id__exact"


class WebinarPagesMixin:
    """For ``RegistrationAdmin``: the rule "registrations.message_registrants" on the webinar."""

    def _messageable_webinar(self, request: HttpRequest, webinar_id: int) -> Webinar | None:
        return webinars_for(request.user, self.message_perm).filter(pk=webinar_id).first()

    def _webinar_tools(self, request: HttpRequest) -> dict[str, Any]:
        """Links to the message and recording pages when the list shows one webinar."""
        raw = request.GET.get(WEBINAR_PARAM, "")
        if not raw.isdigit() or not may(request.user, self.message_perm):
            return {}
        webinar = self._messageable_webinar(request, int(raw))
        if webinar is None:
            return {}
        return {
            "mw_webinar": webinar,
            "mw_message_url": reverse(self._url_name("message"), args=[webinar.pk]),
            "mw_recording_url": reverse(self._url_name("recording"), args=[webinar.pk]) if webinar.recording_url else "",
        }

    def _webinar_or_404(self, request: HttpRequest, webinar_id: int) -> Webinar:
        if not may(request.user, self.message_perm):
            raise PermissionDenied
        webinar = self._messageable_webinar(request, webinar_id)
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
                "confirmed_count": Registration.objects.filter(webinar=webinar, status=Registration.Status.CONFIRMED).count(),
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
