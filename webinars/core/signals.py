"""Signals every app may subscribe to, as pretalx's ``common/signals.py`` and pretix do.

``periodic_task`` is sent by the background worker about every 30 seconds. Each app
connects its own jobs (in its ``AppConfig.ready()``), so the worker knows no app and no
app reaches up the layers to run another's job. A receiver takes ``now`` and returns a
dict of counts (e.g. ``{"reminders": 3}``); it must be safe to run often and concurrently.
"""

from __future__ import annotations

import datetime as dt
import logging

import django.dispatch
from django.utils import timezone

logger = logging.getLogger(__name__)

periodic_task = django.dispatch.Signal()

# Retention: each app that keeps personal data erases what is past its series' retention
# period. Receivers take ``now`` and ``dry_run`` (count, change nothing) and return counts;
# the worker's periodic job and ``manage.py purge_personal_data`` send it (``personal_data_purge_run``).
personal_data_purge = django.dispatch.Signal()

# Sent by each worker on every turn of its loop (about twice a second when idle): an app
# whose work sits in its own table (the mail app's outbox) takes a batch of it. Receivers
# take ``now`` and return a dict of counts; several workers call them at the same time.
worker_tick = django.dispatch.Signal()


def _receiver_name(receiver) -> str:
    return f"{getattr(receiver, '__module__', '?')}.{getattr(receiver, '__qualname__', repr(receiver))}"


def worker_tick_run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """One turn of a worker: every ``worker_tick`` receiver, each on its own (as periodic jobs)."""
    return _run(worker_tick, now=now or timezone.now())


def periodic_tasks_run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Run every periodic job once and merge their counts.

    Each receiver runs on its own: one that raises is logged (with its traceback) and
    counted in ``failed_jobs``, and the others still run, so a broken feedback job never
    stops reminders or e-mail retries.
    """
    return _run(periodic_task, now=now or timezone.now())


def _run(signal: django.dispatch.Signal, *, now: dt.datetime) -> dict[str, int]:
    stats: dict[str, int] = {}
    for receiver, result in signal.send_robust(sender=None, now=now):
        if isinstance(result, Exception):
            logger.error("Job %s failed", _receiver_name(receiver), exc_info=result)
            stats["failed_jobs"] = stats.get("failed_jobs", 0) + 1
        elif isinstance(result, dict):
            stats.update(result)
    return stats


def personal_data_purge_run(*, now: dt.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Apply every app's retention once (in app order: registrations before what follows them)."""
    now = now or timezone.now()
    stats: dict[str, int] = {}
    for _receiver, result in personal_data_purge.send(sender=None, now=now, dry_run=dry_run):
        for key, value in (result or {}).items():
            stats[key] = stats.get(key, 0) + value
    return stats


RETENTION_EVERY_SECONDS = 600


def retention_job(sender: object, now: dt.datetime, **kwargs: object) -> dict[str, int]:
    """The periodic job of retention (connected in ``CoreConfig.ready``): every ten minutes at
    most (one worker at a time takes the turn through the shared cache), in batches."""
    from django.core.cache import caches

    if not caches["shared"].add("retention-job-turn", 1, RETENTION_EVERY_SECONDS):
        return {}
    return {f"purged_{key}": value for key, value in personal_data_purge_run(now=now).items() if value}


def tasks_reclaim_job(sender: object, now: dt.datetime, **kwargs: object) -> dict[str, int]:
    """The periodic job that hands tasks of killed workers back to the queue (connected in ``CoreConfig.ready``)."""
    from .services import tasks_reclaim_stale

    return tasks_reclaim_stale(now=now)


def rate_counters_job(sender: object, now: dt.datetime, **kwargs: object) -> dict[str, int]:
    """The periodic job that deletes rate-limit counters of past windows (connected in ``CoreConfig.ready``)."""
    from .ratelimit import rate_counters_purge

    deleted = rate_counters_purge(now=now)
    return {"rate_counters_deleted": deleted} if deleted else {}
