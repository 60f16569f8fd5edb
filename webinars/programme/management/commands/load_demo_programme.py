from django.core.management.base import BaseCommand

from webinars.programme.demo import demo_programme_is_needed, demo_programme_load


class Command(BaseCommand):
    help = "Load the demo programme (the seed's webinar series) when the programme is empty."

    def handle(self, *args, **options) -> None:
        if not demo_programme_is_needed():
            self.stdout.write("The programme already has series; demo data not loaded.")
            return
        series = demo_programme_load()
        self.stdout.write(self.style.SUCCESS(f"Loaded the demo programme: {series.slug} and a sample series."))
