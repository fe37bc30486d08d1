"""Topics: the taxonomy readers filter by, a django-taggit tag model of our own."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from taggit.models import TagBase, TaggedItemBase

from ..text import SORT_KEY_LENGTH, sort_key
from .base import url_of


class Topic(TagBase):
    """A taggit tag with a description. Chinese names keep Chinese slugs (眼镜)."""

    description = models.TextField(_("description"), blank=True)
    featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Shown on the front page and in menus.")
    )

    #: The name in pinyin order (articles/text.py sort_key, docs/ordering.md), set on save.
    sort_key = models.CharField(
        _("sort key"), max_length=SORT_KEY_LENGTH, editable=False, default="", db_index=True
    )

    history = HistoricalRecords(excluded_fields=["sort_key"])

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["sort_key", "pk"]

    def save(self, *args, **kwargs):
        # TagBase.save() fills the slug (and retries a taken one); the key only follows the name.
        self.sort_key = sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        return super().save(*args, **kwargs)

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
