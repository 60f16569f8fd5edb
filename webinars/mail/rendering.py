"""Turn a stored message into an e-mail, in the recipient's language and time zone."""

from __future__ import annotations

import hashlib
import json
import secrets
from email._policybase import Compat32
from email.message import Message

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import conditional_escape

from .models import OutgoingMessage
from .registry import Rendering, get_kind


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


class RecipientValueRead(Exception):  # noqa: N818 -- a signal to render per recipient, not an error
    """A template read a value of one recipient while bodies for several were being rendered."""


class _OwnValue:
    """Stands for a recipient's own value (their registration, their message) in a rendering
    shared by several recipients: any use of it stops that rendering. Django's templates let
    the exception through (it is not a lookup error and not a ``silent_variable_failure``)."""

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)

    def _read(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise RecipientValueRead(object.__getattribute__(self, "_name"))

    __getattr__ = __getitem__ = __bool__ = __str__ = __iter__ = __len__ = __eq__ = __html__ = _read
    __hash__ = None  # type: ignore[assignment]


_TOKEN_MARK = "mwown"  # noqa: S105 -- a placeholder in templates, not a secret


class SharedBodies:
    """The text and HTML bodies rendered once per group of recipients of a batch.

    A batch of reminders (or of an organiser's message) holds many e-mails that differ only
    in the recipient's own links: rendering the templates is about a third of a worker's time
    per message, the same work each time. The first message of a group (same kind, language,
    zone, subject, title, context and the kind's ``shared_key``) is rendered with a token in
    place of each own link and a stand-in (``_OwnValue``) for each own value; the others get
    copies with their links put in. A template that reads an own value, or a link that is
    empty or not its own HTML escape (which a token would not show), renders per recipient.
    Kept for one batch only: a webinar edited after it was read is read anew with the next batch.
    """

    def __init__(self) -> None:
        self._kept: dict[tuple, tuple[dict[str, str], str, str]] = {}
        self._per_recipient: set[str] = set()  # templates that read an own value (or failed shared)

    def bodies(self, template: str, context: dict, key: tuple, rendering: Rendering) -> tuple[str, str] | None:
        """(text, html) for this recipient from the group's rendering, or None: render alone."""
        if template in self._per_recipient:
            return None
        kept = self._kept.get(key)
        if kept is None:
            kept = self._render_shared(template, context, rendering)
            if kept is None:
                return None
            self._kept[key] = kept
        tokens, text, html = kept
        for name, token in tokens.items():
            if token not in text and token not in html:
                continue  # not shown: not even built (links are signed lazily)
            value = context[name]
            value = value() if callable(value) else value
            if not isinstance(value, str) or not value or str(conditional_escape(value)) != value:
                return None
            text, html = text.replace(token, value), html.replace(token, value)
        return text, html

    def _render_shared(self, template: str, context: dict, rendering: Rendering) -> tuple[dict[str, str], str, str] | None:
        tokens = {name: f"{_TOKEN_MARK}{secrets.token_hex(12)}" for name in rendering.own_links}
        shared = {**context, **tokens, **{name: _OwnValue(name) for name in (*rendering.own_values, "message")}}
        try:
            text = render_to_string(f"{template}.txt", shared)
            html = render_to_string(f"{template}.html", shared)
        except Exception:  # noqa: BLE001 -- RecipientValueRead, or what rendering alone raises again, per message
            self._per_recipient.add(template)
            return None
        rest = text + html
        for token in tokens.values():
            rest = rest.replace(token, "")
        if _TOKEN_MARK in rest.lower():
            return None  # a filter changed a token (|upper, |truncatechars): it would not be replaced
        return tokens, text, html


def render(message: OutgoingMessage, shared: SharedBodies | None = None) -> RenderedEmail:
    """Build the e-mail with its kind's templates. Raises UnknownMessageKind for an unregistered kind.

    ``shared``: the batch's ``SharedBodies`` (the worker's), for kinds whose rendering allows it."""
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
        bodies = None
        if shared is not None and rendering.shared_key is not None and not rendering.attachments:
            key = (
                kind.name,
                kind.template,
                language,
                str(zone),
                subject,
                context["title"],
                json.dumps(message.context, sort_keys=True, default=str),
                tuple(rendering.reply_to),
                rendering.shared_key,
            )
            bodies = shared.bodies(kind.template, context, key, rendering)
        text, html = bodies or (render_to_string(f"{kind.template}.txt", context), render_to_string(f"{kind.template}.html", context))
        email = RenderedEmail(
            subject=subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to_email],
            reply_to=rendering.reply_to or None,
            headers={"Message-ID": message_id(message), "Auto-Submitted": "auto-generated", "Content-Language": language},
        )
        email.attach_alternative(html, "text/html")
        for attachment in rendering.attachments:
            email.attach(*attachment)
    return email
