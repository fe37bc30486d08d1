"""The front page: lead and latest stories, most read, upcoming events, clusters, topics."""

from dataclasses import replace

from django.views.generic import TemplateView

from ..models import Article, Event, Place, url_of
from .facets import place_counts, published_place_counts, topic_counts
from .lists import page_meta


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        published = Article.objects.published()
        lead = list(published.filter(featured=True).newest_first().for_list()[:3])
        latest = list(published.exclude(pk__in=[a.pk for a in lead]).newest_first().for_list()[:10])
        per_path = published_place_counts(self.request, published, "stories")
        # A flat list of chips: by pinyin, wherever in the tree each cluster is.
        clusters = place_counts(per_path, list(Place.objects.clusters().order_by("sort_key", "pk")))
        return super().get_context_data(
            lead=lead,
            latest=latest,
            most_read=list(published.most_read().only("pk", "slug", "title")[:5]),
            upcoming_events=list(Event.objects.published().upcoming().select_related("place")[:5]),
            clusters=[p for p in clusters if p.n] or clusters,
            topics=[
                replace(topic, href=url_of("articles:topic-detail", topic.value))
                for topic in topic_counts(self.request, limit=20)
            ],
            meta=page_meta(self.request, ""),
            **kwargs,
        )
