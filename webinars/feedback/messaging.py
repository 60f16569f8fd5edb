"""The feedback e-mail: the registrant's usual context plus a survey link signed as it is rendered."""

from __future__ import annotations

from django.conf import settings

from webinars.mail.models import OutgoingMessage
from webinars.mail.registry import Rendering
from webinars.registrations.messaging import registration_rendering

from .selectors import survey_path


def survey_rendering(message: OutgoingMessage) -> Rendering:
    """The link is made here, at delivery, so neither the message nor the invitation stores it."""
    rendering = registration_rendering(message)
    registration = rendering.context["registration"]
    rendering.context["survey_url"] = settings.SITE_URL + survey_path(registration) if registration is not None else ""
    return rendering
