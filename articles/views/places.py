"""Places: the tree of provinces, cities, counties, towns and zones, and one place."""

from django.utils.translation import gettext
from django.views.generic import DetailView, TemplateView

from ..models import Article, Event, Organisation, Place
from .facets import place_counts, related_facet
from .lists import page_meta


class PlaceListView(TemplateView):
    template_name = "articles/place_list.html"

    def get_context_data(self, **kwargs):
        places = place_counts(Article.objects.published(), list(Place.objects.all()))
        return super().get_context_data(
            places=places,
            meta=page_meta(
                self.request,
                gettext("Places and industry clusters"),
                gettext(
                    "China's optics and eyewear clusters by province, city, "
                    "county and development zone."
                ),
            ),
            **kwargs,
        )


class PlaceDetailView(DetailView):
    template_name = "articles/place_detail.html"
    context_object_name = "place"
    queryset = Place.objects.all()

    def get_context_data(self, **kwargs):
        place = self.object
        articles = Article.objects.published().in_place(place)
        children = place_counts(articles, list(place.children.all()))
        events = Event.objects.published().in_place(place).select_related("place")
        return super().get_context_data(
            ancestors=place.ancestors(),
            children=children,
            article_count=articles.count(),
            articles=list(articles.newest_first().for_list()[:12]),
            upcoming_events=list(events.upcoming()[:6]),
            past_events=list(events.past()[:6]),
            organisations=list(Organisation.objects.in_place(place).select_related("place")[:30]),
            topics=related_facet("topic", articles, "topics", title="", limit=12).options,
            meta=page_meta(
                self.request,
                place.name,
                place.description
                or gettext("News, events and organisations of the optics industry in %(place)s.")
                % {"place": place.name},
            ),
            **kwargs,
        )
