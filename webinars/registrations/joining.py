"""Where a personal join link leads: an extension point for the apps that connect meeting platforms.

The registrations app knows only the webinar's pasted meeting address. A higher app (the
meeting platforms) registers a ``JoinResolver`` in its ``AppConfig.ready()``: ``handles(webinar)``
says the webinar's joins are its business (its series is connected to a platform), and
``url(registration)`` builds the registrant's own address at click time (a signed BigBlueButton
``join`` call with their name and registration id, or their Zoom ``join_url``), or returns None
when the meeting cannot be joined yet (then the pasted address, if any, else the page asks them
to come back shortly). The
registrations app never imports the app that registers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from webinars.programme.models import Webinar

from .models import Registration


@dataclass(frozen=True)
class JoinResolver:
    name: str
    handles: Callable[[Webinar], bool]
    url: Callable[[Registration], str | None]


_RESOLVERS: dict[str, JoinResolver] = {}


def register(resolver: JoinResolver) -> None:
    """Add (or replace, by name) a resolver; called from an ``AppConfig.ready()``."""
    _RESOLVERS[resolver.name] = resolver


def resolver_for(webinar: Webinar) -> JoinResolver | None:
    for resolver in _RESOLVERS.values():
        if resolver.handles(webinar):
            return resolver
    return None


def has_meeting(webinar: Webinar) -> bool:
    """Registrants can be sent somewhere: a pasted address, or a platform that makes their joins."""
    return bool(webinar.meeting_url) or resolver_for(webinar) is not None


def join_url(registration: Registration) -> str | None:
    """The address this registrant joins by now: the platform's personal one, else the pasted one
    (a platform that cannot make it now — down, meeting not created yet — never leaves a
    registrant without the address the organisers pasted)."""
    resolver = resolver_for(registration.webinar)
    url = resolver.url(registration) if resolver is not None else None
    return url or registration.webinar.meeting_url or None
