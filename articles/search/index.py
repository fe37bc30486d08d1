"""Writing the search index: a story's tokens into its vectors (PostgreSQL) or FTS5 row (SQLite).

The vector columns and the FTS5 table are not Django fields; migrations 0003 and 0005 make
them. On PostgreSQL the vectors are columns of the story's own row, so a deleted story
takes them along; on SQLite ``unindex_article`` removes its FTS5 row.
"""

from html import unescape

from django.db import connection
from django.utils.html import strip_tags

from .tokens import tokens

#: PostgreSQL clamps tsvector positions here; later tokens share the last position.
MAX_POSITION = 16383


def tsvector_literals(title: str, rest: str) -> tuple[str, str]:
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
                [*tsvector_literals(title, rest), article.pk],
            )
        elif connection.vendor == "sqlite":
            cursor.execute("DELETE FROM articles_search WHERE rowid = %s", [article.pk])
            cursor.execute(
                "INSERT INTO articles_search (rowid, title, body) VALUES (%s, %s, %s)",
                [article.pk, " ".join(tokens(title)), " ".join(tokens(rest))],
            )


def unindex_article(pk) -> None:
    """Remove a deleted story from the index (called when a story is deleted)."""
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
