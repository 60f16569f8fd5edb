from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Protection of organisers' accounts: sign-in lockout (django-axes), two-factor sign-in
    (django-otp: authenticator app and recovery codes), idle sessions, sign-out everywhere."""

    name = "webinars.accounts"
    label = "accounts"
    verbose_name = _("Account security")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 -- connects the receivers
