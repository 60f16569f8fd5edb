"""``manage.py import_library_items FILE.csv``: create library items from a CSV file (all or none)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from webinars.core.errors import DomainError
from webinars.library import services
from webinars.library.importing import __doc__ as FORMAT


class Command(BaseCommand):
    help = "Create library items from a CSV file; every problem is named by line and column, and then nothing is stored."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="UTF-8 CSV with a header row; see --help-format")
        parser.add_argument("--help-format", action="store_true", help="print the columns and exit")

    def handle(self, *args, **options) -> None:
        if options["help_format"]:
            self.stdout.write(FORMAT or "")
            return
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        try:
            created = services.items_import(data=data)
        except DomainError as error:
            raise CommandError(f"{path}: nothing imported.\n{error}") from error
        self.stdout.write(f"Imported {len(created)} items from {path}.")
