"""Facet counts: for each choice of a filter, how many rows of the list it leads to.

Built one way: ``grouped_counts`` (``related_counts`` for topics and organisations) is one
grouped query over the rows a facet counts (the list with every other active filter
applied, so each facet ignores its own filter and a reader sees what each choice gives),
kept in the cache under the content version and the filters it depends on
(``articles.views.kept.cached``),
so a count is recomputed only after a change, past a scheduled publication, or for filters
nobody asked for before. Every facet is a ``Facet`` of ``FacetOption``s and every list
renders them with the ``facets`` template tag (articles/templatetags/portal.py). See
docs/caching.md.

Names are listed in pinyin order (docs/ordering.md): places in tree order with each
place's sub-places by pinyin (``in_tree_order``); a facet of topics or organisations takes
the choices that lead to most rows, then lists them by pinyin; events stay newest first.

A text search matching more than ``COUNT_CAP`` stories is the exception: counting every
match of a common word costs too much even once, so its facets list the choices found
among the first ``COUNT_CAP`` matches, without numbers. A facet never shows a number
that its link would not give.
"""

from dataclasses import dataclass, field
from urllib.parse import quote_plus, urlencode

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, F

from ..models import Article, Event
from ..search import COUNT_CAP
from .kept import cached


@dataclass
class FacetOption:
    #: the value in the query string (a slug, a kind)
    value: str
    label: str
    #: None when the rows were too many to count (a text search for a common word)
    count: int | None
    #: indentation in the place tree
    depth: int = 0
    #: the list's address with this choice applied, or removed when it is selected
    href: str = ""


@dataclass
class Facet:
    #: the query-string parameter the facet sets
    name: str
    title: str
    options: list[FacetOption] = field(default_factory=list)
    #: the value of the active filter, "" when there is none
    selected: str = ""
    #: False when the options come from the first COUNT_CAP matches only, uncounted
    counted: bool = True
    #: how many matches an uncounted facet looked at
    cap = COUNT_CAP

    def link(self, request):
        """Give every option its address: the current query with this facet changed,
        back on the first page. Returns the facet."""
        others = urlencode(
            [
                (key, value)
                for key, values in request.GET.lists()
                if key not in ("page", self.name)
                for value in values
            ]
        )
        unselect = f"?{others}" if others else request.path
        # urlencode's own quoting, written out: a list may have a hundred options.
        prefix = f"?{others}&{quote_plus(self.name)}=" if others else f"?{quote_plus(self.name)}="
        for option in self.options:
            if option.value == self.selected:
                option.href = unselect
            else:
                option.href = prefix + quote_plus(str(option.value))
        return self


def grouped_counts(rows, *fields, order=(), limit=None):
    """``(*values, n)`` for each combination of ``fields`` among ``rows``: one query.

    Each row of ``rows`` is one story (or event, or organisation), and each story is
    linked to a value at most once, so ``n`` is the number of distinct rows: a story with
    two organisations counts once for each. Combinations whose first value is empty (a
    story with no topic) are left out.
    """
    query = rows.order_by().values_list(*fields).annotate(n=Count("pk"))
    if order:
        query = query.order_by(*order)
    if limit:
        query = query[:limit]
    return [tuple(row) for row in query if row[0] not in (None, "")]


