"""Write one archive with the database, the media files and the installation's keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from webinars.core.backup import backup_create


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump), media files and keys into one .tar.gz archive."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", help="Archive path (default: var/backups/museum-webinars-<UTC time>.tar.gz).")

    def handle(self, *args: Any, output: str | None = None, **options: Any) -> None:
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        path = Path(output) if output else Path(settings.VAR_DIR) / "backups" / f"museum-webinars-{stamp}.tar.gz"
        manifest = backup_create(path)
        self.stdout.write(f"{path} ({manifest['engine']}, {manifest['media_files']} media files)")
