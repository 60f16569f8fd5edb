"""The public survey page, reached only through the personal link in the feedback e-mail.

Like the registration pages it is never cached (``Cache-Control: private, no-store``)
and asks search engines not to index it. It shows no one's answers, not even the
visitor's own once sent.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from webinars.core.http import private_response
from webinars.registrations.views import link_not_working

from . import selectors, services
from .forms import FeedbackForm


def _activate_language(request: HttpRequest, preferred: str) -> str:
    """The registrant's language, unless they chose one on this page (``?lang=``)."""
    languages = dict(settings.LANGUAGES)
    if request.GET.get("lang") in languages or preferred not in languages:
        return translation.get_language()
    translation.activate(preferred)
    request.LANGUAGE_CODE = preferred
    return preferred


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    opened = selectors.invitation_link(token)
    invitation = opened.live
    if invitation is None:
        return link_not_working(request, expired=opened.expired)
    language = _activate_language(request, invitation.registration.language)
    context = {"webinar": invitation.webinar, "series": invitation.webinar.series}
    if selectors.invitation_is_answered(invitation):
        return private_response(render(request, "feedback/answered.html", context))
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.feedback_submit(invitation=invitation, data=form.cleaned_data, language=language)
        except services.AlreadyAnswered:
            return private_response(render(request, "feedback/answered.html", context))
        return private_response(render(request, "feedback/thanks.html", context))
    return private_response(render(request, "feedback/form.html", {**context, "form": form}, status=400 if form.errors else 200))
