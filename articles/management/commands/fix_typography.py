"""Make the ASCII punctuation of existing stories' Chinese full-width.

    manage.py fix_typography                 # list what would change; change nothing
    manage.py fix_typography --apply         # save the changed stories
    manage.py fix_typography --id 12 15      # only these stories

Stories imported before the importer learnt typography (docs/import-cleaning.md, "Full-width
punctuation") keep "近日,2025全国…". This command applies the same rules to their title,
summary and body (the body's text only, never its tags or attributes) and to nothing
else: links and sources stay as they are.
"""

from dataclasses import dataclass, field

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.ingest.typography import (
    TYPOGRAPHY_REASON,
    apply_fixes,
    count_marks,
    find_fixes,
)
from articles.ingest.typography_html import fix_html, html_text, passages
from articles.models import Article

#: Stories saved in one transaction: a failure loses at most a batch, locks stay short.
BATCH = 100
#: The fields read and changed: nothing else of a story is loaded to look at it.
FIELDS = ("title", "summary", "body")


@dataclass
class Plan:
    """What typography changes in one story: new values, passages shown, marks counted."""

    values: dict[str, str] = field(default_factory=dict)
    shown: list[tuple[str, str, str]] = field(default_factory=list)
    marks: int = 0


def plan(title: str, summary: str, body: str) -> Plan:
    """The changes to a story's title, summary and body (HTML)."""
    body = body or ""
    # One story, one answer to "does it write its full stops as 。?" (the cleaner asks the
    # title and body of an import together in the same way).
    full_stops = any("。" in text for text in (title, summary, html_text(body).text))
    result = Plan()
    for name, text, headline in (("title", title, True), ("summary", summary or "", False)):
        # A title keeps its . ! ? as the importer keeps them (typography.find_fixes).
        fixes = find_fixes(text, full_stops=full_stops, headline=headline)
        if fixes:
            result.values[name] = apply_fixes(text, fixes)
            result.shown += [(name, *p) for p in passages(text, fixes)]
            result.marks += count_marks(fixes)
    fixed = fix_html(body, full_stops=full_stops)
    if fixed.fixes:
        result.values["body"] = fixed.html
        result.shown += [("body", *p) for p in passages(fixed.text, fixed.fixes)]
        result.marks += count_marks(fixed.fixes)
    return result


def _stories(n: int) -> str:
    return f"{n} story" if n == 1 else f"{n} stories"


class Command(BaseCommand):
    help = (
        "Make the ASCII punctuation between Chinese characters of stories' titles, summaries "
        "and bodies full-width (，。：；！？（）). Lists what would change; --apply saves it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply",
            action="store_true",
            help="Save the changed stories (history records each with the reason "
            f"{TYPOGRAPHY_REASON!r}). Without it nothing is changed.",
        )
        parser.add_argument(
            "--id",
            dest="ids",
            type=int,
            nargs="+",
            action="extend",
            metavar="ID",
            help="Only these stories (ids).",
        )

    def handle(self, *args, apply=False, ids=None, **options):
        stories = Article.objects.order_by("pk").only(*FIELDS)
        if ids:
            stories = stories.filter(pk__in=ids)
            missing = set(ids) - set(stories.values_list("pk", flat=True))
            for pk in sorted(missing):
                self.stderr.write(f"No story #{pk}.")
        # Looking reads only the three fields, a chunk at a time; what changes is kept
        # as ids and saved afterwards, never while the cursor is open.
        changed, marks = [], 0
        for story in stories.iterator(chunk_size=500):
            found = plan(story.title, story.summary, story.body)
            if not found.values:
                continue
            changed.append(story.pk)
            marks += found.marks
            self._list(story, found)
        if not apply:
            self.stdout.write(
                f"{_stories(len(changed))} would change ({marks} marks); nothing was saved. "
                "Run again with --apply to save them."
            )
            return
        batches = (changed[k : k + BATCH] for k in range(0, len(changed), BATCH))
        saved = sum(self._save(batch) for batch in batches)
        self.stdout.write(self.style.SUCCESS(f"Saved {_stories(saved)} ({marks} marks)."))

    def _list(self, story, found):
        self.stdout.write(f"#{story.pk} {story.title}")
        for name, before, after in found.shown:
            self.stdout.write(f"  {name}: {before} → {after}")

    @transaction.atomic
    def _save(self, pks):
        """Save one batch: each story read again, locked, so that an editor's save since
        the listing is not overwritten (its text is fixed as it now stands)."""
        saved = 0
        for story in Article.objects.select_for_update().filter(pk__in=pks).order_by("pk"):
            found = plan(story.title, story.summary, story.body)
            if not found.values:
                continue
            for name, value in found.values.items():
                setattr(story, name, value)
            story._change_reason = TYPOGRAPHY_REASON
            story.save()
            saved += 1
        return saved
