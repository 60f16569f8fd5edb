"""Reads about organisers' account security: who must use a second factor, who is locked out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max, Sum
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
    username: str  # empty for a lockout of a client address
    ip_address: str  # empty for a lockout of an account
    failures: int
    until: dt.datetime
    user_id: int | None = None


def lockouts_visible_to(user: Any, *, now: dt.datetime | None = None) -> list[Lockout]:
    """Current lockouts ``user`` may lift: every one for a superuser; for a series owner, those of
    accounts with a role on a series they own (never lockouts of client addresses).

    django-axes keeps one row per (account, address) with its failures; an account or an address
    is locked once its rows add up to the limit within the cooling-off time."""
    now = now or timezone.now()
    attempts = AccessAttempt.objects.filter(attempt_time__gte=now - settings.AXES_COOLOFF_TIME).order_by()
    limit = settings.AXES_FAILURE_LIMIT
    found = [
        Lockout(username=row["username"], ip_address="", failures=row["failures"], until=row["last"] + settings.AXES_COOLOFF_TIME)
        for row in attempts.exclude(username="")
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=limit)
    ]
    if user.is_superuser:
        found += [
            Lockout(username="", ip_address=row["ip_address"], failures=row["failures"], until=row["last"] + settings.AXES_COOLOFF_TIME)
            for row in attempts.values("ip_address")
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=limit)
        ]
    users = dict(get_user_model().objects.filter(username__in=[f.username for f in found if f.username]).values_list("username", "pk"))
    for lockout in found:
        lockout.user_id = users.get(lockout.username)
    if not user.is_superuser:
        owned = SeriesRole.objects.filter(user=user, role=SeriesRole.Role.OWNER).values("series_id")
        members = set(SeriesRole.objects.filter(series_id__in=owned).values_list("user_id", flat=True))
        found = [f for f in found if f.user_id in members]
    return found
