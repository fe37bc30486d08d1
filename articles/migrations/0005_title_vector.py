"""PostgreSQL: a small title-only tsvector with its own GIN index, for title hits.

Title hits used to be found through title tokens written a second time, marked ("^眼镜"),
in search_vector. Testing them there reads a story's whole ~10 KB vector (stored out of
line), about 15 µs a story; title_vector is a few hundred bytes stored in the row. This
moves the marked tokens of existing stories into title_vector (ts_filter keeps their
title positions, weight A), leaving search_vector the plain document. SQLite's FTS5 table
already has a title column: nothing to do there.

Going back drops the column; run ``manage.py rebuild_search_index`` afterwards so
search_vector has the marked title tokens that the older code looks for.
"""

from django.db import migrations

MARKED = "ARRAY(SELECT lexeme FROM unnest(search_vector) AS u WHERE left(lexeme, 1) = '^')"
POSTGRES_FORWARD = [
    "ALTER TABLE articles_article ADD COLUMN title_vector tsvector",
    # ^-marked lexemes carry exactly the title's tokens and positions: strip the mark.
    "UPDATE articles_article SET title_vector = (SELECT coalesce("
    "  string_agg(quote_literal(substr(lexeme, 2)) || ':' || ("
    "    SELECT string_agg(p::text || 'A', ',') FROM unnest(positions) AS p), ' '),"
    "  '')::tsvector"
    "  FROM unnest(search_vector) AS u WHERE left(lexeme, 1) = '^'),"
    f" search_vector = ts_delete(search_vector, {MARKED})"
    " WHERE search_vector IS NOT NULL",
    "CREATE INDEX article_title_vector_idx ON articles_article USING gin (title_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS article_title_vector_idx",
    "ALTER TABLE articles_article DROP COLUMN IF EXISTS title_vector",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_import_fields")]

    operations = [
        migrations.RunPython(
            run({"postgresql": POSTGRES_FORWARD}),
            run({"postgresql": POSTGRES_BACKWARD}),
        ),
    ]
