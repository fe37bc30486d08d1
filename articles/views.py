from django.core.exceptions import BadRequest
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.generic import DetailView, ListView, TemplateView

from . import search
from .filters import ArticleFilter, EventFilter, OrganisationFilter
from .middleware import SCRIPT_COOKIE, TRADITIONAL
from .models import (
    Article,
    Event,
    EventOrganiser,
    Organisation,
    OrganisationKind,
    OrganiserRole,
    Place,
    TaggedArticle,
    Topic,
)

MAX_PAGE_NUMBER_LENGTH = 6


def page_meta(request, title, description="", *, image=None, og_type="website", noindex=False):
    """Title, description and OpenGraph data for base.html."""
    return {
        "title": title,
        "description": " ".join(description.split())[:160],
        "image": request.build_absolute_uri(image) if image else None,
        "og_type": og_type,
        "noindex": noindex,
    }


# --- Shared reads ---------------------------------------------------------------------


def can_preview(user, model):
    """Staff who may view ``model`` in the admin also see its drafts on the site."""
    opts = model._meta
    return (
        user.is_active
        and user.is_staff
        and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
    )


def place_counts(queryset, places):
    """Set ``place.n`` to the number of rows of ``queryset`` in each place or below it.

    ``queryset`` is of any model with a ``place`` (stories, events, organisations). One
    grouped query, then sums over the materialised paths, so the cost does not depend
    on how deep the tree is.
    """
    rows = (
        queryset.order_by()
        .filter(place__isnull=False)
        .values("place__path")
        .annotate(n=Count("pk", distinct=True))
    )
    per_path = {row["place__path"]: row["n"] for row in rows}
    for place in places:
        place.n = sum(n for path, n in per_path.items() if path.startswith(place.path))
    return places


def topics_with_counts(article_qs):
    ids = article_qs.order_by().values("pk")
    return (
        Topic.objects.filter(tagged_articles__content_object__in=ids)
        .annotate(n=Count("tagged_articles__content_object", distinct=True))
        .order_by("-n", "name")
    )


class CappedPaginator(Paginator):
    """Counts no further than search.COUNT_CAP: exact totals of a common word cost too much."""

    @cached_property
    def _capped_count(self):
        # One count query per page, read by both properties below.
        return search.capped_count(self.object_list, search.COUNT_CAP)

    @cached_property
    def count(self):
        return min(self._capped_count, search.COUNT_CAP)

    @cached_property
    def capped(self):
        return self._capped_count > search.COUNT_CAP


def paginate(request, paginator):
    """The requested page; a page number that is not a page is a 400 with a message."""
    raw = request.GET.get("page") or "1"
    # isdigit() alone accepts "²", which int() refuses.
    if len(raw) > MAX_PAGE_NUMBER_LENGTH or not (raw.isascii() and raw.isdigit()):
        raise BadRequest(_("“%(page)s” is not a page number.") % {"page": raw[:20]})
    try:
        return paginator.page(int(raw))
    except InvalidPage:
        raise BadRequest(
            _("There is no page %(page)s: the list has %(pages)d page(s).")
            % {"page": raw, "pages": paginator.num_pages}
        ) from None


class PaginatedListMixin:
    """ListView pagination whose bad page numbers are a 400 with a message, not a 404."""

    def paginate_queryset(self, queryset, page_size):
        page = paginate(self.request, self.get_paginator(queryset, page_size))
        return page.paginator, page, page.object_list, page.has_other_pages()


class FilteredListMixin(PaginatedListMixin):
    """A list narrowed by a FilterSet; invalid filters render the page with a 400."""

    filterset_class = None

    def base_queryset(self):
        raise NotImplementedError

    def get_filterset(self):
        return self.filterset_class(
            self.request.GET or None, queryset=self.base_queryset(), request=self.request
        )

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset()
        if self.filterset.is_bound and not self.filterset.is_valid():
            self.object_list = self.filterset.queryset.none()
            context = self.get_context_data(filter_errors=True)
            return self.render_to_response(context, status=400)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if self.filterset.is_bound:
            return self.filterset.qs
        return self.filterset.queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(filterset=self.filterset, **kwargs)


# --- Front page -----------------------------------------------------------------------------


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
            topics=list(topics_with_counts(published)[:20]),
            meta=page_meta(self.request, ""),
            **kwargs,
        )


# --- Stories -------------------------------------------------------------------------------


