"""Topics: the taxonomy readers filter by, a django-taggit tag model of our own."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.models import TagBase, TaggedItemBase

from .base import url_of


class Topic(TagBase):
    """A taggit tag with a description. Chinese names keep Chinese slugs (眼镜)."""

    description = models.TextField(_("description"), blank=True)
    featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Shown on the front page and in menus.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def get_absolute_url(self):
        return url_of("articles:topic-detail", self.slug)


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_articles")

    class Meta:
        verbose_name = _("article topic")
        verbose_name_plural = _("article topics")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="article_topic_unique")
        ]
        indexes = [
            # A topic's newest stories without reading all of them (related stories).
            models.Index(fields=["tag", "content_object"], name="article_topic_tag_story_idx")
        ]
