from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "webinars.programme"
    label = "programme"
    verbose_name = _("Programme")

    def ready(self) -> None:
        from webinars.audit.display import register_labels

        from . import receivers  # noqa: F401 -- connects cache invalidation and slug history receivers
        from .models import SeriesRole, Webinar

        register_labels("status", Webinar.Status)
        register_labels("role", SeriesRole.Role)