class ArticleListView(FilteredListMixin, ListView):
    template_name = "articles/article_list.html"
    filterset_class = ArticleFilter
    paginate_by = 20
    context_object_name = "articles"

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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not kwargs.get("filter_errors"):
            context["facets"] = self.facets()
        q = self.query_text
        context["query"] = q
        context["query_is_empty"] = bool(q) and not search.parse_query(q)
        if q and not context["query_is_empty"]:
            for article in context["articles"]:
                article.title_html = search.highlight(article.title, q, width=200)
                article.snippet = search.highlight(f"{article.summary} {article.body}", q)
        context["hidden_params"] = [
            (name, self.request.GET[name][:100])
            for name in ("place", "topic", "organisation", "event", "sort")
            if self.request.GET.get(name)
        ]
        chips = "、".join(str(value) for _name, _label, value in self.filterset.active)
        title = _("News") + (f": {chips}" if chips else "")
        context["meta"] = page_meta(
            self.request,
            title,
            _(
                "The latest news of China's optics industry clusters, "
                "by place, topic, organisation and event."
            ),
            noindex=bool(kwargs.get("filter_errors")),
        )
        return context

    def facets(self):
        """Counts for each choice, with every other active filter applied."""
        without = self.filterset.qs_without
        places = place_counts(without("place"), list(Place.objects.all()))
        organisations = (
            Organisation.objects.filter(
                articles__in=without("organisation").order_by().values("pk")
            )
            .annotate(n=Count("articles", distinct=True))
            .order_by("-n", "name")[:25]
        )
        events = (
            Event.objects.published()
            .filter(articles__in=without("event").order_by().values("pk"))
            .annotate(n=Count("articles", distinct=True))
            .order_by("-starts_on")[:15]
        )
        return {
            "places": [p for p in places if p.n],
            "topics": list(topics_with_counts(without("topic"))[:30]),
            "organisations": list(organisations),
            "events": list(events),
        }


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        article = get_object_or_404(
            Article.objects.select_related("place", "event", "editor"), pk=self.kwargs["pk"]
        )
        if not article.is_published and not can_preview(self.request.user, Article):
            raise Http404(_("No story found."))
        return article

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.kwargs.get("slug") != self.object.slug:
            url = self.object.get_absolute_url()
            if request.GET:
                url = f"{url}?{request.GET.urlencode()}"
            return redirect(url, permanent=True)
        if self.object.is_published:
            Article.objects.filter(pk=self.object.pk).update(view_count=F("view_count") + 1)
        response = self.render_to_response(self.get_context_data(object=self.object))
        if not self.object.is_published:
            # A staff preview: never cached anywhere, never indexed.
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response

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
            is_preview=not article.is_published,
            meta=page_meta(
                self.request,
                article.title,
                article.summary or article.get_body_excerpt(60, truncate="…"),
                image=article.cover.url if article.cover else None,
                og_type="article",
                noindex=not article.is_published,
            ),
            **kwargs,
        )


# --- Places and topics ------------------------------------------------------------------------


class PlaceListView(TemplateView):
    template_name = "articles/place_list.html"

    def get_context_data(self, **kwargs):
        places = place_counts(Article.objects.published(), list(Place.objects.all()))
        return super().get_context_data(
            places=places,
            meta=page_meta(
                self.request,
                _("Places and industry clusters"),
                _(
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
            topics=list(topics_with_counts(articles)[:12]),
            meta=page_meta(
                self.request,
                place.name,
                place.description
                or _("News, events and organisations of the optics industry in %(place)s.")
                % {"place": place.name},
            ),
            **kwargs,
        )


class TopicListView(TemplateView):
    template_name = "articles/topic_list.html"

    def get_context_data(self, **kwargs):
        counts = dict(
            TaggedArticle.objects.filter(
                content_object__in=Article.objects.published().values("pk")
            )
            .values_list("tag")
            .annotate(n=Count("content_object", distinct=True))
        )
        topics = list(Topic.objects.all())
        for topic in topics:
            topic.n = counts.get(topic.pk, 0)
        return super().get_context_data(
            topics=topics,
            meta=page_meta(self.request, _("Topics"), _("Optics industry news by topic.")),
            **kwargs,
        )


class TopicDetailView(PaginatedListMixin, ListView):
    template_name = "articles/topic_detail.html"
    context_object_name = "articles"
    paginate_by = 20

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
                or _("Optics industry news on %(topic)s.") % {"topic": self.topic.name},
            ),
            **kwargs,
        )


# --- Organisations ------------------------------------------------------------------------------


