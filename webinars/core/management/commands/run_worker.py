"""The background worker: runs queued tasks (e-mail) and the periodic jobs.

Every ``--interval`` seconds it sends ``core.signals.periodic_task``, to which each app
subscribes its own jobs (expire unconfirmed registrations, queue due reminders and
feedback invitations, retry failed e-mail), then works through every queued task with
django-tasks-db's worker in batch mode. Several workers may run at once: task rows are
claimed with row locks, and each e-mail is claimed again before it is sent. With
``--no-periodic`` the worker only runs tasks (the periodic jobs then run from a timer:
``manage.py run_periodic_jobs``, see deploy/systemd). ``--metrics-address`` serves its
Prometheus metrics (queue depth and age, e-mails sent/failed/retried) on a private address.
"""

from __future__ import annotations

import gc
import logging
import signal
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from webinars.core import metrics
from webinars.core.health import queue_stats
from webinars.core.signals import periodic_tasks_run, worker_tick_run

logger = logging.getLogger("webinars.worker")


class Command(BaseCommand):
    help = "Run background tasks (e-mail) and periodic jobs (reminders, expiry, retries) until stopped."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between periodic job runs (default 30).")
        parser.add_argument("--once", action="store_true", help="Run the periodic jobs and the queue once, then exit.")
        parser.add_argument("--no-periodic", action="store_true", help="Only run tasks; the periodic jobs run elsewhere (a timer).")
        parser.add_argument("--metrics-address", default="", help="Serve Prometheus metrics here, e.g. 127.0.0.1:9201.")

    def handle(self, *args, interval: float, once: bool, no_periodic: bool, metrics_address: str, **options) -> None:
        stopping = {"now": False}

        def stop(signum, frame) -> None:
            stopping["now"] = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if metrics_address:
            metrics.serve(metrics_address)
        if not once:
            # As config/wsgi.py: the loaded code lives as long as the worker; its full
            # collections then scan only what the batches leave behind.
            gc.freeze()
        logger.info("worker started", extra={"event": "worker_started", "periodic": not no_periodic})
        next_periodic = 0.0
        while not stopping["now"]:
            if not no_periodic and time.monotonic() >= next_periodic:
                stats = periodic_tasks_run()
                if any(stats.values()):
                    self.stdout.write(f"periodic jobs: {stats}")
                next_periodic = time.monotonic() + interval
            self._sample_queue()
            call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
            done = worker_tick_run()
            if once:
                break
            if not any(done.values()):
                time.sleep(0.5)  # idle: look again soon (a busy worker goes straight on)
        logger.info("worker stopped", extra={"event": "worker_stopped"})

    def _sample_queue(self) -> None:
        try:
            stats = queue_stats()
        except Exception:  # noqa: BLE001 -- a sample is not worth stopping the worker for
            logger.exception("Could not read the task queue's depth")
            return
        for queue, figures in stats.items():
            metrics.QUEUE_DEPTH.labels(queue=queue).set(figures["depth"])
            metrics.QUEUE_OLDEST_SECONDS.labels(queue=queue).set(figures["oldest_age_seconds"])
