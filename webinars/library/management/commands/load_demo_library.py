"""``manage.py load_demo_library``: themes, the demo webinars' links as items, a sample recording."""

from django.core.management.base import BaseCommand

from webinars.library.demo import library_demo_load


class Command(BaseCommand):
    help = "Load the library of the demo programme (run after load_demo_programme; safe to run again)."

    def handle(self, *args, **options) -> None:
        counts = library_demo_load()
        self.stdout.write(
            f"Library: {counts['themes']} themes, {counts['links']} links converted, {counts['recordings']} sample recording."
        )
