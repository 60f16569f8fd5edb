"""The platforms' work queue: jobs written in the transaction of the change, run by a task after commit.

``job_request`` records that a piece of work is wanted (one open job per key: asking twice
while it waits changes nothing; asking while it runs makes it run once more, since what is
wanted may have changed meanwhile). ``run_platform_job`` is the background task: it claims the
job, calls the handler its kind names (registered by ``sync`` at start-up), and on a
``PlatformError`` keeps the job with the error and the time of the next try — exponential
back-off from one minute to an hour, or the platform's ``Retry-After`` — until
``MAX_ATTEMPTS``; then it waits for an organiser's Retry. ``jobs_run_due`` (the worker's
periodic job) runs what is due, so a lost task or a platform that was down delays the work
but never loses it. Handlers are idempotent: they compare what is wanted with what the
platform was last told.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from webinars.audit.services import log_action
from webinars.registrations.models import Registration

from .clients.http import PlatformError
from .models import Meeting, PlatformJob

logger = logging.getLogger(__name__)

Kind = PlatformJob.Kind
State = PlatformJob.State
MAX_ATTEMPTS = 10
FIRST_DELAY_SECONDS = 60
LONGEST_DELAY_SECONDS = 3600
STALE_RUNNING = dt.timedelta(minutes=15)
DUE_BATCH = 50

#: kind → handler(job); filled by ``sync`` (imported from the app's ready()).
HANDLERS: dict[str, Callable[[PlatformJob], None]] = {}


def job_key(kind: str, meeting: Meeting, registration: Registration | None = None) -> str:
    return f"{kind}:{meeting.pk}:{registration.pk if registration is not None else ''}"


def job_request(
    *, kind: str, meeting: Meeting, registration: Registration | None = None, payload: dict | None = None, now: dt.datetime | None = None
) -> PlatformJob:
    """Want this work done (inside the caller's transaction); its task is enqueued after commit."""
    now = now or timezone.now()
    key = job_key(kind, meeting, registration)
    with transaction.atomic():
        job = PlatformJob.objects.select_for_update().filter(key=key, state__in=PlatformJob.OPEN).first()
        if job is None:
            job = PlatformJob.objects.create(
                kind=kind, meeting=meeting, registration=registration, key=key, run_after=now, payload=payload or {}
            )
        else:
            if payload is not None:
                job.payload = payload
            if job.state == State.RUNNING:
                job.rerun = True
            elif job.state == State.GAVE_UP:
                job.state, job.run_after, job.attempts = State.QUEUED, now, 0
            job.save(update_fields=["payload", "rerun", "state", "run_after", "attempts", "updated_at"])
    if job.run_after <= now:
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def job_retry(*, job: PlatformJob, actor=None, now: dt.datetime | None = None) -> PlatformJob:
    """An organiser's Retry: run the job now, whatever its back-off."""
    now = now or timezone.now()
    with transaction.atomic():
        job = PlatformJob.objects.select_for_update().get(pk=job.pk)
        if job.state in (State.FAILED, State.GAVE_UP, State.QUEUED):
            job.state, job.run_after, job.attempts = State.QUEUED, now, 0
            job.save(update_fields=["state", "run_after", "attempts", "updated_at"])
            log_action("meetings.retry_requested", actor=actor, obj=job.meeting.webinar, data={"job": job.pk, "kind": job.kind})
            transaction.on_commit(lambda: enqueue(job.pk))
    return job


@task()
def run_platform_job(job_id: int) -> str:
    """The background task: a thin wrapper around ``job_run``."""
    return job_run(job_id=job_id)


def enqueue(job_id: int) -> None:
    try:
        run_platform_job.enqueue(job_id)
    except Exception:  # noqa: BLE001 -- the job row is stored; jobs_run_due() runs it when the queue works again
        logger.exception("Could not enqueue platform job %s; the periodic job will run it", job_id)


def backoff_seconds(attempts: int) -> int:
    return min(LONGEST_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2 ** max(0, attempts - 1))


def job_run(*, job_id: int, now: dt.datetime | None = None) -> str:
    """Claim the job and run its handler; returns the state it ends in ("" when it was not due or taken)."""
    now = now or timezone.now()
    claimed = PlatformJob.objects.filter(pk=job_id, state__in=(State.QUEUED, State.FAILED), run_after__lte=now).update(
        state=State.RUNNING, started_at=now, rerun=False, updated_at=now
    )
    if not claimed:
        return ""
    job = PlatformJob.objects.select_related("meeting__webinar__series", "meeting__connection", "registration").get(pk=job_id)
    handler = HANDLERS.get(job.kind)
    error: PlatformError | None = None
    try:
        if handler is None:
            raise PlatformError(_("This kind of work is not known (%(kind)s).") % {"kind": job.kind}, temporary=False)
        handler(job)
    except PlatformError as failure:
        error = failure
    except Exception as failure:  # noqa: BLE001 -- a bug or an unexpected answer must not lose the job: it is kept and retried
        logger.exception("Platform job %s failed", job_id)
        error = PlatformError(_("Unexpected error: %(error)s") % {"error": type(failure).__name__})
    with transaction.atomic():
        current = PlatformJob.objects.select_for_update().get(pk=job_id)
        if error is None:
            if current.rerun:
                current.state, current.run_after, current.rerun = State.QUEUED, now, False
            else:
                current.state = State.DONE
            current.last_error = ""
        else:
            current.attempts += 1
            current.last_error = error.message[:500]
            if error.temporary and current.attempts < MAX_ATTEMPTS:
                delay = error.retry_after if error.retry_after is not None else backoff_seconds(current.attempts)
                current.state, current.run_after = State.FAILED, now + dt.timedelta(seconds=delay)
            else:
                current.state = State.GAVE_UP
            log_action(
                "meetings.call_failed",
                obj=current.meeting.webinar,
                data={
                    "job": current.pk,
                    "kind": current.kind,
                    "status": error.status,
                    "attempts": current.attempts,
                    "state": current.state,
                },
            )
        current.save(update_fields=["state", "run_after", "rerun", "attempts", "last_error", "updated_at"])
        if current.state == State.QUEUED:
            transaction.on_commit(lambda: enqueue(job_id))
    return current.state


def jobs_run_due(*, now: dt.datetime | None = None) -> int:
    """The worker's periodic job: jobs whose time has come (their task was deferred, lost or refused)."""
    now = now or timezone.now()
    PlatformJob.objects.filter(state=State.RUNNING, started_at__lt=now - STALE_RUNNING).update(state=State.FAILED, run_after=now)
    due = list(
        PlatformJob.objects.filter(state__in=(State.QUEUED, State.FAILED), run_after__lte=now)
        .order_by("run_after")
        .values_list("pk", flat=True)[:DUE_BATCH]
    )
    ran = 0
    for job_id in due:
        if job_run(job_id=job_id, now=now):
            ran += 1
    return ran
