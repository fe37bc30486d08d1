"""Stories: the form (topics by autocomplete), the list, the import page."""

from functools import partial

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.urls import path
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from ..admin_import import import_view
from ..models import Article, Topic
from .publishing import PublicationStateMixin, publish, unpublish


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
