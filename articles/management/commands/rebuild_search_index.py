import time

from django.core.management.base import BaseCommand

from articles import search
from articles.models import Article


class Command(BaseCommand):
    help = (
        "Rebuild the search index of every story (after a bulk load, a restore, "
        "or a change to the tokenizer)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        n = search.rebuild_index(Article.objects.order_by("pk"))
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {n} stories in {time.monotonic() - started:.1f} s.")
        )
