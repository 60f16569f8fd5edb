"""Reads about organisers' account security: who must use a second factor, who is locked out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django_otp import devices_for_user

from webinars.programme.models import SeriesRole

from .models import AccountSecurity


def has_second_factor(user: Any) -> bool:
    """A confirmed authenticator app or recovery codes."""
    return any(True for _device in devices_for_user(user, confirmed=True))


def second_factor_required(user: Any) -> bool:
    """Whether ``user`` must sign in with a second factor: they set one up, a series they work on
    requires it, or they are a superuser and the settings require it for superusers."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser and settings.TWO_FACTOR_REQUIRED_FOR_SUPERUSERS:
        return True
    return SeriesRole.objects.filter(user=user, series__require_two_factor=True).exists() or has_second_factor(user)


def sessions_valid_after(user: Any) -> dt.datetime | None:
    return AccountSecurity.objects.filter(user=user).values_list("sessions_valid_after", flat=True).first()


@dataclass
class Lockout:
    username: str
    ip_address: str
    failures: int
    until: dt.datetime
    user_id: int | None


def lockouts_visible_to(user: Any, *, now: dt.datetime | None = None) -> list[Lockout]:
    """Current lockouts ``user`` may lift: every one for a superuser; for a series owner, those of
    accounts with a role on a series they own (never lockouts by client address alone)."""
    now = now or timezone.now()
    since = now - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since)
    if not user.is_superuser:
        owned = SeriesRole.objects.filter(user=user, role=SeriesRole.Role.OWNER).values("series_id")
        members = get_user_model().objects.filter(series_roles__series_id__in=owned).values("username")
        attempts = attempts.filter(Q(username__in=members))
    users = dict(get_user_model().objects.filter(username__in=attempts.values("username")).values_list("username", "pk"))
    return [
        Lockout(
            username=a.username or "",
            ip_address=a.ip_address or "",
            failures=a.failures_since_start,
            until=a.attempt_time + settings.AXES_COOLOFF_TIME,
            user_id=users.get(a.username),
        )
        for a in attempts.order_by("-attempt_time")
    ]
