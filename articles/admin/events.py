"""Events and their organisers."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Event, EventOrganiser
from .history import HistoryAdminMixin
from .publishing import PublicationStateMixin, publish, unpublish


class EventOrganiserInline(admin.TabularInline):
    model = EventOrganiser
    autocomplete_fields = ["organisation"]
    extra = 1


@admin.register(Event)
class EventAdmin(HistoryAdminMixin, PublicationStateMixin, admin.ModelAdmin):
    list_display = ["title", "starts_on", "ends_on", "place", "publication_state"]
    list_filter = ["status", "starts_on", ("place", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["place"]
    search_fields = ["title", "venue", "description"]
    autocomplete_fields = ["place"]
    date_hierarchy = "starts_on"
    inlines = [EventOrganiserInline]
    actions = [publish, unpublish]
    fieldsets = [
        (None, {"fields": ["title", "slug", "description", "website"]}),
        (
            _("When and where"),
            {"fields": [("starts_on", "ends_on"), ("start_time", "end_time"), "place", "venue"]},
        ),
        (_("Publication"), {"fields": ["status", ("published_at", "unpublish_at")]}),
    ]

    class Media:
        css = {"all": ["css/editors.css"]}
