"""Keep derived state right whichever path changed the programme (admin, services, shell).

Receivers only maintain derived data (slug history, the cache version); the business
rules themselves live in ``services.py``.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from webinars.core.services import content_version_bump

from . import models, services, signals

PUBLIC_MODELS = (
    models.Organisation,
    models.Person,
    models.Series,
    models.Webinar,
    models.WebinarSpeaker,
    models.WebinarLink,
)


def _content_changed(sender, instance=None, **kwargs) -> None:
    content_version_bump()
    if instance is not None:
        signals.content_changed.send(sender=sender, instance=instance, deleted="created" not in kwargs)


def _partners_changed(sender, **kwargs) -> None:
    content_version_bump()


for _model in PUBLIC_MODELS:
    post_save.connect(_content_changed, sender=_model, dispatch_uid=f"content-save-{_model.__name__}")
    post_delete.connect(_content_changed, sender=_model, dispatch_uid=f"content-delete-{_model.__name__}")
for _through in (models.Series.partners.through, models.Webinar.partners.through):
    m2m_changed.connect(_partners_changed, sender=_through, dispatch_uid=f"content-m2m-{_through.__name__}")


@receiver(post_save, sender=models.Series, dispatch_uid="series-slug-history")
def _series_saved(sender, instance: models.Series, **kwargs) -> None:
    services.series_slug_remember(series=instance)


@receiver(post_save, sender=models.Webinar, dispatch_uid="webinar-slug-history")
def _webinar_saved(sender, instance: models.Webinar, **kwargs) -> None:
    services.webinar_slug_remember(webinar=instance)
