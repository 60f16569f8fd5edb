"""Writing the activity log: ``log_action`` is the one helper every service calls.

It writes in the caller's transaction, so a change and its log line are stored together or
not at all. ``log_actions`` writes many lines in one INSERT (bulk work: expiry, erasure).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from webinars.core.db import insert_row

from .models import LogEntry

__all__ = ["log_action", "log_actions", "new_entry"]


def _actor_or_none(actor: Any) -> Any:
    """Users only: anonymous visitors and the system are recorded as nobody."""
    return actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) else None


def _series_and_webinar(obj: models.Model | None, series: Any, webinar: Any) -> tuple[int | None, int | None]:
    """The series and webinar a row is filed under, read from the object when not given."""
    series, webinar = _id(series), _id(webinar)
    if obj is None:
        return series, webinar
    label = obj._meta.label
    if label == "programme.Series":
        return series or obj.pk, webinar
    if label == "programme.Webinar":
        return series or obj.series_id, webinar or obj.pk  # type: ignore[attr-defined]
    webinar = webinar or getattr(obj, "webinar_id", None)
    series = series or getattr(obj, "series_id", None)
    if series is None and getattr(obj, "webinar_id", None):
        series = obj.webinar.series_id  # type: ignore[attr-defined]
    return series, webinar


def _id(value: Any) -> int | None:
    return getattr(value, "pk", value)


def new_entry(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    series: Any = None,
    webinar: Any = None,
    data: dict | None = None,
    at: Any = None,
) -> LogEntry:
    """An unsaved log row (for ``log_actions``)."""
    if "." not in action:
        raise ValueError(f"Log action codes are namespaced ('registration.cancelled'), not {action!r}")
    series_id, webinar_id = _series_and_webinar(obj, series, webinar)
    return LogEntry(
        action=action,
        actor=_actor_or_none(actor),
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        series_id=series_id,
        webinar_id=webinar_id,
        data=data or {},
        created_at=at or timezone.now(),
    )


def log_action(
    action: str,
    *,
    actor: Any = None,
    obj: models.Model | None = None,
    series: Any = None,
    webinar: Any = None,
    data: dict | None = None,
    at: Any = None,
) -> LogEntry:
    """Record that ``actor`` (a user, or None for the registrant or the system) did ``action`` to ``obj``.

    ``series`` and ``webinar`` (objects or ids) are taken from ``obj`` when it has them.
    ``data`` must be JSON-serialisable and hold no personal data (ids, statuses, counts).
    Inside ``core.db.inserts_batched`` the row is written with the batch (at its end).
    """
    entry = new_entry(action, actor=actor, obj=obj, series=series, webinar=webinar, data=data, at=at)
    insert_row(entry)
    return entry


def log_actions(entries: Iterable[LogEntry]) -> int:
    rows = list(entries)
    LogEntry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def log_entries_erase_data(*, content_type_label: str, object_ids: Iterable[int]) -> int:
    """Clear free-text details of the rows about these objects (erasure keeps the codes and times)."""
    app_label, model = content_type_label.lower().split(".")
    content_type = ContentType.objects.get_by_natural_key(app_label, model)
    return LogEntry.objects.filter(content_type=content_type, object_id__in=list(object_ids)).exclude(data={}).update(data={})


ERASED_DESCRIPTION = "[erased]"


def admin_log_forget(*, objects: Iterable[models.Model]) -> int:
    """Erasure: the admin's own change log (``django.contrib.admin``) keeps each object's
    description as it was (e.g. "Name – Webinar"); replace it for these objects."""
    from django.contrib.admin.models import LogEntry as AdminLogEntry

    by_type: dict[int, list[str]] = {}
    for obj in objects:
        content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
        by_type.setdefault(content_type.pk, []).append(str(obj.pk))
    changed = 0
    for content_type_id, ids in by_type.items():
        changed += (
            AdminLogEntry.objects.filter(content_type_id=content_type_id, object_id__in=ids)
            .exclude(object_repr=ERASED_DESCRIPTION)
            .update(object_repr=ERASED_DESCRIPTION)
        )
    return changed
