"""Stories: the filtered list (and search), and one story."""

from django.db.models import F, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from .. import search
from ..filters import ArticleFilter
from ..models import Article, Place
from .facets import place_facet, published_event_facet, related_facet
from .lists import CappedPaginator, FilteredListMixin, PublishableDetailMixin, page_meta

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
        return super().get_queryset().for_list()

    @property
    def query_text(self):
        if self.filterset.is_bound and self.filterset.is_valid():
            return self.filterset.form.cleaned_data.get("q") or ""
        return ""

    def get_paginator(self, queryset, per_page, **kwargs):
        # Exact totals of a common word cost too much; search results count up to a cap.
        if search.parse_query(self.query_text):
            return CappedPaginator(queryset, per_page, **kwargs)
        return super().get_paginator(queryset, per_page, **kwargs)

    def get_meta_title(self):
        chips = "、".join(str(value) for _name, _label, value in self.filterset.active)
        return gettext("News") + (f": {chips}" if chips else "")

    def facets(self):
        without, selected = self.filterset.qs_without, self.filterset.selected
        return [
            place_facet(
                without("place"),
                list(Place.objects.all()),
                title=_("Place"),
                selected=selected("place"),
            ),
            related_facet(
                "topic",
                without("topic"),
                "topics",
                title=_("Topic"),
                limit=30,
                selected=selected("topic"),
            ),
            related_facet(
                "organisation",
                without("organisation"),
                "organisations",
                title=_("Organisation"),
                limit=25,
                selected=selected("organisation"),
            ),
            published_event_facet(
                without("event"), title=_("Event"), limit=15, selected=selected("event")
            ),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.query_text
        context["query"] = q
        context["query_is_empty"] = bool(q) and not search.parse_query(q)
        if q and not context["query_is_empty"]:
            for article in context["articles"]:
                article.title_html = search.highlight(article.title, q, width=200)
                article.snippet = search.highlight(f"{article.summary} {article.body}", q)
        context["hidden_params"] = [
            (name, self.request.GET[name][:100])
            for name in KEPT_FILTERS
            if self.request.GET.get(name)
        ]
        return context


class ArticleDetailView(PublishableDetailMixin, DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"
    not_found_message = _("No story found.")

    def get_object(self, queryset=None):
        article = get_object_or_404(
            Article.objects.select_related("place", "event", "editor"), pk=self.kwargs["pk"]
        )
        return self.check_visible(article)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.kwargs.get("slug") != self.object.slug:
            url = self.object.get_absolute_url()
            if request.GET:
                url = f"{url}?{request.GET.urlencode()}"
            return redirect(url, permanent=True)
        if self.object.is_published:
            Article.objects.filter(pk=self.object.pk).update(view_count=F("view_count") + 1)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        article = self.object
        published = Article.objects.published()
        newer = Q(published_at__gt=article.published_at) | Q(
            published_at=article.published_at, pk__gt=article.pk
        )
        older = Q(published_at__lt=article.published_at) | Q(
            published_at=article.published_at, pk__lt=article.pk
        )
        return super().get_context_data(
            topics=list(article.topics.all()),
            organisations=list(article.organisations.all()),
            place_trail=article.place.trail() if article.place else [],
            related=list(Article.objects.related_to(article).select_related("place")),
            previous_article=published.filter(older)
            .newest_first()
            .only("pk", "slug", "title")
            .first(),
            next_article=published.filter(newer)
            .order_by("published_at", "pk")
            .only("pk", "slug", "title")
            .first(),
            meta=page_meta(
                self.request,
                article.title,
                article.summary or article.get_body_excerpt(60, truncate="…"),
                image=article.cover.url if article.cover else None,
                og_type="article",
                noindex=self.is_preview,
            ),
            **kwargs,
        )
