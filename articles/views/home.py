"""The front page: lead and latest stories, most read, upcoming events, clusters, topics."""

from django.views.generic import TemplateView

from ..models import Article, Event, Place
from .facets import place_counts, related_facet
from .lists import page_meta


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        published = Article.objects.published()
        lead = list(published.filter(featured=True).newest_first().for_list()[:3])
        latest = list(published.exclude(pk__in=[a.pk for a in lead]).newest_first().for_list()[:10])
        clusters = place_counts(published, list(Place.objects.clusters()))
        return super().get_context_data(
            lead=lead,
            latest=latest,
            most_read=list(published.most_read()[:5]),
            upcoming_events=list(Event.objects.published().upcoming().select_related("place")[:5]),
            clusters=[p for p in clusters if p.n] or clusters,
            topics=related_facet("topic", published, "topics", title="", limit=20).options,
            meta=page_meta(self.request, ""),
            **kwargs,
        )
