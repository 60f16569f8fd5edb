"""Run every periodic job once (reminders, expiry, e-mail retries) and exit.

For a timer (deploy/systemd/museum-webinars-periodic.timer) when the task workers run with
``--no-periodic``. Jobs are safe to run concurrently, so an overlapping run does no harm.
"""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand

from webinars.core.signals import periodic_tasks_run

logger = logging.getLogger("webinars.worker")


class Command(BaseCommand):
    help = "Run every periodic job once and exit."

    def handle(self, *args, **options) -> None:
        stats = periodic_tasks_run()
        logger.info("periodic jobs: %s", stats, extra={"event": "periodic_jobs", **stats})
        if stats.get("failed_jobs"):
            raise SystemExit(1)
