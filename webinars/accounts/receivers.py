"""Account security follows Django's and django-axes' sign-in events."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

from . import services

SIGNED_IN_AT = "accounts:signed_in_at"
LAST_SEEN = "accounts:last_seen"


@receiver(user_locked_out, dispatch_uid="accounts_lockout_logged")
def lockout_logged(sender: Any, request: Any = None, username: str | None = None, ip_address: str | None = None, **kwargs: Any) -> None:
    services.lockout_record(username=username or "", ip_address=ip_address or "")


@receiver(user_logged_in, dispatch_uid="accounts_session_started")
def session_started(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now
