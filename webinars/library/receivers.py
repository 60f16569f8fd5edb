"""The library follows the programme: a public webinar, a speaker, a changed link are indexed
again when their transaction commits (``search.index.schedule``). Its own content retires the
cached public pages when it changes, as the programme's does."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from webinars.core.services import content_version_bump
from webinars.programme import models as programme
from webinars.programme.signals import content_changed

from .models import Caption, LibraryItem, Theme
from .search import index


@receiver(content_changed, dispatch_uid="library_index_programme")
def programme_content_changed(sender: type, instance: Any, deleted: bool = False, **kwargs: Any) -> None:
    if sender is programme.Webinar:
        index.schedule("webinar", instance.pk)
    elif sender in (programme.WebinarSpeaker, programme.WebinarLink):
        index.schedule("webinar", instance.webinar_id)
        if sender is programme.WebinarSpeaker:
            index.schedule("person", instance.person_id)
    elif sender is programme.Person:
        index.schedule("person", instance.pk)
        for webinar_id in programme.WebinarSpeaker.objects.filter(person_id=instance.pk).values_list("webinar_id", flat=True):
            index.schedule("webinar", webinar_id)
    elif sender is programme.Series:
        for webinar_id in programme.Webinar.objects.filter(series_id=instance.pk).values_list("pk", flat=True):
            index.schedule("webinar", webinar_id)


def _library_changed(sender: type, **kwargs: Any) -> None:
    content_version_bump()


for _model in (LibraryItem, Caption, Theme):
    post_save.connect(_library_changed, sender=_model, dispatch_uid=f"library-save-{_model.__name__}")
    post_delete.connect(_library_changed, sender=_model, dispatch_uid=f"library-delete-{_model.__name__}")
m2m_changed.connect(_library_changed, sender=LibraryItem.webinars.through, dispatch_uid="library-m2m-webinars")
