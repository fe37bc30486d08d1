from django.core.management.base import BaseCommand

from articles.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo places, topics, organisations, events and sample stories (idempotent)."

    def handle(self, *args, **options):
        counts = load_demo()
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo content: created {summary}."))
