"""Turn a stored message into an e-mail, in the recipient's language and time zone."""

from __future__ import annotations

import hashlib
import secrets
from email._policybase import Compat32
from email.message import Message

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutgoingMessage
from .registry import get_kind


class _QuickFolding(Compat32):
    """Django's messages use the ``compat32`` policy, which runs every header through
    ``email.header.Header`` to fold it: a sixth of a reminder's sending time. A value that is
    ASCII and fits on its line is written as it is (what ``compat32`` writes for it too, as a
    test checks); anything else is folded by ``compat32``."""

    def _fold(self, name: str, value, sanitize: bool) -> str:  # type: ignore[no-untyped-def]
        limit = self.max_line_length or 78
        if isinstance(value, str) and value.isascii() and len(name) + 2 + len(value) <= limit and "\n" not in value and "\r" not in value:
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


_QUICK_FOLDING = _QuickFolding()


def _set_boundaries(message: Message) -> None:
    """Give each multipart its boundary before the generator makes one: the generator compiles
    a new regular expression per message to check its random boundary against the text. A
    boundary of 32 random hex digits is checked here with a substring search of the parts."""
    parts = [part for part in message.walk() if not part.is_multipart()]
    for part in message.walk():
        if part.is_multipart() and part.get_boundary() is None:
            while True:
                boundary = f"=_mw_{secrets.token_hex(16)}"
                if not any(boundary in str(leaf.get_payload()) for leaf in parts):
                    break
            part.set_boundary(boundary)


class RenderedEmail(EmailMultiAlternatives):
    """The e-mail as sent: Django's, written out with less work per message (see above)."""

    def message(self):  # type: ignore[no-untyped-def]
        mime = super().message()
        mime.policy = _QUICK_FOLDING  # the generator takes the root's policy for every part
        _set_boundaries(mime)
        return mime


def message_id(message: OutgoingMessage) -> str:
    """Stable per message: a resend after a crash carries the same Message-ID."""
    return f"<{message.pk}.{hashlib.sha256(message.key.encode()).hexdigest()[:24]}@museum-webinars>"


def render(message: OutgoingMessage) -> RenderedEmail:
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
        email = RenderedEmail(
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
