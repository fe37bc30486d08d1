import time

from django.core.management.base import BaseCommand, CommandError

from articles import images
from articles.models import Article, ContentVersion, Organisation


class Command(BaseCommand):
    help = (
        "Make the missing renditions of every story's cover and organisation's logo (after "
        "an upgrade, a restore, or a change to the renditions), newest stories first. "
        "Stories without their cover's width and height get them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Make every rendition again, even those there."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only list the pictures with missing renditions; exit 1 if there are any.",
        )

    def handle(self, *args, force=False, check=False, **options):
        started = time.monotonic()
        self.pictures = self.written = 0
        self.failed, self.incomplete, self.measured = [], [], 0
        stories = (
            Article.objects.exclude(cover="")
            .order_by("-published_at", "-pk")
            .values_list("pk", "cover", "cover_width", "cover_height")
        )
        cover = Article._meta.get_field("cover")
        for pk, name, width, height in stories.iterator(chunk_size=500):
            file = cover.attr_class(None, cover, name)
            label = f"story {pk}"
            if not check and not (width and height):
                # Stored before the width and height were kept: measured once, here,
                # rather than on every page that loads the story.
                try:
                    width, height = file.width, file.height
                    problem = None if width and height else "not found or not a picture"
                except Exception as error:
                    problem = error
                if problem:
                    self.pictures += 1
                    self.failed.append(f"{label} ({name}): {problem}")
                    continue
                Article.objects.filter(pk=pk).update(cover_width=width, cover_height=height)
                self.measured += 1
            self.one(file, images.COVER_RENDITIONS, label, force, check)
        logos = Organisation.objects.exclude(logo="").order_by("pk").values_list("pk", "logo")
        logo = Organisation._meta.get_field("logo")
        for pk, name in logos.iterator(chunk_size=500):
            self.one(
                logo.attr_class(None, logo, name),
                images.LOGO_RENDITIONS,
                f"organisation {pk}",
                force,
                check,
            )
        if self.measured:
            # The stories' pages print the width and height: cached copies are stale.
            ContentVersion.bump()
        self.report(check, time.monotonic() - started)

    def one(self, file, renditions, label, force, check):
        self.pictures += 1
        if check:
            missing = images.missing_renditions(file, renditions)
            if missing:
                names = ", ".join(r.file_name for r in missing)
                self.incomplete.append(f"{label} ({file.name}): {names}")
            return
        try:
            self.written += images.make_renditions(file, renditions, force=force)
        except Exception as error:  # a missing or unreadable upload: say which, go on
            self.failed.append(f"{label} ({file.name}): {error}")

    def report(self, check, seconds):
        if check:
            for line in self.incomplete:
                self.stdout.write(f"Missing: {line}")
            if self.incomplete:
                raise CommandError(
                    f"{len(self.incomplete)} of {self.pictures} pictures lack renditions: "
                    "run manage.py make_renditions."
                )
            self.stdout.write(
                self.style.SUCCESS(f"All {self.pictures} pictures have their renditions.")
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Made {self.written} renditions of {self.pictures} pictures in {seconds:.1f} s"
                + (f"; measured {self.measured} covers." if self.measured else ".")
            )
        )
        if self.failed:
            for line in self.failed:
                self.stderr.write(f"Could not read {line}")
            raise CommandError(f"{len(self.failed)} pictures could not be read (listed above).")
