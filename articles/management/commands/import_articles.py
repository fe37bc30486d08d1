from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.ingest.importer import article_import

SUFFIXES = {".txt": False, ".html": True, ".htm": True}


class Command(BaseCommand):
    help = (
        "Import reprinted pages (.txt or .html files, or folders of them) as draft stories. "
        "Pages imported before are skipped; passages the cleaner could not fix are flagged."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument("--editor", help="Username recorded as the responsible editor.")

    def handle(self, *args, paths, editor=None, **options):
        user = None
        if editor:
            try:
                user = get_user_model().objects.get_by_natural_key(editor)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user {editor!r}.") from None
        files = []
        for path in paths:
            if path.is_dir():
                files += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
            elif path.is_file() and path.suffix.lower() in SUFFIXES:
                files.append(path)
            elif path.is_file():
                raise CommandError(f"{path}: only .txt, .html and .htm files can be imported.")
            else:
                raise CommandError(f"{path}: no such file or folder.")

        imported = skipped = flagged = failed = 0
        for path in files:
            try:
                text = path.read_bytes().decode("utf-8-sig")
            except UnicodeDecodeError:
                text = path.read_bytes().decode("gb18030", errors="replace")
            try:
                outcome = article_import(
                    text=text, editor=user, is_html=SUFFIXES.get(path.suffix.lower())
                )
            except Exception as error:  # one bad file must not stop a bulk import
                failed += 1
                self.stderr.write(f"FAILED   {path}: {error}")
                continue
            article = outcome.article
            if not outcome.created:
                skipped += 1
                self.stdout.write(f"exists   {path} -> #{article.pk} {article.title}")
                continue
            imported += 1
            flagged += bool(outcome.flags)
            mark = "FLAGGED " if outcome.flags else "imported"
            self.stdout.write(f"{mark} {path} -> #{article.pk} {article.title}")
            for flag in outcome.flags:
                self.stdout.write(f"         ! {flag['message']} {flag['text'][:60]}")
        summary = (
            f"{imported} imported ({flagged} flagged for an editor), "
            f"{skipped} skipped as duplicates, {failed} failed."
        )
        self.stdout.write(self.style.SUCCESS(summary) if not failed else self.style.ERROR(summary))
        if failed:
            raise CommandError(f"{failed} file(s) could not be imported.")
