from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "webinars.reports"
    label = "reports"
    verbose_name = _("Reach reports")

    def ready(self) -> None:
        from webinars.reports import signals

        signals.connect()
