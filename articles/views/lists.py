"""What every reader page shares: page meta, staff previews, pagination, filtered lists."""

from django.conf import settings
from django.core.exceptions import BadRequest, DisallowedHost
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext, gettext_lazy

from .. import roles, search
from ..models import Article
from .kept import cached, cached_each, prefetch

#: Longer page numbers are not pages; they are refused before any query.
MAX_PAGE_NUMBER_LENGTH = 6


def absolute_url(request, path):
    """``path`` on this site: on SITE_URL when it is set, else on the request's host.

    A request whose Host header is not allowed gets the path alone: the page saying so
    (a 400) must render without touching that host again.
    """
    if settings.SITE_URL:
        return settings.SITE_URL + path
    try:
        return request.build_absolute_uri(path)
    except DisallowedHost:
        return path


def page_meta(request, title, description="", *, image=None, og_type="website", noindex=False):
    """Title, description and OpenGraph data for base.html."""
    return {
        "title": title,
        "description": " ".join(description.split())[:160],
        "image": absolute_url(request, image) if image else None,
        "og_type": og_type,
        "noindex": noindex,
    }


# --- Staff previews of drafts and scheduled items -------------------------------------------


def place_trail(request, place):
    """``place.trail()`` for breadcrumbs, kept under the content version: every story,
    event and organisation of the place shares it. [] without a place."""
    return trail_of(cached_each(request, trail_computes(place)), place)


def trail_computes(place):
    """``{key: compute}`` of ``place_trail``, to read it with a page's other kept values
    in one ``cached_each``; ``trail_of(kept, place)`` then gives the trail."""
    return {} if place is None else {("place-trail", place.pk): place.trail}


def trail_of(kept, place):
    return [] if place is None else kept["place-trail", place.pk]


def can_preview(user, obj):
    """Staff who may view ``obj`` in the admin also see it on the site before it is out;
    a contributor only the stories they wrote (articles/roles.py)."""
    opts = obj._meta
    if not (user.is_active and user.is_staff):
        return False
    if isinstance(obj, Article):
        return roles.can_view_story(user, obj)
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


class PublishableDetailMixin:
    """A detail page of a story or event: readers see it once published; staff who may view
    it in the admin see it before, as a preview that is never cached and never indexed."""

    #: The 404 message for readers when the item is not published (yet).
    not_found_message = gettext_lazy("Not found.")

    def check_visible(self, obj):
        if not obj.is_published and not can_preview(self.request.user, obj):
            raise Http404(self.not_found_message)
        return obj

    @property
    def is_preview(self):
        return not self.object.is_published

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=self.is_preview, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.is_preview:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response


# --- Pagination ------------------------------------------------------------------------------


class CappedPaginator(Paginator):
    """Pages through the first COUNT_CAP rows at most, and counts no further.

    Exact totals and deep offsets of a 100,000-story archive cost work that grows with
    it; "more than 1,000 stories" is what a reader needs, and older stories are one
    date filter away (the last page links to them). With a ``request`` and a
    ``cache_key`` the count (and a search's ranked matches) is kept in the cache under
    the content version. Kept page ids are read again from ``rows`` (default: the list
    itself): the ids are the list's already, and a plain queryset spares the database
    and Django the filters' joins.
    """

    def __init__(
        self,
        object_list,
        per_page,
        *,
        request=None,
        cache_key=None,
        page_key=None,
        rows=None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.request, self.cache_key, self.page_key = request, cache_key, page_key
        self.rows = rows

    def page(self, number):
        """The page, its rows found again by their ids when a request for the same list,
        order and page made since the last change kept them: finding them can cost an
        intersection of large sets (three filters, a word in 1% of stories)."""
        if self.request is None or self.page_key is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        fetched = []

        def compute():
            fetched.extend(self.object_list[bottom:top])
            return [row.pk for row in fetched]

        key = self.page_cache_key(self.page_key, number, self.per_page)
        ids = cached(self.request, key, compute)
        if not fetched and ids:
            rows = self.object_list if self.rows is None else self.rows
            again = rows.order_by().filter(pk__in=ids)
            by_pk = {row.pk: row for row in again}
            fetched = [by_pk[pk] for pk in ids if pk in by_pk]
        return self._get_page(fetched, number, self)

    @staticmethod
    def page_cache_key(page_key, number, per_page):
        """The key page ``number``'s ids are kept under (to ``prefetch`` them)."""
        return (*page_key, number, per_page)

    @cached_property
    def _capped_count(self):
        def compute():
            n = search.capped_count(self.object_list, search.COUNT_CAP)
            return n, getattr(self.object_list, "_ranked_pks", None)

        if self.request is None or self.cache_key is None:
            n, ranked = compute()
        else:
            n, ranked = cached(self.request, self.cache_key, compute)
        if ranked is not None:
            self.object_list._ranked_pks = ranked
        return n

    @cached_property
    def count(self):
        return min(self._capped_count, search.COUNT_CAP)

    @cached_property
    def capped(self):
        return self._capped_count > search.COUNT_CAP


def page_number(request):
    """The page number asked for (1 when none); one that is not a number is a 400."""
    raw = request.GET.get("page") or "1"
    # isdigit() alone accepts "²", which int() refuses.
    if len(raw) > MAX_PAGE_NUMBER_LENGTH or not (raw.isascii() and raw.isdigit()):
        raise BadRequest(gettext("“%(page)s” is not a page number.") % {"page": raw[:20]})
    return int(raw)


def paginate(request, paginator):
    """The requested page; a page number that is not a page is a 400 with a message."""
    raw = page_number(request)
    try:
        return paginator.page(raw)
    except InvalidPage:
        if getattr(paginator, "capped", False):
            raise BadRequest(
                gettext(
                    "Lists go back %(pages)d pages (the newest %(n)s stories). "
                    "For older stories, choose a date under “To”."
                )
                % {"pages": paginator.num_pages, "n": f"{search.COUNT_CAP:,}"}
            ) from None
        raise BadRequest(
            gettext("There is no page %(page)s: the list has %(pages)d page(s).")
            % {"page": raw, "pages": paginator.num_pages}
        ) from None


class PaginatedListMixin:
    """ListView pagination whose bad page numbers are a 400 with a message, not a 404."""

    def paginate_queryset(self, queryset, page_size):
        page = paginate(self.request, self.get_paginator(queryset, page_size))
        return page.paginator, page, page.object_list, page.has_other_pages()


# --- Filtered lists --------------------------------------------------------------------------


class FilteredListMixin(PaginatedListMixin):
    """A list narrowed by a FilterSet, with facet counts; invalid filters are a 400 page.

    Subclasses set ``filterset_class``, define ``base_queryset()`` (what readers may see)
    and ``facets()`` (a list of ``Facet``, see facets.py), and describe the page with
    ``meta_title`` and ``meta_description``.
    """

    filterset_class = None
    meta_title = ""
    meta_description = ""

    def base_queryset(self):
        raise NotImplementedError

    def facets(self):
        return []

    def kept_keys(self):
        """Keys of the kept values the page will read (``prefetch``): read at once."""
        return []

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
        prefetch(request, self.kept_keys())
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if self.filterset.is_bound:
            return self.filterset.qs
        return self.filterset.queryset

    def get_meta_title(self):
        return self.meta_title

    def get_context_data(self, **kwargs):
        filter_errors = bool(kwargs.get("filter_errors"))
        return super().get_context_data(
            filterset=self.filterset,
            facets=[] if filter_errors else self.facets(),
            meta=page_meta(
                self.request,
                self.get_meta_title(),
                str(self.meta_description),
                noindex=filter_errors,
            ),
            **kwargs,
        )
