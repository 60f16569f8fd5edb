"""Reading the activity log: an object's history, a series' activity."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import LogEntry


def log_entries_for(obj: models.Model) -> QuerySet[LogEntry]:
    """The history of one object, oldest first."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return LogEntry.objects.filter(content_type=content_type, object_id=obj.pk).select_related("actor").order_by("created_at", "id")


def log_entries_for_objects(model: type[models.Model], object_ids: list[int]) -> QuerySet[LogEntry]:
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    return LogEntry.objects.filter(content_type=content_type, object_id__in=object_ids).select_related("actor").order_by("created_at", "id")


#: ``actor`` value of ``series_activity`` for what registrants and the system did (no user).
NO_ACTOR = "none"


def series_activity(*, series: Any, webinar: Any = None, action_prefix: str | None = None, actor: Any = None) -> QuerySet[LogEntry]:
    """Everything done on a series (or one of its webinars, by one user or — ``NO_ACTOR`` — by
    registrants and the system), newest first."""
    entries = LogEntry.objects.filter(series_id=getattr(series, "pk", series))
    if webinar is not None:
        entries = entries.filter(webinar_id=getattr(webinar, "pk", webinar))
    if action_prefix:
        entries = entries.filter(action__startswith=action_prefix)
    if actor == NO_ACTOR:
        entries = entries.filter(actor__isnull=True)
    elif actor is not None:
        entries = entries.filter(actor_id=getattr(actor, "pk", actor))
    return entries.select_related("actor", "webinar").order_by("-created_at", "-id")


def webinars_with_action(*, webinar_ids: list[int], action: str) -> set[int]:
    """Which of these webinars have a log line ``action`` (e.g. the recording was announced)."""
    return set(LogEntry.objects.filter(webinar_id__in=webinar_ids, action=action).values_list("webinar_id", flat=True).distinct())
