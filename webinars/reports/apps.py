from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "webinars.reports"
    label = "reports"
    verbose_name = _("Reach reports")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 -- follows the domain events of registrations and attendance
