from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "webinars.programme"
    label = "programme"
    verbose_name = _("Programme")

    def ready(self) -> None:
        from . import signals  # noqa: F401 -- connects cache invalidation receivers
