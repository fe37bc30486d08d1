"""Places: the tree, indented, with their story counts."""

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Place


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "slug", "kind", "is_cluster", "article_count"]
    list_filter = ["kind", "is_cluster"]
    search_fields = ["name", "slug", "aliases"]
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "kind", "parent", "aliases", "is_cluster", "description"]
    list_per_page = 100

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_articles=Count("articles")).order_by("path")

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return format_html('<span style="padding-left:{}em">{}</span>', obj.depth * 1.5, obj.name)

    @admin.display(description=_("stories"), ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles
