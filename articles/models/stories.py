"""Stories: the articles readers read, linked to a place, organisations, an event, topics."""

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from .. import search
from ..text import pinyin_slug
from .base import InPlaceQuerySet, Publishable, PublishableQuerySet, SluggedModel, Status
from .events import Event
from .organisations import Organisation
from .places import Place
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


class ArticleQuerySet(PublishableQuerySet, InPlaceQuerySet):
    def tagged(self, topic):
        return self.filter(topics=topic)

    def mentioning(self, organisation):
        return self.filter(organisations=organisation)

    def covering(self, event):
        return self.filter(event=event)

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def most_read(self):
        return self.order_by("-view_count", "-published_at", "-pk")

    def for_list(self):
        """What a list item shows: place and topics, without a query per row."""
        return self.select_related("place").prefetch_related("topics")

    def related_to(self, article, limit=4):
        """Other published stories sharing a topic, else the same place."""
        topic_ids = [t.pk for t in article.topics.all()]
        condition = Q(topics__in=topic_ids)
        if article.place_id:
            condition |= Q(place_id=article.place_id)
        ids = (
            self.published()
            .filter(condition)
            .exclude(pk=article.pk)
            .values_list("pk", flat=True)
            .distinct()
        )
        return self.filter(pk__in=ids).newest_first()[:limit]


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
    body = ProseEditorField(_("body"), extensions=BODY_EXTENSIONS, sanitize=True, blank=True)
    cover = models.ImageField(_("cover image"), upload_to="covers/%Y/%m/", blank=True)
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
        help_text=_("责任编辑; set to you when you create a story."),
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
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-published_at", "-pk"]
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
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="article_slug_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="article_status_valid"
            ),
        ]

    def __str__(self):
        return self.title

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
        return reverse("articles:article-detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def editor_name(self):
        if not self.editor:
            return ""
        return self.editor.get_full_name() or self.editor.get_username()


@receiver(post_delete, sender=Article, dispatch_uid="articles.unindex_deleted_article")
def unindex_deleted_article(sender, instance, **kwargs):
    """A deleted story leaves the search index, however it was deleted (one, or a queryset)."""
    search.unindex_article(instance.pk)
