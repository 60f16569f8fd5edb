from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class FeedbackConfig(AppConfig):
    name = "webinars.feedback"
    label = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from webinars.mail.registry import MessageKind, register
        from webinars.registrations.messaging import registration_locale

        from . import receivers  # noqa: F401 -- invitations on periodic_task
        from .messaging import survey_rendering

        register(
            MessageKind(
                name="feedback_request",
                subject=gettext_noop("Your feedback on the webinar: {title}"),
                template="feedback/email/feedback_request",
                locale=registration_locale,
                build=survey_rendering,
            )
        )
