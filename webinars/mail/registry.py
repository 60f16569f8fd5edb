"""The kinds of message: each app registers its own, with its subject, templates and context.

An app calls ``register(MessageKind(...))`` from its ``AppConfig.ready()``. The mail app
knows no kind itself: rendering looks the kind up here, so adding a message never touches
the mail app, and a kind nobody registered makes its message fail (and be retried, then
marked failed) instead of crashing the worker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import OutgoingMessage

Attachment = tuple[str, bytes | str, str]  # file name, content, MIME type


@dataclass
class Rendering:
    """What a kind's ``build`` gives the renderer, computed in the recipient's language and zone."""

    context: dict
    title: str = ""  # fills {title} in the kind's subject
    subject: str | None = None  # replaces the kind's subject (e.g. an organiser's own subject line)
    attachments: list[Attachment] = field(default_factory=list)
    reply_to: list[str] = field(default_factory=list)  # where the recipient's answer goes (the series' contact)
    # Bodies rendered once for a batch (``rendering.SharedBodies``): recipients whose e-mails
    # differ only in their own links share one rendering of the templates. ``shared_key`` names
    # what else the context depends on (besides language, zone, subject, title and the
    # message's context, which the renderer adds); None: rendered for this recipient alone.
    # ``own_links``: the context's links of this recipient (texts, or callables giving them),
    # which the templates show as they are; ``own_values``: the context's values of this
    # recipient that the templates must not read (a template that does is rendered per recipient).
    shared_key: tuple | None = None
    own_links: tuple[str, ...] = ()
    own_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class MessageKind:
    """One kind of e-mail.

    ``subject`` is marked with gettext_noop and translated at render time; ``template`` is
    the path of the templates without extension (``.txt`` and ``.html`` are both rendered);
    ``locale(message)`` gives the recipient's language code and time zone (read when the
    message is rendered, so a change of language after queueing is honoured); ``build(message)``
    runs inside that language and zone and returns the templates' context; ``prefetch(messages)``,
    when given, loads what a batch needs at once (so ``locale`` and ``build`` read no database).
    """

    name: str
    subject: str
    template: str
    locale: Callable[[OutgoingMessage], tuple[str, dt.tzinfo]]
    build: Callable[[OutgoingMessage], Rendering]
    # Optional: read what a batch of this kind's messages needs in a few queries before they
    # are rendered one by one (delivery calls it with every claimed message of the kind).
    prefetch: Callable[[list[OutgoingMessage]], None] | None = None


class UnknownMessageKind(LookupError):
    """No app registered this kind (an app was removed, or a typo in ``kind``)."""


_kinds: dict[str, MessageKind] = {}


def register(kind: MessageKind) -> MessageKind:
    """Add ``kind``; registering the same name again replaces it (a reloaded app)."""
    _kinds[kind.name] = kind
    return kind


def get_kind(name: str) -> MessageKind:
    try:
        return _kinds[name]
    except KeyError:
        raise UnknownMessageKind(f"No message kind {name!r} is registered") from None


def all_kinds() -> list[MessageKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.name)


def unregister(name: str) -> None:
    """For tests that register a kind of their own."""
    _kinds.pop(name, None)
