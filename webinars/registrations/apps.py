from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "webinars.registrations"
    label = "registrations"
    verbose_name = _("Registrations")

    def ready(self) -> None:
        from webinars.audit.display import register_labels

        from . import broadcasts, messaging, receivers  # noqa: F401 -- receivers: expiry and reminders on periodic_task; broadcasts: audience labels
        from .models import Registration

        register_labels("status", Registration.Status)
        messaging.register_kinds()
