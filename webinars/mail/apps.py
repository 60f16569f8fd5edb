from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "webinars.mail"
    label = "mail"
    verbose_name = _("E-mail")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 -- subscribes the retry of due e-mail to periodic_task
