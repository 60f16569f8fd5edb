"""Writes of account security: lockouts and their lifting, two-factor devices, sign-out everywhere.

Every change is on the activity log under ``account.*`` with ids only (never the address
or the client's IP).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from webinars.audit.services import log_action
from webinars.core.errors import NotAllowed
from webinars.programme.models import SeriesRole

from . import selectors
from .models import AccountSecurity, PasskeyDevice

RECOVERY_CODES = 10
RECOVERY_DEVICE = "recovery codes"
TOTP_DEVICE = "authenticator app"


def _user_named(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def lockout_record(*, username: str, ip_address: str) -> None:
    """django-axes locked an account or a client address out: one activity-log line per lockout
    (later refused attempts during the same cooling-off time add none)."""
    from django.conf import settings
    from django.core.cache import caches

    by_address = not username
    subject = hashlib.blake2b(f"{username}|{ip_address if by_address else ''}".encode(), digest_size=12).hexdigest()
    if not caches["shared"].add(f"lockout-logged:{subject}", 1, int(settings.AXES_COOLOFF_TIME.total_seconds())):
        return
    user = _user_named(username) if username else None
    log_action("account.locked_out", obj=user, data={"user": getattr(user, "pk", None), "by_address": by_address})


def may_unlock(actor: Any, user: Any) -> bool:
    """Superusers lift any lockout; a series owner lifts those of people on their series' teams."""
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return True
    if user is None or not getattr(actor, "is_authenticated", False):
        return False
    owned = SeriesRole.objects.filter(user=actor, role=SeriesRole.Role.OWNER).values("series_id")
    return SeriesRole.objects.filter(user=user, series_id__in=owned).exists()


def account_unlock(*, username: str, actor: Any) -> int:
    """Lift the lockout of the account ``username`` (and its failures); returns the rows removed."""
    user = _user_named(username)
    if not may_unlock(actor, user):
        raise NotAllowed(_("You may not lift this lockout."))
    removed = axes_reset(username=username)
    log_action("account.unlocked", actor=actor, obj=user, data={"user": getattr(user, "pk", None), "attempts": removed})
    return removed


def address_unlock(*, ip_address: str, actor: Any) -> int:
    """Lift a lockout of a client address (superusers only: it is no one's account)."""
    if not (getattr(actor, "is_superuser", False) and actor.is_active):
        raise NotAllowed(_("Only a superuser may lift a lockout of a client address."))
    removed = axes_reset(ip=ip_address)
    log_action("account.unlocked", actor=actor, data={"user": None, "attempts": removed})
    return removed


def sign_out_everywhere(*, user: Any, actor: Any, now: dt.datetime | None = None) -> None:
    """End every session of ``user`` (on every device) at its next request, this one included."""
    now = now or timezone.now()
    AccountSecurity.objects.update_or_create(user=user, defaults={"sessions_valid_after": now})
    log_action("account.signed_out_everywhere", actor=actor, obj=user, data={"user": user.pk})


def totp_device_start(*, user: Any) -> TOTPDevice:
    """A new, unconfirmed authenticator-app device (replacing an unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: Any, device_id: int, token: str) -> list[str]:
    """Confirm the app with a code it shows; returns fresh recovery codes (shown once)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, pk=device_id, confirmed=False).first()
    if device is None or not device.verify_token(token.strip().replace(" ", "")):
        raise NotAllowed(_("That code is not right. Enter the 6-digit code your app shows now."), field="token")
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    log_action("account.two_factor_enabled", actor=user, obj=user, data={"user": user.pk})
    return recovery_codes_create(user=user, actor=user)


@transaction.atomic
def recovery_codes_create(*, user: Any, actor: Any) -> list[str]:
    """Ten single-use recovery codes replacing any earlier ones (shown to the user once)."""
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    log_action("account.recovery_codes_created", actor=actor, obj=user, data={"user": user.pk, "count": len(codes)})
    return codes


@transaction.atomic
def second_factor_remove(*, user: Any, actor: Any) -> None:
    """Remove the app, the passkeys and the recovery codes; refused while the account must use a second factor."""
    TOTPDevice.objects.filter(user=user).delete()
    PasskeyDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    if selectors.second_factor_required(user):
        raise NotAllowed(_("A series you work on (or your account type) requires two-factor sign-in: it cannot be turned off."))
    log_action("account.two_factor_disabled", actor=actor, obj=user, data={"user": user.pk})
