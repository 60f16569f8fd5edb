"""The background worker: runs queued tasks (e-mail) and the periodic jobs.

Every ``--interval`` seconds it sends ``core.signals.periodic_task``, to which each app
subscribes its own jobs (expire unconfirmed registrations, queue due reminders and
feedback invitations, retry failed e-mail), then works through every queued task with
django-tasks-db's worker in batch mode. Several workers may run at once: task rows are
claimed with row locks, and each e-mail is claimed again before it is sent.
"""

from __future__ import annotations

import signal
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from webinars.core.signals import periodic_tasks_run


class Command(BaseCommand):
    help = "Run background tasks (e-mail) and periodic jobs (reminders, expiry, retries) until stopped."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between periodic job runs (default 30).")
        parser.add_argument("--once", action="store_true", help="Run the periodic jobs and the queue once, then exit.")

    def handle(self, *args, interval: float, once: bool, **options) -> None:
        stopping = {"now": False}

        def stop(signum, frame) -> None:
            stopping["now"] = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        next_periodic = 0.0
        while not stopping["now"]:
            if time.monotonic() >= next_periodic:
                stats = periodic_tasks_run()
                if any(stats.values()):
                    self.stdout.write(f"periodic jobs: {stats}")
                next_periodic = time.monotonic() + interval
            call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
            if once:
                break
            time.sleep(1.0)
