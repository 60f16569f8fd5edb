"""Passkeys (WebAuthn) for organisers: register one, use it as the second factor, or sign in with
it alone (it proves the person with user verification: a PIN or a fingerprint on the device).

Each ceremony has two steps. ``*_options`` makes a random challenge, keeps it in the session
(one use, ``CHALLENGE_SECONDS``) and returns the options for the browser's
``navigator.credentials.create()``/``get()``; the browser's answer comes back to ``*_finish``,
which checks it with the ``webauthn`` library (signature, challenge, origin, relying party,
user presence/verification, signature counter) before anything changes. The relying party
is the site's host name (``WEBAUTHN_RP_ID`` to override) and the origin the request's own
(``WEBAUTHN_ORIGINS`` to override), so the same code serves ``make run`` and production.

Every change is on the activity log with ids only: ``account.passkey_added``,
``account.passkey_removed``, ``account.passkey_signed_in`` (passwordless sign-in).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from webinars.audit.services import log_action
from webinars.core.errors import NotAllowed

from . import selectors
from .models import PasskeyDevice

CHALLENGE_SECONDS = 300
SESSION_KEY = "accounts:webauthn:"
NAME_MAX = 64


class PasskeyRefused(NotAllowed):
    """The browser's answer did not prove possession of the passkey (or came too late)."""

    code = "passkey_refused"


def rp_id(request: HttpRequest) -> str:
    return getattr(settings, "WEBAUTHN_RP_ID", "") or request.get_host().rsplit(":", 1)[0].strip("[]")


def expected_origins(request: HttpRequest) -> list[str]:
    configured = getattr(settings, "WEBAUTHN_ORIGINS", None)
    return list(configured) if configured else [f"{request.scheme}://{request.get_host()}"]


def user_handle(user: Any) -> bytes:
    """The WebAuthn user id: stable per account, not the database id nor the address (32 bytes)."""
    return hmac.new(settings.SECRET_KEY.encode(), f"webauthn-user:{user.pk}".encode(), hashlib.sha256).digest()


def _remember(request: HttpRequest, purpose: str, challenge: bytes, **extra: Any) -> None:
    request.session[SESSION_KEY + purpose] = {"challenge": bytes_to_base64url(challenge), "at": time.time(), **extra}


def _recall(request: HttpRequest, purpose: str) -> dict:
    """The challenge issued for ``purpose`` in this session (single use), or PasskeyRefused."""
    kept = request.session.pop(SESSION_KEY + purpose, None)
    if not kept or time.time() - kept.get("at", 0) > CHALLENGE_SECONDS:
        raise PasskeyRefused(_("The passkey request has expired. Please try again."))
    return kept


def _descriptors(user: Any) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(device.credential_id), transports=[AuthenticatorTransport(t) for t in device.transports if _known(t)]
        )
        for device in PasskeyDevice.objects.filter(user=user, confirmed=True)
    ]


def _known(transport: str) -> bool:
    return transport in {t.value for t in AuthenticatorTransport}


def registration_options(request: HttpRequest) -> str:
    """Options (JSON) to create a passkey for the signed-in user; existing ones are excluded."""
    user: Any = request.user
    options = generate_registration_options(
        rp_id=rp_id(request),
        rp_name=getattr(settings, "WEBAUTHN_RP_NAME", "Museum Webinars"),
        user_id=user_handle(user),
        user_name=user.get_username(),
        user_display_name=user.get_full_name() or user.get_username(),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED, user_verification=UserVerificationRequirement.PREFERRED
        ),
        exclude_credentials=_descriptors(user),
    )
    _remember(request, "register", options.challenge)
    return options_to_json(options)


@transaction.atomic
def registration_finish(request: HttpRequest, *, credential: dict, name: str) -> PasskeyDevice:
    """Check the browser's new credential and store its public key. Raises PasskeyRefused."""
    kept = _recall(request, "register")
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(kept["challenge"]),
            expected_rp_id=rp_id(request),
            expected_origin=expected_origins(request),
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyRefused(_("The passkey could not be checked. Please try again.")) from exc
    credential_id = bytes_to_base64url(verified.credential_id)
    if PasskeyDevice.objects.filter(credential_id=credential_id).exists():
        raise PasskeyRefused(_("This passkey is already registered."))
    user: Any = request.user
    transports = credential.get("response", {}).get("transports") or [] if isinstance(credential, dict) else []
    device = PasskeyDevice.objects.create(
        user=user,
        name=(" ".join(name.split()) or _("Passkey"))[:NAME_MAX],
        confirmed=True,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        user_handle=bytes_to_base64url(user_handle(user)),
        transports=[t for t in transports if isinstance(t, str) and _known(t)][:8],
    )
    log_action("account.passkey_added", actor=user, obj=user, data={"user": user.pk, "passkey": device.pk})
    return device


