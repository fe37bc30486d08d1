from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.db.models import Count
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .admin_import import import_view
from .invalidation import content_changed
from .models import (
    Article,
    Event,
    EventOrganiser,
    Organisation,
    Place,
    Status,
    Topic,
)

admin.site.site_header = _("Optics industry news: editors' room")
admin.site.site_title = _("Editors' room")
admin.site.index_title = _("Stories, events and organisations")


# --- Shared publishing actions -----------------------------------------------------


@admin.action(description=_("Publish the selected items now"), permissions=["change"])
def publish(modeladmin, request, queryset):
    now = timezone.now()
    # Scheduled items keep their future time; drafts go out now.
    drafts = queryset.filter(status=Status.DRAFT)
    # A draft dated in the past goes out dated now, at the top of the lists.
    n_now = drafts.filter(published_at__lte=now).update(status=Status.PUBLISHED, published_at=now)
    n_scheduled = drafts.filter(published_at__gt=now).update(status=Status.PUBLISHED)
    content_changed()  # update() sends no signals
    modeladmin.message_user(
        request,
        ngettext("%(n)d item published.", "%(n)d items published.", n_now) % {"n": n_now}
        + (
            " "
            + ngettext(
                "%(n)d item scheduled for its publication time.",
                "%(n)d items scheduled for their publication time.",
                n_scheduled,
            )
            % {"n": n_scheduled}
            if n_scheduled
            else ""
        ),
        messages.SUCCESS,
    )


@admin.action(description=_("Unpublish the selected items (back to draft)"), permissions=["change"])
def unpublish(modeladmin, request, queryset):
    n = queryset.filter(status=Status.PUBLISHED).update(status=Status.DRAFT)
    content_changed()  # update() sends no signals
    modeladmin.message_user(
        request,
        ngettext("%(n)d item returned to draft.", "%(n)d items returned to draft.", n) % {"n": n},
        messages.SUCCESS,
    )


class PublicationStateMixin:
    @admin.display(description=_("state"), ordering="status")
    def publication_state(self, obj):
        if obj.is_published:
            return format_html('<span style="color:#17692f">● {}</span>', _("Published"))
        if obj.is_scheduled:
            return format_html(
                '<span style="color:#8a5a00">◷ {}</span>',
                _("Scheduled"),
            )
        return format_html('<span style="color:#666">○ {}</span>', _("Draft"))


# --- Place ----------------------------------------------------------------------------


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


# --- Organisation -----------------------------------------------------------------------


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
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


# --- Event ---------------------------------------------------------------------------------


class EventOrganiserInline(admin.TabularInline):
    model = EventOrganiser
    autocomplete_fields = ["organisation"]
    extra = 1


@admin.register(Event)
class EventAdmin(PublicationStateMixin, admin.ModelAdmin):
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
        (_("Publication"), {"fields": ["status", "published_at"]}),
    ]


# --- Topic ---------------------------------------------------------------------------------


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


# --- Article -------------------------------------------------------------------------------


class ArticleAdminForm(forms.ModelForm):
    """Topics are chosen with the same autocomplete as places and organisations."""

    # No Meta: the admin builds the form for Article from ArticleAdmin.fieldsets.

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"] = forms.ModelMultipleChoiceField(
            label=_("topics"),
            queryset=Topic.objects.all(),
            required=False,
            widget=AutocompleteSelectMultiple(Article._meta.get_field("topics"), admin.site),
            help_text=_("Type to search. New topics are added under Topics."),
        )
        if self.instance.pk:
            self.initial["topics"] = [t.pk for t in self.instance.topics.all()]


@admin.register(Article)
class ArticleAdmin(PublicationStateMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "publication_state",
        "published_at",
        "place",
        "source",
        "featured",
        "view_count",
    ]
    list_display_links = ["title"]
    list_filter = [
        "status",
        "featured",
        "published_at",
        ("place", admin.RelatedOnlyFieldListFilter),
        ("topics", admin.RelatedOnlyFieldListFilter),
        ("event", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["place"]
    search_fields = ["title", "summary", "source", "author"]
    autocomplete_fields = ["place", "organisations", "event"]
    date_hierarchy = "published_at"
    actions = [publish, unpublish]
    readonly_fields = ["view_count", "created_at", "updated_at", "import_warnings", "original_text"]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["title", "summary", "body"]}),
        (_("Links"), {"fields": ["place", "organisations", "event", "topics"]}),
        (
            _("Publication"),
            {"fields": ["status", "published_at", "featured", "slug", "editor"]},
        ),
        (
            _("Source"),
            {"fields": ["source", "source_url", "author", "source_editor", "original_title"]},
        ),
        (_("Cover image"), {"fields": ["cover", "cover_alt", "cover_credit"]}),
        (_("Import"), {"fields": ["import_warnings", "original_text"], "classes": ["collapse"]}),
        (
            _("Statistics"),
            {"fields": ["view_count", "created_at", "updated_at"], "classes": ["collapse"]},
        ),
    ]

    @admin.display(description=_("import warnings"))
    def import_warnings(self, obj):
        if not obj.import_flags:
            return "—"
        return format_html_join(
            "",
            "<p><strong>{}</strong> {}</p>",
            ((flag.get("message", ""), flag.get("text", "")) for flag in obj.import_flags),
        )

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(partial(import_view, self)),
                name="articles_article_import",
            ),
            *super().get_urls(),
        ]

    def get_changeform_initial_data(self, request):
        return {"editor": request.user.pk, **super().get_changeform_initial_data(request)}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("place")
