"""Restore an archive made by ``manage.py backup`` into an empty installation."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from webinars.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive (database, media files, keys) into an empty installation (after `migrate`)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive")

    def handle(self, *args: Any, archive: str, **options: Any) -> None:
        try:
            manifest = backup_restore(archive)
        except (BackupError, OSError) as refused:
            raise CommandError(str(refused)) from refused
        self.stdout.write(f"Restored {manifest['engine']} database and {manifest['restored_media_files']} media files; keys in var/.")
