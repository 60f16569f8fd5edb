from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "webinars.certificates"
    label = "certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 -- follows name corrections and erasure of registrations
        from .mail import register_kind

        register_kind()
