"""The messages section: write to an audience in each registrant's language, preview the real
e-mail, send a test to yourself, send; "the recording is available"; what was sent to whom."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from webinars.core.errors import DomainError, add_to_form
from webinars.mail import selectors as mail_selectors
from webinars.registrations import broadcasts

from ..forms.messages import MESSAGE_ACTIONS, RECORDING_ACTIONS, MessageForm, RecordingForm
from ..outreach import audience_recipients, message_history, preview_samples, webinar_audiences
from .webinar import WebinarSectionView


class MessagesSectionView(WebinarSectionView):
    section = "organise:webinar_messages"
    permission = "registrations.message_registrants"
    change_permission = "registrations.message_registrants"


class WebinarMessagesView(MessagesSectionView):
    template_name = "organise/messages/compose.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        audiences = webinar_audiences(self.webinar)
        recording = RecordingForm(initial={"recording_url": self.webinar.recording_url})
        return self.page(request, MessageForm(audiences=audiences), recording)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action = request.POST.get("action", "")
        if action in RECORDING_ACTIONS:
            return self.post_recording(request, action)
        if action not in MESSAGE_ACTIONS:
            return HttpResponseRedirect(request.path)
        return self.post_message(request, action)

    def post_message(self, request: HttpRequest, action: str) -> HttpResponse:
        webinar = self.webinar
        assert webinar is not None
        audiences = webinar_audiences(webinar)
        form = MessageForm(request.POST, audiences=audiences)
        recording = RecordingForm(initial={"recording_url": webinar.recording_url})
        if not form.is_valid():
            return self.page(request, form, recording, status=400)
        audience = form.cleaned_data["audience"]
        try:
            if action == "preview":
                return self.page(request, form, recording, previews=self.previews(form, audiences, audience))
            if action == "test":
                sent = broadcasts.webinar_message_test(webinar=webinar, texts=form.texts(), fallback=form.fallback(), actor=request.user)
                text = ngettext(
                    "A test is on its way to %(email)s.", "%(count)d tests (one per language) are on their way to %(email)s.", len(sent)
                ) % {"email": request.user.email, "count": len(sent)}
                messages.success(request, text)
                return self.page(request, form, recording, tested=True)
            counts = broadcasts.webinar_message_send(
                webinar=webinar,
                audience=audience,
                recipients=audience_recipients(webinar, audiences, audience),
                texts=form.texts(),
                fallback=form.fallback(),
                actor=request.user,
            )
        except DomainError as error:
            add_to_form(form, error)
            return self.page(request, form, recording, status=400)
        total = sum(counts.values())
        if total:
            messages.success(
                request,
                ngettext("Your message is on its way to %(count)d person.", "Your message is on its way to %(count)d people.", total)
                % {"count": total},
            )
        else:
            messages.warning(request, _("Nobody is in this audience: no message was sent."))
        return HttpResponseRedirect(request.path + "#history-h")

    def previews(self, form: MessageForm, audiences, audience: str) -> list[broadcasts.Preview]:  # type: ignore[no-untyped-def]
        """Each text as a registrant of its language will see it (the fallback for one of the others)."""
        webinar = self.webinar
        assert webinar is not None
        samples = preview_samples(webinar, audiences, audience)
        texts = form.texts()
        result = []
        others = [language for language in samples if language not in texts]
        fallback_language = others[0] if others else webinar.original_language
        for language, text in [(fallback_language, form.fallback()), *sorted(texts.items())]:
            result.append(broadcasts.message_preview(webinar=webinar, text=text, language=language, sample=samples.get(language)))
        return result

    def post_recording(self, request: HttpRequest, action: str) -> HttpResponse:
        webinar = self.webinar
        assert webinar is not None
        audiences = webinar_audiences(webinar)
        form = MessageForm(audiences=audiences)
        recording = RecordingForm(request.POST)
        if not recording.is_valid():
            return self.page(request, form, recording, status=400)
        url = recording.cleaned_data["recording_url"]
        if action == "recording_preview":
            samples = preview_samples(webinar, audiences, "confirmed")
            language = next(iter(samples), webinar.original_language)
            preview = broadcasts.recording_preview(webinar=webinar, url=url, language=language, sample=samples.get(language))
            return self.page(request, form, recording, recording_preview=preview)
        try:
            count = broadcasts.webinar_recording_publish(webinar=webinar, url=url, actor=request.user)
        except DomainError as error:
            add_to_form(recording, error)
            return self.page(request, form, recording, status=400)
        if count:
            messages.success(
                request,
                ngettext(
                    "The recording's address is saved and %(count)d registrant will be told.",
                    "The recording's address is saved and %(count)d registrants will be told.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.warning(
                request, _("The recording's address is saved. Every confirmed registrant has already been told (or nobody is confirmed).")
            )
        return HttpResponseRedirect(request.path + "#history-h")

    def page(self, request: HttpRequest, form: MessageForm, recording: RecordingForm, status: int = 200, **extra: Any) -> HttpResponse:
        assert self.webinar is not None
        response = self.render(
            request,
            status=status,
            form=form,
            tabs_of_languages=form.language_tabs(),
            recording_form=recording,
            history=message_history(self.webinar),
            **extra,
        )
        if extra.get("previews") or extra.get("recording_preview"):
            # The previews are the real e-mails in sandboxed ``srcdoc`` frames (no script runs),
            # which inherit this page's policy: e-mail HTML needs inline styles, so this response
            # alone allows them (no nonce, which would make browsers ignore 'unsafe-inline').
            response._csp_replace = {"style-src": ["'self'", "'unsafe-inline'"]}  # type: ignore[attr-defined]
        return response


BATCH = re.compile(r"^[0-9a-f]{32}$")


class WebinarMessageBatchView(MessagesSectionView):
    """One sending: to whom, and each message's delivery."""

    template_name = "organise/messages/batch.html"
    change_permission = None

    def get(self, request: HttpRequest, *args: Any, batch: str = "", **kwargs: Any) -> HttpResponse:
        assert self.webinar is not None
        if not BATCH.match(batch):
            raise Http404
        queryset = mail_selectors.messages_with_key_prefix(prefix=broadcasts.batch_key_prefix(batch), series_id=self.webinar.series_id)
        page = Paginator(queryset.only("pk", "to_email", "status", "sent_at", "last_error", "context", "attempts"), 100).get_page(
            request.GET.get("page")
        )
        if not page.object_list:
            raise Http404
        first = page.object_list[0]
        return self.render(request, page=page, subject=(first.context or {}).get("subject", ""), batch=batch)
