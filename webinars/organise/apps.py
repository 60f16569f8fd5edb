from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganiseConfig(AppConfig):
    """The organisers' workspace (``/organise/``): an interface app on the domain services and selectors."""

    name = "webinars.organise"
    label = "organise"
    verbose_name = _("Organiser workspace")

    def ready(self) -> None:
        from . import mail

        mail.register_kinds()
