"""Chinese-aware full-text search over stories.

PostgreSQL has no Chinese parser and pg_trgm cannot index two-character queries,
so text is cut into overlapping CJK bigrams plus Latin words and numbers (after
NFKC, lower-casing and traditional-to-simplified), and those tokens are indexed:

- PostgreSQL: a ``tsvector`` column of the whole story (``simple`` configuration, GIN
  index) written from Python with explicit positions, title tokens with weight A, and
  a small ``title_vector`` of the title alone with its own GIN index, for title hits
  (testing them in the large vector reads all of it; see migration 0005).
- SQLite: an FTS5 table with the ``unicode61`` tokenizer over the same tokens,
  one column for the title and one for the rest.

A query goes through the same tokenizer and must match as a phrase, so a
traditional query finds simplified stories and ``宇瞳镜头`` finds exactly the
stories containing that string. Every character starts a token (the last
character of a run is indexed on its own), so one-character queries are prefix
matches. See design.md §4 for the measurements behind these choices.

The columns are not Django fields: they exist only in the database (migrations
0003 and 0005), so ordinary story queries never load them.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass
from html import unescape

from django.db import connection
from django.db.models import BooleanField, F, Q, TextField
from django.db.models.expressions import Col, Expression, RawSQL
from django.db.models.query import ModelIterable
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from .text import to_simplified

#: Han characters (CJK unified ideographs, extension A, compatibility) form runs of bigrams.
_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_HAN}]+|[a-z]+|[0-9]+")
_IS_HAN = re.compile(rf"[{_HAN}]")

#: PostgreSQL clamps tsvector positions here; later tokens share the last position.
MAX_POSITION = 16383
#: At most this many words of a query are used; more would only slow the query.
MAX_QUERY_TERMS = 8
#: Counts above this are shown as "more than".
COUNT_CAP = 1000


def normalise(text: str) -> str:
    """NFKC, lower case, simplified characters: the form both index and queries use."""
    return to_simplified(unicodedata.normalize("NFKC", text or "")).lower()


def runs(text: str) -> list[str]:
    """Runs of Han characters and of Latin letters/digits, in order, normalised."""
    return _RUN.findall(normalise(text))


def run_tokens(run: str) -> list[str]:
    """Index tokens of one run: overlapping bigrams plus the final character for Han."""
    if not _IS_HAN.match(run):
        return [run]
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def tokens(text: str) -> list[str]:
    """All index tokens of ``text`` in order (positions are their index + 1)."""
    return [token for run in runs(text) for token in run_tokens(run)]


@dataclass(frozen=True)
class Term:
    """One run of a query: a phrase of bigrams, a one-character prefix, or a word."""

    parts: tuple[str, ...]
    prefix: bool = False


def parse_query(q: str) -> list[Term]:
    """Terms that must all match. Separate words (and Han/Latin runs) are ANDed."""
    terms = []
    for word in (q or "").split()[:MAX_QUERY_TERMS]:
        for run in runs(word):
            if _IS_HAN.match(run):
                if len(run) == 1:
                    terms.append(Term((run,), prefix=True))
                else:
                    terms.append(Term(tuple(run[i : i + 2] for i in range(len(run) - 1))))
            else:
                # Latin words and numbers match whole index words or their beginning,
                # so "opti" finds "optics" and "2025" finds "2025".
                terms.append(Term((run,), prefix=True))
    # The same term twice adds nothing.
    return list(dict.fromkeys(terms))


# --- Writing the index ------------------------------------------------------------------------


def _tsvector_literals(title: str, rest: str) -> tuple[str, str]:
    """``search_vector`` and ``title_vector`` in PostgreSQL's tsvector input syntax.

    The first is the whole story with explicit positions, title tokens weighing A and the
    rest D; the second the title tokens alone at the same positions (a title phrase
    matches in both or in neither).
    """
    positions: dict[tuple[str, str], list[int]] = {}
    position = 0
    for weight, text in (("A", title), ("D", rest)):
        for token in tokens(text):
            position = min(position + 1, MAX_POSITION)
            positions.setdefault((token, weight), []).append(position)
        position = min(position + 1, MAX_POSITION)  # no phrase spans title and body
    everything, in_title = [], []
    for (token, weight), where in positions.items():
        lexeme = token.replace("\\", "\\\\").replace("'", "''")
        part = f"'{lexeme}':" + ",".join(f"{p}{weight}" for p in where[:256])
        everything.append(part)
        if weight == "A":
            in_title.append(part)
    return " ".join(everything), " ".join(in_title)


def document_text(article) -> tuple[str, str]:
    """What is searchable of a story: its title, and its summary and body text."""
    # The body is HTML: its entities (&amp; &nbsp; &lt;) are text, not the words amp, nbsp, lt.
    return article.title, f"{article.summary}\n{unescape(strip_tags(article.body or ''))}"


def index_article(article) -> None:
    """Write one story's tokens to the search index (called from Article.save)."""
    title, rest = document_text(article)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE articles_article SET search_vector = %s::tsvector,"
                " title_vector = %s::tsvector WHERE id = %s",
                [*_tsvector_literals(title, rest), article.pk],
            )
        elif connection.vendor == "sqlite":
            cursor.execute("DELETE FROM articles_search WHERE rowid = %s", [article.pk])
            cursor.execute(
                "INSERT INTO articles_search (rowid, title, body) VALUES (%s, %s, %s)",
                [article.pk, " ".join(tokens(title)), " ".join(tokens(rest))],
            )


def unindex_article(pk) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM articles_search WHERE rowid = %s", [pk])


def rebuild_index(queryset, *, batch_size=500) -> int:
    """Re-index every story of ``queryset``; returns how many."""
    n = 0
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM articles_search")
    for article in queryset.only("pk", "title", "summary", "body").iterator(batch_size):
        index_article(article)
        n += 1
    return n


# --- Querying ----------------------------------------------------------------------------------


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
        queryset._ranked_pks = [pk for pk, _, _ in rows]
    return len(rows)


# --- Snippets ------------------------------------------------------------------------------------


def _normalised_chars(text: str) -> str:
    # Character by character, so positions in the result are positions in ``text``.
    return "".join((normalise(ch) or " ")[:1] for ch in text)


def highlight(text: str, q: str, *, width: int = 120) -> str:
    """An HTML-safe snippet of ``text`` around the first match, matches in <mark>."""
    text = " ".join(unescape(strip_tags(text or "")).split())
    needles = sorted(
        {"".join(run) for word in (q or "").split()[:MAX_QUERY_TERMS] for run in runs(word)},
        key=len,
        reverse=True,
    )
    folded = _normalised_chars(text)
    spans = []
    for needle in needles:
        start = folded.find(needle)
        while start != -1:
            end = start + len(needle)
            if not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
            start = folded.find(needle, end)
    spans.sort()
    if spans:
        first = spans[0][0]
        window_start = max(0, first - width // 3)
    else:
        window_start = 0
    window_end = min(len(text), window_start + width)
    out = ["…" if window_start else ""]
    cursor = window_start
    for start, end in spans:
        if end <= window_start or start >= window_end:
            continue
        start, end = max(start, window_start), min(end, window_end)
        out.append(escape(text[cursor:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    out.append(escape(text[cursor:window_end]))
    if window_end < len(text):
        out.append("…")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text is escaped above
