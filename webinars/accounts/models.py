"""Per-account security state kept beside Django's user (no custom user model)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountSecurity(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_security")
    #: "Sign out everywhere": sessions signed in before this moment end at their next request.
    sessions_valid_after = models.DateTimeField(_("sessions valid after"), null=True, blank=True)

    class Meta:
        verbose_name = _("account security")
        verbose_name_plural = _("account security")

    def __str__(self) -> str:
        return f"account security of user {self.user_id}"
