"""Topics: every topic with its number of stories, and one topic's stories."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.views.generic import ListView, TemplateView

from ..models import Article, Topic
from .facets import topic_counts
from .lists import CappedPaginator, PaginatedListMixin, page_meta


class TopicListView(TemplateView):
    template_name = "articles/topic_list.html"

    def get_context_data(self, **kwargs):
        counts = {option.value: option.count for option in topic_counts(self.request)}
        topics = list(Topic.objects.order_by("sort_key", "pk"))
        for topic in topics:
            topic.n = counts.get(topic.slug, 0)
        return super().get_context_data(
            topics=topics,
            meta=page_meta(
                self.request, gettext("Topics"), gettext("Optics industry news by topic.")
            ),
            **kwargs,
        )


class TopicDetailView(PaginatedListMixin, ListView):
    template_name = "articles/topic_detail.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_paginator(self, queryset, per_page, **kwargs):
        return CappedPaginator(
            queryset,
            per_page,
            request=self.request,
            cache_key=("topic-count", self.topic.pk),
            page_key=("topic-page", self.topic.pk),
            **kwargs,
        )

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return Article.objects.published().tagged(self.topic).newest_first().for_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            topic=self.topic,
            meta=page_meta(
                self.request,
                self.topic.name,
                self.topic.description
                or gettext("Optics industry news on %(topic)s.") % {"topic": self.topic.name},
            ),
            **kwargs,
        )
