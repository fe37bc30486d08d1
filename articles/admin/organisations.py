"""Organisations."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Organisation
from .history import HistoryAdminMixin


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "place", "logo_thumbnail"]
    list_filter = ["kind", ("place", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["place"]
    search_fields = ["name", "short_name", "aliases", "slug"]
    autocomplete_fields = ["place"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "place"]}),
        (_("For readers"), {"fields": ["description", "website", "logo"]}),
        (_("For matching in text"), {"fields": ["aliases"]}),
    ]

    @admin.display(description=_("logo"))
    def logo_thumbnail(self, obj):
        if not obj.logo:
            return "—"
        return format_html('<img src="{}" alt="" style="max-height:2em">', obj.logo.url)
