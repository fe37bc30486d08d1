"""Places: the tree of provinces, cities, counties, towns and zones, and one place."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext
from django.views.generic import DetailView, TemplateView

from .. import search
from ..models import Article, Event, Organisation, Place
from .facets import (
    FacetOption,
    in_tree_order,
    place_counts,
    place_counts_entry,
    published_place_counts,
    related_counts,
)
from .kept import cached_each
from .lists import page_meta


class PlaceListView(TemplateView):
    template_name = "articles/place_list.html"

    def get_context_data(self, **kwargs):
        per_path = published_place_counts(self.request, Article.objects.published(), "stories")
        return super().get_context_data(
            places=place_counts(per_path, in_tree_order(list(Place.objects.all()))),
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
        published = Article.objects.published()
        articles = published.in_place(place)
        events = Event.objects.published().in_place(place).select_related("place")
        paths_key, paths = place_counts_entry(published, "stories")
        # Everything the page lists, the same for every reader until something changes,
        # in one cache request (docs/caching.md).
        kept = cached_each(
            self.request,
            {
                paths_key: paths,
                ("place-count", place.pk): lambda: search.capped_count(articles),
                # The twelve topics with most stories here, listed by pinyin.
                ("place-topics", place.pk): lambda: related_counts(
                    articles, "topics", "slug", "name", limit=12
                ),
                ("place-around", place.pk): lambda: {
                    "ancestors": place.ancestors(),
                    "children": list(place.children.order_by("sort_key", "pk")),
                    "articles": list(published.newest_in_place(place, 12).for_list()),
                    "upcoming_events": list(events.upcoming()[:6]),
                    "past_events": list(events.past()[:6]),
                    "organisations": list(
                        Organisation.objects.in_place(place)
                        .select_related("place")
                        .order_by("sort_key", "pk")[:15]
                    ),
                },
            },
        )
        around, article_count = kept["place-around", place.pk], kept["place-count", place.pk]
        stories = reverse("articles:article-list")
        return super().get_context_data(
            ancestors=around["ancestors"],
            children=place_counts(kept[paths_key], around["children"]),
            article_count=min(article_count, search.COUNT_CAP),
            article_count_capped=article_count > search.COUNT_CAP,
            articles=around["articles"],
            upcoming_events=around["upcoming_events"],
            past_events=around["past_events"],
            organisations=around["organisations"],
            topics=[
                FacetOption(
                    slug,
                    name,
                    n,
                    href=f"{stories}?{urlencode({'place': place.slug, 'topic': slug})}",
                )
                for slug, name, n in kept["place-topics", place.pk]
            ],
            meta=page_meta(
                self.request,
                place.name,
                place.description
                or gettext("News, events and organisations of the optics industry in %(place)s.")
                % {"place": place.name},
            ),
            **kwargs,
        )
