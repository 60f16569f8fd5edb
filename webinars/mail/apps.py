from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "webinars.mail"
    label = "mail"
    verbose_name = _("E-mail")

    def ready(self) -> None:
        from webinars.core.health import register_queue

        from . import receivers  # noqa: F401 -- subscribes delivery to worker_tick, the retry of claims to periodic_task
        from .selectors import outbox_waiting

        register_queue("mail", outbox_waiting)