def related_counts(rows, relation, *fields, limit=None):
    """``(*fields, n)`` for the ``limit`` objects related to ``rows`` through ``relation``
    (``topics``, ``organisations``: a model with a ``sort_key``) that most rows are linked
    to (the first added when counts tie), in pinyin order: one query.

    The rows are counted by the link table's column, which needs no join to the related
    table for every row; only the objects counted are joined to it, for their fields, in
    the same statement (an ORM queryset cannot join a grouped subquery, hence the SQL).
    Measured at 100,000 stories, faster than grouping by the related fields themselves.
    """
    counted = (
        rows.order_by()
        .values(rid=F(f"{relation}__pk"))
        .annotate(n=Count("pk"))
        .filter(rid__isnull=False)
        .order_by("-n", "rid")
    )
    if limit:
        counted = counted[:limit]
    connection = connections[counted.db]
    try:
        sql, params = counted.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:  # rows that cannot match anything: a search that found nothing
        return []
    opts = rows.model._meta.get_field(relation).related_model._meta
    qn = connection.ops.quote_name

    def column(name):
        return f"r.{qn(opts.get_field(name).column)}"

    query = (
        f"SELECT {', '.join(column(name) for name in fields)}, t.{qn('n')} FROM ({sql}) t "
        f"INNER JOIN {qn(opts.db_table)} r ON {column(opts.pk.name)} = t.{qn('rid')} "
        f"ORDER BY {column('sort_key')}, {column(opts.pk.name)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return [tuple(row) for row in cursor.fetchall()]


def in_tree_order(places):
    """``places`` in tree order, each place's sub-places in pinyin order (by
    ``Place.sort_key``, the id when names tie): one sort in Python, no query. A place
    whose parent is not among ``places`` sorts among its siblings that are."""
    keys = {place.pk: (place.sort_key, place.pk) for place in places}

    def position(place):
        # Ancestors left out of the list still keep their subtrees together, by id.
        return [keys.get(pk, ("", pk)) for pk in (*place.ancestor_ids(), place.pk)]

    return sorted(places, key=position)


def place_counts(per_path, places):
    """Set ``place.n`` to the rows in each place or below it, from counts by
    materialised path (``grouped_counts(rows, "place__path")``); returns ``places``."""
    for place in places:
        place.n = sum(n for path, n in per_path.items() if path.startswith(place.path))
    return places


def published_place_counts(request, model_rows, name):
    """Counts by place path of every published row of a kind (stories, events), cached:
    the place tree, the front page's clusters and a place's sub-places share them."""
    return cached(request, *place_counts_entry(model_rows, name))


def place_counts_entry(model_rows, name):
    """(key, compute) of ``published_place_counts``, to read it with other kept values."""
    return ("place-paths", name), lambda: dict(grouped_counts(model_rows, "place__path"))


def topic_counts(request, limit=None):
    """The ``limit`` topics with most published stories (every topic with stories when
    None), in pinyin order: ``FacetOption``s with the topic's slug as value (the topic
    list, the front page)."""

    def compute():
        return related_counts(Article.objects.published(), "topics", "slug", "name", limit=limit)

    counts = cached(request, ("topics-pinyin", limit), compute)
    return [FacetOption(slug, name, n) for slug, name, n in counts]


class FacetCounter:
    """The facets of one list page, for its FilterSet (``FacetedFilterSet``)."""

    def __init__(self, request, filterset, *, list_name):
        self.request = request
        self.filterset = filterset
        self.list_name = list_name
        self.searching = bool(filterset.search_terms())

    def key(self, facet):
        """The key its counts are kept under (to ``prefetch`` them)."""
        return (self.list_name, facet, self.filterset.key_without(facet))

    def _cached(self, facet, compute):
        return cached(self.request, self.key(facet), compute)

    def _rows(self, name):
        """(rows to count, whether they are complete): the list without filter ``name``;
        for a text search, at most COUNT_CAP of its matches."""
        rows = self.filterset.qs_without(name)
        if not self.searching:
            return rows, True
        ids = list(rows.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])
        complete = len(ids) <= COUNT_CAP
        return rows.model.objects.filter(pk__in=ids[:COUNT_CAP]), complete

    def _counted(self, name, fields, **kwargs):
        def compute():
            rows, complete = self._rows(name)
            return grouped_counts(rows, *fields, **kwargs), complete

        return self._cached(name, compute)

    def _facet(self, name, title, options, complete):
        facet = Facet(name, title, options, self.filterset.selected(name), complete)
        return facet.link(self.request)

    def place(self, places, *, title):
        """Places (of the queryset ``places``) that lead to at least one row, in tree
        order with sub-places by pinyin, indented by depth; the places are read only when
        the counts are."""

        def compute():
            rows, complete = self._rows("place")
            per_path = dict(grouped_counts(rows, "place__path"))
            counted = in_tree_order(place_counts(per_path, list(places)))
            return [(p.slug, p.name, p.n, p.depth) for p in counted if p.n], complete

        counts, complete = self._cached("place", compute)
        options = [
            FacetOption(slug, name, n if complete else None, depth)
            for slug, name, n, depth in counts
        ]
        return self._facet("place", title, options, complete)

    def related(self, name, relation, *, title, label="name", limit):
        """Rows counted by a related object (``topics``, ``organisations``): its slug is
        the value, its ``label`` the text; the ``limit`` choices with most rows, listed in
        pinyin order."""

        def compute():
            rows, complete = self._rows(name)
            return related_counts(rows, relation, "slug", label, limit=limit), complete

        counts, complete = self._cached(name, compute)
        options = [FacetOption(value, label, n if complete else None) for value, label, n in counts]
        return self._facet(name, title, options, complete)

    def event(self, *, title, limit):
        """Published events the rows cover, newest first."""

        def compute():
            rows, complete = self._rows("event")
            rows = rows.filter(event__in=Event.objects.published().values("pk"))
            fields = ("event__slug", "event__title", "event__starts_on")
            counts = grouped_counts(rows, *fields, order=("-event__starts_on",), limit=limit)
            return counts, complete

        counts, complete = self._cached("event", compute)
        options = [
            FacetOption(value, label, n if complete else None) for value, label, _on, n in counts
        ]
        return self._facet("event", title, options, complete)

    def choice(self, name, choices, *, title):
        """Rows counted by a field with choices (an organisation's kind), in their order."""
        counts, complete = self._counted(name, (name,))
        counts, selected = dict(counts), self.filterset.selected(name)
        options = [
            FacetOption(value, label, counts.get(value, 0) if complete else None)
            for value, label in choices
            if counts.get(value) or value == selected
        ]
        return self._facet(name, title, options, complete)
