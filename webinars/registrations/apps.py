from django.apps import AppConfig
from django.db.models.signals import post_migrate
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
        post_migrate.connect(_seat_counting, sender=self, dispatch_uid="registrations_seat_counting")


def _seat_counting(sender, using: str = "default", **kwargs) -> None:
    """After every migrate: the seat counter's triggers exist and its counts are exact."""
    from .seats import ensure_seat_counting

    ensure_seat_counting(using)
