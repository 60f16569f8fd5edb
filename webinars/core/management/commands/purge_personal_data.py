"""Erase personal data past each series' retention period (what the worker also does periodically)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from webinars.core.signals import personal_data_purge_run


class Command(BaseCommand):
    help = "Erase registrants' and attendees' personal data N months after each webinar (the series' retention setting)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be erased.")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        stats = personal_data_purge_run(dry_run=dry_run)
        verb = "would be erased" if dry_run else "erased"
        for key, value in sorted(stats.items()) or [("registrations", 0)]:
            self.stdout.write(f"{key}: {value} {verb}")
