"""Drop the SQLite search rows of stories deleted before stories unindexed themselves.

On PostgreSQL the vectors are columns of the story's own row and went with it. On SQLite
the FTS5 table ``articles_search`` is separate; from now on ``Article``'s post_delete
receiver removes a story's row (articles/models/stories.py).
"""

from django.db import migrations


def drop_orphans(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "DELETE FROM articles_search WHERE rowid NOT IN (SELECT id FROM articles_article)"
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0006_source_credits")]

    operations = [migrations.RunPython(drop_orphans, migrations.RunPython.noop)]
