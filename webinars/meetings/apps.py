from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "webinars.meetings"
    label = "meetings"
    verbose_name = _("Meeting platforms")

    def ready(self) -> None:
        from webinars.registrations import joining

        from . import receivers, services, sync  # noqa: F401 -- receivers: connects them; sync: registers the job handlers
        from .models import Meeting

        def handles(webinar) -> bool:
            # The platform makes this webinar's joins once a meeting was wanted there; before that
            # (a series connected after publishing), the pasted address still works.
            return Meeting.objects.filter(webinar_id=webinar.pk).exclude(state=Meeting.State.REMOVED).exists()

        joining.register(joining.JoinResolver(name="meetings", handles=handles, url=services.registrant_join_url))
