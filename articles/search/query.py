"""Searching: stories matching a query's terms, ranked, paginated and counted cheaply."""

import functools

from django.db import connection
from django.db.models import BooleanField, F, Q, TextField
from django.db.models.expressions import Col, Expression, RawSQL
from django.db.models.query import ModelIterable

from .tokens import Term, parse_query

#: Counts above this are shown as "more than".
COUNT_CAP = 1000


def _pg_term(term: Term, weight: str = "") -> str:
    suffix = ":*" if term.prefix else ""
    if weight:
        suffix = f":*{weight}" if term.prefix else f":{weight}"
    quoted = [
        "'" + part.replace("\\", "\\\\").replace("'", "''") + "'" + suffix for part in term.parts
    ]
    return "(" + " <-> ".join(quoted) + ")"


def pg_tsquery(terms: list[Term], weight: str = "") -> str:
    return " & ".join(_pg_term(term, weight) for term in terms)


def fts5_query(terms: list[Term], column: str = "") -> str:
    prefix = f"{column}: " if column else ""
    parts = []
    for term in terms:
        phrase = '"' + " ".join(term.parts) + '"'
        parts.append(prefix + phrase + ("*" if term.prefix else ""))
    return " AND ".join(parts)


class _VectorColumn(Expression):
    """A tsvector column (``search_vector``, ``title_vector``) of the query's stories table.

    Resolved to a Col of the query's base alias, so it is relabelled like any column
    when the queryset becomes a subquery (``pk__in=qs.values("pk")`` names the table
    U0 there; a hard-coded ``articles_article.search_vector`` would then fail).
    """

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def resolve_expression(self, query=None, *args, **kwargs):
        column = TextField()
        column.set_attributes_from_name(self.name)
        return Col(query.get_initial_alias(), column)


class _Matches(Expression):
    """``<vector column> @@ '…'::tsquery`` as a boolean expression."""

    output_field = BooleanField()

    def __init__(self, tsquery: str, vector):
        super().__init__()
        self.tsquery = tsquery
        self.vector = vector

    def get_source_expressions(self):
        return [self.vector]

    def set_source_expressions(self, exprs):
        (self.vector,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.vector)
        return f"{sql} @@ %s::tsquery", [*params, self.tsquery]


def search(queryset, q: str):
    """``queryset`` narrowed to stories matching every term of ``q``.

    Title hits come first, then newer before older; a slice of the result (a page)
    never sorts every match by title hit (see _RankedSlices). Returns the queryset
    unchanged when ``q`` has nothing to search for (only punctuation, say).
    """
    terms = parse_query(q)
    if not terms:
        return queryset
    if connection.vendor == "postgresql":
        tsquery = pg_tsquery(terms)
        title_hit = _Matches(tsquery, _VectorColumn("title_vector"))
        # A title hit always matches the whole story too (same tokens at the same
        # positions), so "title_vector @@ q OR search_vector @@ q" finds the same stories;
        # tested first, the small title_vector spares title hits reading the large
        # search_vector (~15 µs a story), which the title-hit stream would otherwise do
        # for every one of them.
        queryset = queryset.filter(
            Q(title_hit) | Q(_Matches(tsquery, _VectorColumn("search_vector")))
        )
    else:
        ids = RawSQL(
            "SELECT rowid FROM articles_search WHERE articles_search MATCH %s",
            [fts5_query(terms)],
        )
        title_ids = RawSQL(
            "SELECT rowid FROM articles_search WHERE articles_search MATCH %s",
            [fts5_query(terms, "title")],
        )
        queryset = queryset.filter(pk__in=ids)
        title_hit = Q(pk__in=title_ids)
    queryset = queryset.alias(title_hit=title_hit).order_by(*RANKED_ORDER)
    queryset.__class__ = _ranked_class(type(queryset))
    return queryset


#: The order of search results: title hits first, then newer before older.
RANKED_ORDER = ("-title_hit", "-published_at", "-pk")


