"""Stories: the articles readers read, linked to a place, organisations, an event, topics."""

import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager

from .. import images, search
from ..text import han_chars, pinyin_slug
from .base import Publishable, SluggedModel, Status, url_of
from .events import Event
from .organisations import Organisation
from .places import Place
from .story_queries import (
    ArticleQuerySet,
)
from .topics import TaggedArticle

#: What the rich-text editor offers; the same list drives the nh3 allow-list.
BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "History": True,
    "SpecialCharacters": True,
}


#: The longest body, in characters of its HTML: a story a reader can read, a page that
#: renders and is searched quickly (search snippets are linear in the body's length).
MAX_BODY_CHARS = 200_000


def cover_path(article, filename):
    """covers/<year>/<month>/<random>.<ext>: a draft's picture cannot be found by guessing
    its name before the story is published."""
    suffix = Path(filename).suffix.lower()[:10]
    return f"covers/{timezone.now():%Y/%m}/{secrets.token_urlsafe(16)}{suffix}"


class Article(Publishable, SluggedModel):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("URL name"),
        max_length=100,
        blank=True,
        help_text=_("Made from the pinyin of the title when left empty. Stories are found by id."),
    )
    summary = models.TextField(
        _("summary"),
        max_length=500,
        blank=True,
        help_text=_("One or two sentences for lists, search results and link previews."),
    )
    body = ProseEditorField(
        _("body"),
        extensions=BODY_EXTENSIONS,
        sanitize=True,
        blank=True,
        validators=[MaxLengthValidator(MAX_BODY_CHARS)],
        help_text=_(
            "At most 200,000 characters (with the formatting), about 100,000 Chinese "
            "characters of text: split a longer document into several stories."
        ),
    )
    # Checked on upload and served only as renditions (articles/images.py, docs/images.md).
    cover = images.PictureField(
        _("cover image"),
        upload_to=cover_path,
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
        validators=[images.validate_cover],
        help_text=_(
            "JPEG, PNG, WebP or GIF, at most 10 MB and 40 megapixels, at least 300 pixels "
            "wide. Readers get resized copies, never this file."
        ),
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_alt = models.CharField(
        _("cover description"),
        max_length=200,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    cover_credit = models.CharField(
        _("image credit"), max_length=200, blank=True, help_text=_("图片由…提供: who supplied it.")
    )
    source = models.CharField(
        _("source"),
        max_length=100,
        blank=True,
        help_text=_("The outlet first publishing it (来源)."),
    )
    source_url = models.URLField(_("original link"), max_length=500, blank=True, db_index=True)
    author = models.CharField(_("author"), max_length=100, blank=True)
    source_editor = models.CharField(
        _("editor at the source"),
        max_length=100,
        blank=True,
        help_text=_("The responsible editor (责任编辑) the original outlet names, if any."),
    )
    original_title = models.CharField(
        _("original title"),
        max_length=200,
        blank=True,
        help_text=_("原标题: the title the story first ran under, when the reprint changed it."),
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible editor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="edited_articles",
        limit_choices_to={"is_staff": True},
        help_text=_(
            "责任编辑; set to you when you create a story. Readers see the person's full "
            "name (set under Users), never the login name."
        ),
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        help_text=_("The main place of the story; readers filtering by a province find it too."),
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations"), related_name="articles", blank=True
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    topics = TaggableManager(
        verbose_name=_("topics"), through=TaggedArticle, blank=True, help_text=""
    )
    featured = models.BooleanField(
        _("lead story"), default=False, help_text=_("Shown at the top of the front page.")
    )
    original_text = models.TextField(
        _("original text"),
        blank=True,
        help_text=_("The text as it was imported, before cleaning; kept for reference."),
    )
    import_fingerprint = models.CharField(
        _("import fingerprint"), max_length=64, blank=True, db_index=True, editable=False
    )
    import_flags = models.JSONField(
        _("import warnings"),
        default=list,
        blank=True,
        help_text=_("What the importer could not clean by itself; check these passages."),
    )
    # The review (docs/editors.md): who wrote the draft, when it was submitted for
    # review (a draft with a submission time waits in the queue), and the editor's
    # comment when it was sent back.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="created_articles",
    )
    submitted_at = models.DateTimeField(
        _("submitted for review"), null=True, blank=True, editable=False
    )
    review_note = models.TextField(_("editor's comment"), blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent back by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("sent back"), null=True, blank=True, editable=False)
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()
    # Every change, with who made it; not the counters nor what only the importer writes.
    history = HistoricalRecords(
        excluded_fields=[
            "view_count",
            "original_text",
            "import_flags",
            "import_fingerprint",
            "updated_at",
        ],
        m2m_fields=[organisations],
    )

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-published_at", "-pk"]
        permissions = [
            ("publish_article", _("Can publish, schedule and take down stories")),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_pub_idx"),
            models.Index(fields=["status", "-view_count"], name="article_status_views_idx"),
            models.Index(fields=["place", "-published_at"], name="article_place_pub_idx"),
            models.Index(fields=["event", "-published_at"], name="article_event_pub_idx"),
            models.Index(
                fields=["-published_at"],
                condition=Q(featured=True),
                name="article_featured_pub_idx",
            ),
            models.Index(
                fields=["submitted_at"],
                condition=Q(submitted_at__isnull=False),
                name="article_review_queue_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="article_slug_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="article_status_valid"
            ),
            # One story per imported text, even when two imports run at once.
            models.UniqueConstraint(
                fields=["import_fingerprint"],
                condition=~Q(import_fingerprint=""),
                name="article_import_fingerprint_unique",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.cover and not self.cover_alt.strip():
            raise ValidationError(
                {
                    "cover_alt": _(
                        "Describe this picture: what it shows, for readers who cannot see it "
                        "(screen readers read it aloud)."
                    )
                }
            )

    def make_slug(self):
        # Not unique: stories are found by id, the slug only makes the address readable.
        return pinyin_slug(self.title) or "story"

    def save(self, *args, **kwargs):
        # Sanitise on every save, not just in admin forms: nothing stored can run script.
        self.body = self._meta.get_field("body").sanitize(self.body or "")
        with transaction.atomic():
            super().save(*args, **kwargs)
            search.index_article(self)

    def get_absolute_url(self):
        return url_of("articles:article-detail", self.pk, self.slug)

    @property
    def editor_name(self):
        """The responsible editor's full name for readers, never the login name; a Chinese
        name family name first, without a space (王小明)."""
        return person_name(self.editor) if self.editor else ""


def person_name(user):
    """A person's full name as a Chinese reader writes it: family name first, without a
    space (王小明); "" when the account has no name."""
    first, last = user.first_name.strip(), user.last_name.strip()
    if first and last and han_chars(first + last):
        return f"{last}{first}"
    return user.get_full_name()


class DailyReads(models.Model):
    """How many readers a story had on one day (Beijing time): the most-read lists of
    a week. Written with the view counts (articles/readcounts.py)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="daily_reads")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("readers of a day")
        verbose_name_plural = _("readers per day")
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="daily_reads_unique"),
        ]
        indexes = [models.Index(fields=["day"], name="daily_reads_day_idx")]

    def __str__(self):
        return f"{self.article_id} {self.day}: {self.views}"


@receiver(post_delete, sender=Article, dispatch_uid="articles.unindex_deleted_article")
def unindex_deleted_article(sender, instance, **kwargs):
    """A deleted story leaves the search index, however it was deleted (one, or a queryset)."""
    search.unindex_article(instance.pk)


@receiver(post_save, sender=Article, dispatch_uid="articles.make_cover_renditions")
def make_cover_renditions(sender, instance, raw=False, update_fields=None, **kwargs):
    """The cover's renditions, which readers get instead of the upload, are made when the
    story is saved (after the commit; articles/images.py)."""
    if instance.cover and not raw and (update_fields is None or "cover" in update_fields):
        images.make_renditions_on_commit(instance.cover, images.COVER_RENDITIONS)
