"""Turn a stored message into an e-mail, in the recipient's language and time zone."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutgoingMessage
from .registry import get_kind


def message_id(message: OutgoingMessage) -> str:
    """Stable per message: a resend after a crash carries the same Message-ID."""
    return f"<{message.pk}.{hashlib.sha256(message.key.encode()).hexdigest()[:24]}@museum-webinars>"


def render(message: OutgoingMessage) -> EmailMultiAlternatives:
    """Build the e-mail with its kind's templates. Raises UnknownMessageKind for an unregistered kind."""
    kind = get_kind(message.kind)
    language, zone = kind.locale(message)
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(zone):
        rendering = kind.build(message)
        # No request here, so no context processor: the templates' <html lang dir> come from the
        # recipient's language, set explicitly.
        context = {
            "message": message,
            "extra": message.context,
            "SITE_URL": settings.SITE_URL,
            "LANGUAGE_CODE": language,
            "LANGUAGE_BIDI": translation.get_language_bidi(),
            **rendering.context,
        }
        if "title" not in context:
            context["title"] = rendering.title
        subject = rendering.subject
        if subject is None:
            subject = translation.gettext(kind.subject).format(title=rendering.title) if kind.subject else ""
        subject = " ".join(subject.split())[:250]
        context["email_subject"] = subject  # the HTML part's <title>
        email = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string(f"{kind.template}.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to_email],
            reply_to=rendering.reply_to or None,
            headers={"Message-ID": message_id(message), "Auto-Submitted": "auto-generated", "Content-Language": language},
        )
        email.attach_alternative(render_to_string(f"{kind.template}.html", context), "text/html")
        for attachment in rendering.attachments:
            email.attach(*attachment)
    return email
