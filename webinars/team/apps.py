from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamConfig(AppConfig):
    """Organisers' accounts and the teams of series: invitations, roles, the first owner.

    The invitation e-mail's kind (``organiser_invitation``) is registered by the workspace
    (``organise.mail``), which owns the pages its links lead to.
    """

    name = "webinars.team"
    label = "team"
    verbose_name = _("Organisers")
