"""One story per imported text: a unique fingerprint (where there is one), enforced by the
database so that two imports of the same page at the same time cannot both save.

A database may already hold duplicates (imported concurrently before this): the oldest
story of each fingerprint keeps it, the later ones lose theirs (they stay as stories; an
editor can merge or delete them).
"""

from django.db import migrations, models
from django.db.models import Count, Q


def clear_later_duplicates(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    duplicated = (
        Article.objects.exclude(import_fingerprint="")
        .values("import_fingerprint")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("import_fingerprint", flat=True)
    )
    for fingerprint in list(duplicated):
        stories = Article.objects.filter(import_fingerprint=fingerprint).order_by(
            "created_at", "pk"
        )
        later = list(stories.values_list("pk", flat=True)[1:])
        Article.objects.filter(pk__in=later).update(import_fingerprint="")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_editor_choices_cover_names"),
    ]

    operations = [
        migrations.RunPython(clear_later_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(
                condition=~Q(import_fingerprint=""),
                fields=("import_fingerprint",),
                name="article_import_fingerprint_unique",
            ),
        ),
    ]
