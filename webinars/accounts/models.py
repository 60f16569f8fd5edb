"""Per-account security state kept beside Django's user (no custom user model)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device


class AccountSecurity(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_security")
    #: "Sign out everywhere": sessions signed in before this moment end at their next request.
    sessions_valid_after = models.DateTimeField(_("sessions valid after"), null=True, blank=True)

    class Meta:
        verbose_name = _("account security")
        verbose_name_plural = _("account security")

    def __str__(self) -> str:
        return f"account security of user {self.user_id}"


class PasskeyDevice(Device):
    """A passkey (WebAuthn credential) of an organiser: a django-otp device beside the
    authenticator app and the recovery codes, so everything that asks "has a second factor?"
    or "verified in this session?" counts it.

    Only the public key is stored; the private key never leaves the authenticator. A passkey
    is never "verified" by a typed token (``verify_token`` is always False): it answers a
    challenge in ``webinars.accounts.passkeys``.
    """

    credential_id = models.CharField(max_length=1400, unique=True, editable=False)  # base64url
    public_key = models.BinaryField(editable=False)  # COSE
    sign_count = models.PositiveBigIntegerField(default=0, editable=False)
    user_handle = models.CharField(max_length=100, editable=False)  # base64url, the same for every passkey of the user
    transports = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta(Device.Meta):
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")

    def verify_token(self, token: object) -> bool:
        return False