def authentication_options(request: HttpRequest, *, purpose: str) -> str:
    """Options (JSON) to prove a passkey: the signed-in user's own (``purpose="verify"``, the
    second factor), or any passkey of this site (``"sign_in"``, passwordless, with user verification)."""
    if purpose == "verify":
        options = generate_authentication_options(
            rp_id=rp_id(request), allow_credentials=_descriptors(request.user), user_verification=UserVerificationRequirement.PREFERRED
        )
    else:
        options = generate_authentication_options(rp_id=rp_id(request), user_verification=UserVerificationRequirement.REQUIRED)
    _remember(request, purpose, options.challenge)
    return options_to_json(options)


@transaction.atomic
def authentication_finish(request: HttpRequest, *, credential: dict, purpose: str) -> PasskeyDevice:
    """Check the browser's assertion; returns the passkey it proved (its counter and use recorded).

    For ``"verify"`` the passkey must be the signed-in user's; for ``"sign_in"`` it names its
    user, and the authenticator must have verified the person (PIN, biometrics). Raises
    PasskeyRefused.
    """
    kept = _recall(request, purpose)
    refused = PasskeyRefused(_("This passkey was not accepted."))
    raw_id = credential.get("id") if isinstance(credential, dict) else None
    if not isinstance(raw_id, str) or len(raw_id) > 1400:
        raise refused
    devices = PasskeyDevice.objects.select_for_update().filter(credential_id=raw_id, confirmed=True)
    if purpose == "verify":
        devices = devices.filter(user=request.user)
    device = devices.select_related("user").first()
    if device is None or not device.user.is_active:
        raise refused
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=base64url_to_bytes(kept["challenge"]),
            expected_rp_id=rp_id(request),
            expected_origin=expected_origins(request),
            credential_public_key=bytes(device.public_key),
            credential_current_sign_count=device.sign_count,
            require_user_verification=purpose == "sign_in",
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise refused from exc
    handle = (credential.get("response") or {}).get("userHandle")
    if purpose == "sign_in" and handle and handle != device.user_handle:
        raise refused
    device.sign_count = verified.new_sign_count
    device.last_used_at = timezone.now()
    device.save(update_fields=["sign_count", "last_used_at"])
    if purpose == "sign_in":
        log_action("account.passkey_signed_in", actor=device.user, obj=device.user, data={"user": device.user_id, "passkey": device.pk})
    return device


@transaction.atomic
def passkey_remove(*, user: Any, device_id: int, actor: Any) -> None:
    """Remove one of ``user``'s passkeys; refused when it is the last second factor of an account
    that must use one."""
    device = PasskeyDevice.objects.filter(user=user, pk=device_id).first()
    if device is None:
        raise NotAllowed(_("No such passkey."))
    device.delete()
    if selectors.second_factor_required(user) and not selectors.has_second_factor(user):
        raise NotAllowed(_("A series you work on (or your account type) requires two-factor sign-in: keep at least one way to sign in."))
    log_action("account.passkey_removed", actor=actor, obj=user, data={"user": user.pk, "passkey": device_id})


def parse_credential(body: bytes) -> tuple[dict, str]:
    """The browser's JSON answer ``{"credential": {...}, "name": "..."}``; PasskeyRefused when malformed."""
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise PasskeyRefused(_("The passkey answer was not readable.")) from exc
    credential = data.get("credential") if isinstance(data, dict) else None
    if not isinstance(credential, dict):
        raise PasskeyRefused(_("The passkey answer was not readable."))
    name = data.get("name") if isinstance(data.get("name"), str) else ""
    return credential, name


def user_of(device: PasskeyDevice) -> Any:
    return get_user_model().objects.get(pk=device.user_id)
