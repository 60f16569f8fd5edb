from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "webinars.library"
    label = "library"
    verbose_name = _("Library")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 -- subscribes to the programme's domain events
