"""Pages of account security under ``/organise/account/``: enter the second factor, set it up,
recovery codes, sign out everywhere, and lift lockouts (owners and superusers)."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from webinars.core.errors import DomainError
from webinars.core.http import private_response

from . import selectors, services
from .forms import CodeForm


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
    context = {"form": form, "next": _next(request), "title": _("Two-factor sign-in")}
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
    context.update(
        form=form,
        has_factor=selectors.has_second_factor(user),
        required=selectors.second_factor_required(user),
        lockouts=selectors.lockouts_visible_to(user),
        may_unlock_addresses=user.is_superuser,
    )
    return private_response(render(request, "accounts/security.html", context, status=400 if form.errors else 200))