class _RankedSlices:
    """Fetch a slice of ranked results without sorting every match by title hit.

    Ordered by ``title_hit`` first, PostgreSQL has to test and sort every match before it
    can return the first page (about a second for a word in 40% of 100,000 stories). So:

    - When capped_count has just counted the queryset a slice is cut from (the paginator
      does) and found no more than its cap, it kept each match's (pk, published_at,
      title_hit): the slice is cut from those, ranked in Python, and only its rows are
      fetched, by pk. A phrase in ~1% of stories is then rechecked once per request, not
      twice, and newest-first queries never walk the date index past a rare word that
      PostgreSQL overestimated.
    - Otherwise (many matches, or nothing counted) the slice is two newest-first queries,
      title hits then the rest: PostgreSQL walks the date index and stops after a page,
      and the title_vector GIN index finds the title hits.

    Either way the rows and their order are those of ORDER BY RANKED_ORDER.
    """

    #: The pks of every match in ranked order, from capped_count on the queryset this
    #: slice was cut from, when it found no more than its cap.
    _ranked_pks = None

    def __getitem__(self, k):
        result = super().__getitem__(k)
        if isinstance(k, slice) and isinstance(result, _RankedSlices):
            result._ranked_pks = self._ranked_pks
        return result

    def _fetch_all(self):
        if self._result_cache is None and self._is_ranked_slice():
            if self._ranked_pks is not None and self._iterable_class is ModelIterable:
                self._result_cache = self._fetch_counted_slice()
            else:
                self._result_cache = self._fetch_ranked_slice()
        super()._fetch_all()  # prefetch_related, once for the whole slice

    def _is_ranked_slice(self):
        query = self.query
        return (
            query.is_sliced
            and tuple(query.order_by) == RANKED_ORDER
            and "title_hit" in query.annotations
            and not query.combinator
            and not query.distinct
        )

    def _base(self):
        base = self._chain()
        base.query.clear_limits()
        return base.prefetch_related(None)

    def _fetch_counted_slice(self):
        pks = self._ranked_pks[self.query.low_mark : self.query.high_mark]
        if not pks:
            return []
        by_pk = {row.pk: row for row in self._base().order_by().filter(pk__in=pks)}
        return [by_pk[pk] for pk in pks]

    def _fetch_ranked_slice(self):
        low, high = self.query.low_mark, self.query.high_mark
        base = self._base()
        newest = RANKED_ORDER[1:]
        titles_qs = base.filter(title_hit=True).order_by(*newest)
        titles = list(titles_qs[low:high])
        if high is not None and len(titles) == high - low:
            return titles
        if titles or not low:
            title_count = low + len(titles)
        else:  # the slice starts after the last title hit: count them (fewer than low)
            title_count = titles_qs.order_by()[:low].count()
        others_qs = base.filter(title_hit=False).order_by(*newest)
        start = low - title_count if low > title_count else 0
        stop = None if high is None else high - title_count
        return titles + list(others_qs[start:stop])


@functools.cache
def _ranked_class(queryset_class):
    if issubclass(queryset_class, _RankedSlices):
        return queryset_class
    return type(f"Ranked{queryset_class.__name__}", (_RankedSlices, queryset_class), {})


def capped_count(queryset, cap=None) -> int:
    """The number of rows, counting no further than ``cap + 1`` (default COUNT_CAP).

    For search results it reads the matches' (pk, published_at, title_hit) rather than
    counting them, which costs the same, and when there are no more than ``cap`` keeps
    their ranked pks for the page the paginator cuts from ``queryset`` next.
    """
    cap = COUNT_CAP if cap is None else cap
    if not isinstance(queryset, _RankedSlices):
        return queryset.order_by().values("pk")[: cap + 1].count()
    rows = list(
        queryset.prefetch_related(None)
        .annotate(_title_hit=F("title_hit"))
        .order_by()
        .values_list("pk", "published_at", "_title_hit")[: cap + 1]
    )
    if len(rows) <= cap:
        # RANKED_ORDER: title hits first, then newer, then higher pk (published_at is
        # never NULL).
        rows.sort(key=lambda row: (bool(row[2]), row[1], row[0]), reverse=True)
        queryset._ranked_pks = [pk for pk, _published_at, _title_hit in rows]
    return len(rows)
