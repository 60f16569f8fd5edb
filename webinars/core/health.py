"""``/healthz`` (liveness: the process answers) and ``/readyz`` (it can do its work).

``/readyz`` checks the database, the cache, the media storage and the task queue (depth and
the age of the oldest waiting task). Load balancers use ``/readyz`` to send traffic only to
servers that can serve it; process supervisors use ``/healthz`` to restart a hung process.
Neither shows personal data; both are answered by every application server (nginx passes
them from the private network only, see deploy/nginx).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answers HTTP; nothing else is checked (no database)."""
    return JsonResponse({"status": "ok"})


QueueReader = Callable[[dt.datetime], tuple[int, dt.datetime | None]]
_queues: dict[str, QueueReader] = {}


def register_queue(name: str, reader: QueueReader) -> None:
    """An app whose work waits in its own table (the mail app's outbox) reports its queue here:
    ``reader(now)`` returns (waiting items, when the oldest was queued or None)."""
    _queues[name] = reader


def _task_queue(now: dt.datetime) -> tuple[int, dt.datetime | None]:
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.ready()
    depth = waiting.count()
    return depth, waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first() if depth else None


def queue_stats(now: dt.datetime | None = None) -> dict[str, dict[str, float | int]]:
    """Per queue: waiting items and the age in seconds of the oldest (the tasks table, when the
    task queue is in the database, and every table registered with ``register_queue``)."""
    now = now or timezone.now()
    readers = dict(_queues)
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        readers = {"tasks": _task_queue, **readers}
    stats = {}
    for name, reader in readers.items():
        depth, oldest = reader(now)
        stats[name] = {"depth": depth, "oldest_age_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0.0}
    return stats


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_cache() -> str:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    ok = cache.get(key) == "1"
    cache.delete(key)
    if not ok:
        raise RuntimeError("the cache did not return what was stored")
    return "ok"


def _check_storage() -> str:
    default_storage.exists("readyz-probe")  # a listing/HEAD: raises when the storage is unreachable
    return "ok"


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, object] = {}
    ready = True
    for name, check in (("database", _check_database), ("cache", _check_cache), ("storage", _check_storage)):
        try:
            checks[name] = check()
        except Exception as exc:  # noqa: BLE001 -- any failure means "not ready"; the kind is reported
            checks[name] = f"error: {type(exc).__name__}"
            ready = False
    queue: object
    try:
        queue = queue_stats()
    except Exception as exc:  # noqa: BLE001 -- the queues live in the database checked above
        queue = {"error": type(exc).__name__}
        ready = False
    checks["queues"] = queue
    return JsonResponse({"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503)
