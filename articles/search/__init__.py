"""Chinese-aware full-text search over stories (docs/search.md).

PostgreSQL has no Chinese parser and pg_trgm cannot index two-character queries, so text
is cut into overlapping CJK bigrams plus Latin words and numbers (``tokens``), and those
tokens are indexed (``index``):

- PostgreSQL: a ``tsvector`` column of the whole story (``simple`` configuration, GIN
  index) written from Python with explicit positions, title tokens with weight A, and a
  small ``title_vector`` of the title alone with its own GIN index, for title hits.
- SQLite: an FTS5 table with the ``unicode61`` tokenizer over the same tokens, one column
  for the title and one for the rest.

A query goes through the same tokenizer and must match as a phrase (``query``), so a
traditional query finds simplified stories and ``宇瞳镜头`` finds exactly the stories
containing that string. ``snippets`` highlights the matches in a result.
"""

from .index import document_text, index_article, rebuild_index, tsvector_literals, unindex_article
from .query import COUNT_CAP, RANKED_ORDER, capped_count, fts5_query, pg_tsquery, search
from .snippets import highlight
from .tokens import MAX_QUERY_TERMS, Term, normalise, parse_query, run_tokens, runs, tokens

__all__ = [
    "COUNT_CAP",
    "MAX_QUERY_TERMS",
    "RANKED_ORDER",
    "Term",
    "capped_count",
    "document_text",
    "fts5_query",
    "highlight",
    "index_article",
    "normalise",
    "parse_query",
    "pg_tsquery",
    "rebuild_index",
    "run_tokens",
    "runs",
    "search",
    "tokens",
    "tsvector_literals",
    "unindex_article",
]
