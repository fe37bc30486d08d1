"""The front page: lead and latest stories, most read, upcoming events, clusters, topics."""

from dataclasses import replace

from django.utils.translation import get_language
from django.views.generic import TemplateView

from ..models import Article, Event, Place, url_of
from .facets import place_counts, published_place_counts, topic_counts
from .kept import cached
from .lists import page_meta


def front_page_lists(request):
    """What the front page lists but its most-read stories, kept under the content version
    (docs/caching.md): every list on it changes only with a change, a scheduled
    publication or the date (upcoming events), and finding them is most of the page's
    work. Most read follows the view counts, which change without a new version."""

    def compute():
        published = Article.objects.published()
        lead = list(published.filter(featured=True).newest_first().for_list()[:3])
        latest = list(published.exclude(pk__in=[a.pk for a in lead]).newest_first().for_list()[:10])
        per_path = published_place_counts(request, published, "stories")
        # A flat list of chips: by pinyin, wherever in the tree each cluster is.
        clusters = place_counts(per_path, list(Place.objects.clusters().order_by("sort_key", "pk")))
        return {
            "lead": lead,
            "latest": latest,
            "upcoming_events": list(
                Event.objects.published().upcoming().select_related("place")[:5]
            ),
            "clusters": [p for p in clusters if p.n] or clusters,
            "topics": [
                replace(topic, href=url_of("articles:topic-detail", topic.value))
                for topic in topic_counts(request, limit=20)
            ],
        }

    return cached(request, ("front-page", get_language()), compute)


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        most_read = Article.objects.published().most_read().only("pk", "slug", "title")[:5]
        return super().get_context_data(
            **front_page_lists(self.request),
            most_read=list(most_read),
            meta=page_meta(self.request, ""),
            **kwargs,
        )
