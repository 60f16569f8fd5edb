"""``manage.py rebuild_search_index``: index every public item, transcript, webinar and speaker again."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from webinars.library import selectors, services


class Command(BaseCommand):
    help = "Empty the search index and index every public item, transcript, webinar and speaker again."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Only when the index has no documents (a fresh or migrated site).")

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and selectors.search_document_count():
            return
        started = time.perf_counter()
        counts = services.search_index_rebuild()
        seconds = time.perf_counter() - started
        summary = ", ".join(f"{source}: {count}" for source, count in counts.items())
        self.stdout.write(f"Indexed {sum(counts.values())} documents ({summary}) in {seconds:.1f} s.")