class OrganisationListView(FilteredListMixin, ListView):
    template_name = "articles/organisation_list.html"
    filterset_class = OrganisationFilter
    paginate_by = 30
    context_object_name = "organisations"

    def base_queryset(self):
        return Organisation.objects.all()

    def get_queryset(self):
        return super().get_queryset().select_related("place").order_by("name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not kwargs.get("filter_errors"):
            by_kind = dict(
                self.filterset.qs_without("kind")
                .order_by()
                .values_list("kind")
                .annotate(n=Count("pk"))
            )
            places = place_counts(
                self.filterset.qs_without("place"), list(Place.objects.filter(depth__lte=1))
            )
            context["facets"] = {
                "kinds": [
                    (value, label, by_kind.get(value, 0))
                    for value, label in OrganisationKind.choices
                ],
                "places": [p for p in places if p.n],
            }
        context["meta"] = page_meta(
            self.request,
            _("Organisations"),
            _(
                "Companies, associations, universities, testing centres "
                "and parks of the optics industry."
            ),
            noindex=bool(kwargs.get("filter_errors")),
        )
        return context


class OrganisationDetailView(DetailView):
    template_name = "articles/organisation_detail.html"
    context_object_name = "organisation"
    queryset = Organisation.objects.select_related("place")

    def get_context_data(self, **kwargs):
        organisation = self.object
        roles = (
            EventOrganiser.objects.filter(
                organisation=organisation, event__in=Event.objects.published()
            )
            .select_related("event", "event__place")
            .order_by("-event__starts_on")
        )
        articles = Article.objects.published().mentioning(organisation)
        return super().get_context_data(
            article_count=articles.count(),
            articles=list(articles.newest_first().for_list()[:20]),
            event_roles=list(roles),
            place_trail=organisation.place.trail() if organisation.place else [],
            meta=page_meta(
                self.request,
                organisation.name,
                organisation.description
                or f"{organisation.name}: {organisation.get_kind_display()}",
                image=organisation.logo.url if organisation.logo else None,
            ),
            **kwargs,
        )


# --- Events --------------------------------------------------------------------------------------


class EventListView(FilteredListMixin, ListView):
    """Upcoming events first, soonest first; past events after them, paginated."""

    template_name = "articles/event_list.html"
    filterset_class = EventFilter
    paginate_by = 20
    context_object_name = "past_events"

    def base_queryset(self):
        return Event.objects.published()

    def get_queryset(self):
        return super().get_queryset().past().select_related("place")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not kwargs.get("filter_errors"):
            base = self.filterset.qs if self.filterset.is_bound else self.filterset.queryset
            context["upcoming_events"] = list(base.upcoming().select_related("place"))
            context["places"] = place_counts(
                self.filterset.queryset, list(Place.objects.filter(depth__lte=1))
            )
            context["places"] = [p for p in context["places"] if p.n]
        context["meta"] = page_meta(
            self.request,
            _("Events"),
            _("Conferences, trade fairs and forums of the optics industry, upcoming and past."),
            noindex=bool(kwargs.get("filter_errors")),
        )
        return context


class EventDetailView(DetailView):
    template_name = "articles/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        return Event.objects.select_related("place")

    def get_object(self, queryset=None):
        event = super().get_object(queryset)
        if not event.is_published and not can_preview(self.request.user, Event):
            raise Http404(_("No event found."))
        return event

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not self.object.is_published:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response

    def get_context_data(self, **kwargs):
        event = self.object
        roles = list(event.organiser_roles.select_related("organisation"))
        by_role = [
            (label, [r.organisation for r in roles if r.role == value])
            for value, label in OrganiserRole.choices
        ]
        return super().get_context_data(
            organisers_by_role=[(label, orgs) for label, orgs in by_role if orgs],
            articles=list(
                Article.objects.published().covering(event).newest_first().for_list()[:20]
            ),
            place_trail=event.place.trail() if event.place else [],
            is_preview=not event.is_published,
            today=timezone.localdate(),
            meta=page_meta(
                self.request,
                event.title,
                event.description or event.title,
                noindex=not event.is_published,
            ),
            **kwargs,
        )


# --- Robots and errors ---------------------------------------------------------------------


def set_script(request, script):
    """Remember the reader's choice of simplified or traditional characters."""
    if script not in ("hans", TRADITIONAL):
        raise Http404(_("No such script."))
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if script == TRADITIONAL:
        response.set_cookie(SCRIPT_COOKIE, TRADITIONAL, max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(SCRIPT_COOKIE, samesite="Lax")
    return response


@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /i18n/"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request):
    return redirect(static("favicon.svg"), permanent=True)


def bad_request(request, exception=None):
    message = (
        str(exception) if exception and str(exception) else _("The request was not understood.")
    )
    return render(request, "400.html", {"message": message}, status=400)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
