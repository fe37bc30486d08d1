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
    published_place_counts,
    related_counts,
)
from .kept import cached
from .lists import kept_stories, page_meta


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
        per_path = published_place_counts(self.request, published, "stories")
        events = Event.objects.published().in_place(place).select_related("place")
        article_count = cached(
            self.request, ("place-count", place.pk), lambda: search.capped_count(articles)
        )
        stories = reverse("articles:article-list")
        # The twelve topics with most stories here, listed by pinyin.
        topics = cached(
            self.request,
            ("place-topics", place.pk),
            lambda: related_counts(articles, "topics", "slug", "name", limit=12),
        )
        # The rest of the page, the same for every reader until something changes.
        around = cached(
            self.request,
            ("place-around", place.pk),
            lambda: {
                "ancestors": place.ancestors(),
                "children": list(place.children.order_by("sort_key", "pk")),
                "upcoming_events": list(events.upcoming()[:6]),
                "past_events": list(events.past()[:6]),
                "organisations": list(
                    Organisation.objects.in_place(place)
                    .select_related("place")
                    .order_by("sort_key", "pk")[:15]
                ),
            },
        )
        return super().get_context_data(
            ancestors=around["ancestors"],
            children=place_counts(per_path, around["children"]),
            article_count=min(article_count, search.COUNT_CAP),
            article_count_capped=article_count > search.COUNT_CAP,
            articles=kept_stories(
                self.request, ("place-newest", place.pk), published.newest_in_place(place, 12), 12
            ),
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
                for slug, name, n in topics
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
