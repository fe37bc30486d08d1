from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.ingest import uploads
from articles.ingest.importer import NOTE_KINDS, article_import, needs_check


class Command(BaseCommand):
    help = (
        "Import reprinted pages (.txt or .html files, or folders of them) as draft stories. "
        "Pages imported before are skipped; passages the cleaner could not fix are flagged; "
        "files in GBK, Big5, Shift-JIS, EUC-JP or EUC-KR are detected and said so; "
        "a file whose encoding cannot be told is reported and left out."
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
                files += sorted(
                    p for p in path.rglob("*") if p.is_file() and uploads.accepted(p.name)
                )
            elif path.is_file() and uploads.accepted(path.name):
                files.append(path)
            elif path.is_file():
                raise CommandError(f"{path}: only .txt, .html and .htm files can be imported.")
            else:
                raise CommandError(f"{path}: no such file or folder.")

        imported = skipped = flagged = failed = 0
        for path in files:
            size = path.stat().st_size
            if size > uploads.MAX_UPLOAD_BYTES:
                # The admin's upload form takes no larger file; nor does the command.
                failed += 1
                self.stderr.write(
                    f"FAILED   {path}: {size:,} bytes, more than the "
                    f"{uploads.MAX_UPLOAD_BYTES:,} a page may have."
                )
                continue
            try:
                upload = uploads.read_upload(path.read_bytes())
                outcome = article_import(
                    text=upload.text,
                    editor=user,
                    is_html=uploads.is_html(path.name),
                    extra_flags=upload.flags,
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
            check = needs_check(outcome.flags)
            flagged += check
            mark = "FLAGGED " if check else "imported"
            self.stdout.write(f"{mark} {path} -> #{article.pk} {article.title}")
            for flag in outcome.flags:
                sign = "·" if flag["kind"] in NOTE_KINDS else "!"
                self.stdout.write(f"         {sign} {flag['message']} {flag['text'][:60]}")
        summary = (
            f"{imported} imported ({flagged} flagged for an editor), "
            f"{skipped} skipped as duplicates, {failed} failed."
        )
        self.stdout.write(self.style.SUCCESS(summary) if not failed else self.style.ERROR(summary))
        if failed:
            raise CommandError(f"{failed} file(s) could not be imported.")
