"""Pages of account security under ``/organise/account/``: enter the second factor, set it up
(authenticator app, passkeys), recovery codes, sign out everywhere, and lift lockouts (owners
and superusers). Passkeys need JavaScript (``static/accounts/passkeys.js``, a static file, so
the strict Content-Security-Policy stays); the app and the recovery codes work without it."""

from __future__ import annotations

import base64

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from webinars.core.errors import DomainError
from webinars.core.http import private_response
from webinars.core.ratelimit import client_address, over_limit

from . import passkeys, selectors, services
from .forms import CodeForm
from .models import PasskeyDevice


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse("organise:dashboard")


def _verified(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


@never_cache
@login_required(login_url="organise:login")
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Enter the app's code or a recovery code (once per session)."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip().replace(" ", "")
        for device in devices_for_user(request.user, confirmed=True):
            if device.verify_is_allowed()[0] and device.verify_token(token):
                otp_login(request, device)
                return HttpResponseRedirect(_next(request))
        form.add_error("token", _("That code is not right."))
    context = {
        "form": form,
        "next": _next(request),
        "title": _("Two-factor sign-in"),
        "has_passkey": PasskeyDevice.objects.filter(user=request.user, confirmed=True).exists(),
    }
    return private_response(render(request, "accounts/verify.html", context, status=400 if form.errors else 200))


def _qr_data_uri(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=4)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@never_cache
@login_required(login_url="organise:login")
@require_http_methods(["GET", "POST"])
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    has_factor = selectors.has_second_factor(user)
    if has_factor and not _verified(request):
        return HttpResponseRedirect(reverse("accounts:verify") + "?next=" + reverse("accounts:security"))
    action = request.POST.get("action", "")
    context: dict = {"title": _("Account security"), "next": _next(request) if "next" in request.GET else ""}
    form = CodeForm(request.POST if action == "confirm" else None)
    try:
        if action == "start":
            context["device"] = services.totp_device_start(user=user)
        elif action == "confirm" and form.is_valid():
            device_id = int(request.POST.get("device", "0") or 0)
            context["recovery_codes"] = services.totp_device_confirm(user=user, device_id=device_id, token=form.cleaned_data["token"])
            otp_login(request, TOTPDevice.objects.get(pk=device_id))
        elif action == "confirm":
            context["device"] = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        elif action == "recovery":
            context["recovery_codes"] = services.recovery_codes_create(user=user, actor=user)
        elif action == "remove":
            services.second_factor_remove(user=user, actor=user)
            messages.success(request, _("Two-factor sign-in is off."))
            return HttpResponseRedirect(reverse("accounts:security"))
        elif action == "everywhere":
            services.sign_out_everywhere(user=user, actor=user)
            logout(request)
            messages.success(request, _("You were signed out on every device."))
            return HttpResponseRedirect(reverse("organise:login"))
        elif action == "remove_passkey":
            passkeys.passkey_remove(user=user, device_id=int(request.POST.get("passkey", "0") or 0), actor=user)
            messages.success(request, _("The passkey was removed."))
            return HttpResponseRedirect(reverse("accounts:security"))
        elif action == "unlock":
            services.account_unlock(username=request.POST.get("username", ""), actor=user)
            messages.success(request, _("The lockout was lifted."))
            return HttpResponseRedirect(reverse("accounts:security"))
        elif action == "unlock_address":
            services.address_unlock(ip_address=request.POST.get("ip_address", ""), actor=user)
            messages.success(request, _("The lockout was lifted."))
            return HttpResponseRedirect(reverse("accounts:security"))
    except DomainError as refused:
        if refused.field and action == "confirm":
            form.add_error(refused.field, str(refused))
            context["device"] = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        else:
            messages.error(request, str(refused))
    device = context.get("device")
    if device is not None:
        context["qr"] = _qr_data_uri(device.config_url)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    if request.method == "GET" and NEW_CODES in request.session:
        context["recovery_codes"] = request.session.pop(NEW_CODES)
    context.update(
        form=form,
        passkeys=PasskeyDevice.objects.filter(user=user, confirmed=True).order_by("created_at", "pk"),
        has_factor=selectors.has_second_factor(user),
        required=selectors.second_factor_required(user),
        lockouts=selectors.lockouts_visible_to(user),
        may_unlock_addresses=user.is_superuser,
    )
    return private_response(render(request, "accounts/security.html", context, status=400 if form.errors else 200))


# --- passkeys (WebAuthn): JSON endpoints for static/accounts/passkeys.js ---------------------

NEW_CODES = "accounts:new_recovery_codes"


def _json(data: dict, status: int = 200) -> HttpResponse:
    return private_response(JsonResponse(data, status=status))


def _refusal(refused: DomainError) -> HttpResponse:
    return _json({"error": str(refused)}, status=400)


def _options(options_json: str) -> HttpResponse:
    return private_response(HttpResponse(options_json, content_type="application/json"))


@never_cache
@require_POST
def passkey_register_options(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _json({"error": _("Please sign in again.")}, status=403)
    if selectors.has_second_factor(request.user) and not _verified(request):
        return _json({"error": _("Enter your second factor first.")}, status=403)
    return _options(passkeys.registration_options(request))


@never_cache
@require_POST
def passkey_register(request: HttpRequest) -> HttpResponse:
    """Store a new passkey; the first second factor of an account also gets recovery codes (shown once)."""
    user = request.user
    if not user.is_authenticated or (selectors.has_second_factor(user) and not _verified(request)):
        return _json({"error": _("Please sign in again.")}, status=403)
    had_codes = StaticDevice.objects.filter(user=user, confirmed=True).exists()
    try:
        credential, name = passkeys.parse_credential(request.body)
        device = passkeys.registration_finish(request, credential=credential, name=name)
    except DomainError as refused:
        return _refusal(refused)
    otp_login(request, device)
    if not had_codes:
        request.session[NEW_CODES] = services.recovery_codes_create(user=user, actor=user)
    messages.success(request, _("Your passkey is saved. You can use it to sign in."))
    return _json({"redirect": reverse("accounts:security")})


@never_cache
@require_POST
def passkey_verify_options(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _json({"error": _("Please sign in again.")}, status=403)
    return _options(passkeys.authentication_options(request, purpose="verify"))


@never_cache
@require_POST
def passkey_verify(request: HttpRequest) -> HttpResponse:
    """The second factor with a passkey: the session becomes verified."""
    if not request.user.is_authenticated:
        return _json({"error": _("Please sign in again.")}, status=403)
    try:
        credential, _name = passkeys.parse_credential(request.body)
        device = passkeys.authentication_finish(request, credential=credential, purpose="verify")
    except DomainError as refused:
        return _refusal(refused)
    otp_login(request, device)
    return _json({"redirect": _next(request)})


@never_cache
@require_POST
def passkey_sign_in_options(request: HttpRequest) -> HttpResponse:
    if over_limit("passkey-sign-in", client_address(request), limit=settings.AXES_FAILURE_LIMIT * 3, window_seconds=600):
        return _json({"error": _("Too many attempts. Please wait a few minutes.")}, status=429)
    return _options(passkeys.authentication_options(request, purpose="sign_in"))


@never_cache
@require_POST
def passkey_sign_in(request: HttpRequest) -> HttpResponse:
    """Passwordless sign-in: a passkey that verified its user (PIN, biometrics) is both factors.

    A locked-out account (django-axes) stays locked out: the lockout is about the account,
    not about the password."""
    try:
        credential, _name = passkeys.parse_credential(request.body)
        device = passkeys.authentication_finish(request, credential=credential, purpose="sign_in")
    except DomainError as refused:
        return _refusal(refused)
    user = passkeys.user_of(device)
    if not AxesProxyHandler.is_allowed(request, credentials={"username": user.get_username()}):
        return _json({"error": _("This account is locked after too many failed sign-ins. Try again later.")}, status=429)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    return _json({"redirect": _next(request)})
