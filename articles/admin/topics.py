"""Topics."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "featured", "article_count"]
    list_filter = ["featured"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "featured", "description"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_articles=Count("tagged_articles"))
            .order_by("name")
        )

    @admin.display(description=_("stories"), ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles
