"""Stories: the filtered list (and search), and one story."""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from .. import images, readcounts, search
from ..filters import ArticleFilter
from ..models import Article, Place
from ..models.story_queries import pks_by_source
from .facets import FacetCounter
from .kept import cached_each, cached_many, item_key, prefetch
from .lists import (
    CappedPaginator,
    FilteredListMixin,
    PublishableDetailMixin,
    page_meta,
    page_number,
    trail_computes,
    trail_of,
)

#: Filters a search keeps as hidden fields when the reader changes the words or dates.
KEPT_FILTERS = ("place", "topic", "organisation", "event", "sort")


class ArticleListView(FilteredListMixin, ListView):
    template_name = "articles/article_list.html"
    filterset_class = ArticleFilter
    paginate_by = 20
    context_object_name = "articles"
    meta_description = _(
        "The latest news of China's optics industry clusters, "
        "by place, topic, organisation and event."
    )

    def base_queryset(self):
        return Article.objects.published()

    def get_queryset(self):
        return super().get_queryset().for_list(body=bool(self.query_text))

    @property
    def query_text(self):
        if self.filterset.is_bound and self.filterset.is_valid():
            return self.filterset.form.cleaned_data.get("q") or ""
        return ""

    def get_paginator(self, queryset, per_page, **kwargs):
        return CappedPaginator(
            queryset,
            per_page,
            request=self.request,
            cache_key=self.count_key(),
            page_key=self.page_key(),
            rows=Article.objects.published().for_list(body=bool(self.query_text)),
            **kwargs,
        )

    def count_key(self):
        # A search keeps its ranked matches with the count, so the sort is part of the key.
        sort = self.filterset.selected("sort") if self.filterset.search_terms() else ""
        return ("stories", "count", self.filterset.key_without(None), sort)

    def page_key(self):
        filters = self.filterset.key_without(None)
        return ("stories", "page", filters, self.filterset.selected("sort"))

    def get_meta_title(self):
        chips = "、".join(str(value) for _name, _label, value in self.filterset.active)
        return gettext("News") + (f": {chips}" if chips else "")

    def facet_counter(self):
        return FacetCounter(self.request, self.filterset, list_name="stories")

    def kept_keys(self):
        """Facet counts, the count and the page's ids: one cache request (the facet names
        are those of ``facets()``; a test checks that nothing else is read)."""
        counter, number = self.facet_counter(), page_number(self.request)
        return [
            *(counter.key(name) for name in ("place", "topic", "organisation", "event")),
            self.count_key(),
            CappedPaginator.page_cache_key(self.page_key(), number, self.paginate_by),
        ]

    def facets(self):
        counter = self.facet_counter()
        return [
            counter.place(Place.objects.all(), title=_("Place")),
            counter.related("topic", "topics", title=_("Topic"), limit=30),
            counter.related("organisation", "organisations", title=_("Organisation"), limit=25),
            counter.event(title=_("Event"), limit=15),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.query_text
        context["query"] = q
        context["query_is_empty"] = bool(q) and not search.parse_query(q)
        if q and not context["query_is_empty"]:
            self.highlight(context["articles"], q)
        context["older_url"] = self.older_url(context["paginator"], context["page_obj"])
        context["hidden_params"] = [
            (name, self.request.GET[name][:100])
            for name in KEPT_FILTERS
            if self.request.GET.get(name)
        ]
        return context

    def highlight(self, articles, q):
        """Each story's title and snippet with the words in <mark>, kept under the
        content version per story and query (one cache request for the page): they are
        most of a search page's work per story, the same on every page, sort and filter
        of the same words."""
        by_key = {("search-highlight", q, a.pk): a for a in articles}
        # Read with the items the template shows (``article_items`` with heading h2).
        prefetch(self.request, [*by_key, *(item_key(a.pk, "h2") for a in articles)])

        def compute(keys):
            return {
                key: (
                    search.highlight(by_key[key].title, q, width=200),
                    search.highlight(f"{by_key[key].summary} {by_key[key].body}", q),
                )
                for key in keys
            }

        for key, (title_html, snippet) in cached_many(self.request, list(by_key), compute).items():
            by_key[key].title_html, by_key[key].snippet = title_html, snippet

    def older_url(self, paginator, page):
        """On the last page of a capped list: the same list up to the day of its last
        story, so a reader goes on into the archive (that day's stories may show twice,
        none is skipped)."""
        items = list(page.object_list) if page else []
        if not (paginator.capped and items and not page.has_next()):
            return ""
        day = timezone.localdate(items[-1].published_at)
        if self.request.GET.get("date_to") == day.isoformat():
            day -= dt.timedelta(days=1)  # a whole page of one day: step past it
        query = self.request.GET.copy()
        query.pop("page", None)
        query["date_to"] = day.isoformat()
        return f"?{query.urlencode()}"


class ArticleDetailView(PublishableDetailMixin, DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"
    not_found_message = _("No story found.")

    def get_object(self, queryset=None):
        article = get_object_or_404(
            # Not the imported original or its warnings: long, and never shown here.
            Article.objects.select_related("place", "event", "editor").defer(
                "original_text", "import_flags"
            ),
            pk=self.kwargs["pk"],
        )
        return self.check_visible(article)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.kwargs.get("slug") != self.object.slug:
            url = self.object.get_absolute_url()
            if request.GET:
                url = f"{url}?{request.GET.urlencode()}"
            return redirect(url, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def kept_candidates(self, sources):
        """Related stories' candidates of each topic and place, kept under the content
        version: every story sharing the topic or place reads the same ones."""
        return cached_many(
            self.request,
            [("related-candidates", *source) for source in sources],
            lambda missing: {
                ("related-candidates", *source): pks
                for source, pks in pks_by_source(sources, [key[1:] for key in missing]).items()
            },
        )

    def surroundings(self, article):
        """The story's topics, organisations, related stories, previous and next story and
        its place's trail, kept under the content version (one cache request): they
        change only with a change or a scheduled publication, and finding them is most
        of the page's queries."""

        def compute():
            published = Article.objects.published()
            # The outer bound on published_at alone lets the database start reading the
            # date index at this story instead of at the newest one.
            at = article.published_at
            newer = Q(published_at__gte=at) & (
                Q(published_at__gt=at) | Q(published_at=at, pk__gt=article.pk)
            )
            older = Q(published_at__lte=at) & (
                Q(published_at__lt=at) | Q(published_at=at, pk__lt=article.pk)
            )
            topics = list(article.topics.all())
            related = Article.objects.related_to(article, topics, keep=self.kept_candidates)
            return {
                "topics": topics,
                "organisations": list(article.organisations.all()),
                "related": list(related.for_list()),
                "previous_article": published.filter(older)
                .newest_first()
                .only("pk", "slug", "title")
                .first(),
                "next_article": published.filter(newer)
                .order_by("published_at", "pk")
                .only("pk", "slug", "title")
                .first(),
            }

        # The trail is shared by every story of the place (``place_trail``).
        computes = {("story-page", article.pk): compute, **trail_computes(article.place)}
        kept = cached_each(self.request, computes)
        return {**kept["story-page", article.pk], "place_trail": trail_of(kept, article.place)}

    def get_context_data(self, **kwargs):
        article = self.object
        return super().get_context_data(
            **self.surroundings(article),
            # Readers are counted by a beacon from the page (articles/readcounts.py), so
            # that cached pages count too and robots, which run no script, do not.
            read_url=reverse("articles:article-read", args=[article.pk])
            if article.is_published and not self.request.user.is_authenticated
            else "",
            meta=page_meta(
                self.request,
                article.title,
                article.summary or article.get_body_excerpt(60, truncate="…"),
                image=images.og_image(article),
                og_type="article",
                noindex=self.is_preview,
            ),
            **kwargs,
        )


@csrf_exempt
@require_POST
def read_beacon(request, pk):
    """A reader saw story ``pk`` (sent by static/js/read.js): counted, nothing returned."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES and not readcounts.is_robot(
        request.headers.get("User-Agent", "")
    ):
        readcounts.count_read(pk)
    return HttpResponse(status=204)
