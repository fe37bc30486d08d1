"""Stories: the form (topics by autocomplete), the list, the import page, and what each
role may do with them (articles/roles.py; the review itself in admin/review.py)."""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import review, roles
from ..admin_import import import_view
from ..models import Article, Status, Topic
from ..review import display_name, local_time
from .history import HistoryAdminMixin
from .publishing import PublicationStateMixin, publish, state_label, unpublish
from .review import ReviewFilter, queue_view, review_view


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
class ArticleAdmin(HistoryAdminMixin, PublicationStateMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "publication_state",
        "published_at",
        "place",
        "written_by",
        "featured",
        "view_count",
    ]
    list_display_links = ["title"]
    list_filter = [
        ReviewFilter,
        "status",
        "featured",
        "published_at",
        ("place", admin.RelatedOnlyFieldListFilter),
        ("topics", admin.RelatedOnlyFieldListFilter),
        ("event", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["place", "created_by"]
    search_fields = ["title", "summary", "source", "author"]
    autocomplete_fields = ["place", "organisations", "event"]
    date_hierarchy = "published_at"
    actions = [publish, unpublish]
    readonly_fields = [
        "view_count",
        "created_at",
        "updated_at",
        "import_warnings",
        "original_text",
        "state",
        "review_comment",
        "written_by",
    ]
    save_on_top = True
    fieldsets = [
        (None, {"fields": ["review_comment", "title", "summary", "body"]}),
        (_("Links"), {"fields": ["place", "organisations", "event", "topics"]}),
        (
            _("Publication"),
            {
                "fields": [
                    "state",
                    "status",
                    ("published_at", "unpublish_at"),
                    "featured",
                    "slug",
                    "editor",
                    "written_by",
                ]
            },
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

    @admin.display(description=_("state"))
    def state(self, obj):
        return state_label(obj) if obj.pk else "—"

    @admin.display(description=_("written by"), ordering="created_by")
    def written_by(self, obj):
        return display_name(obj.created_by) or "—"

    @admin.display(description=_("editor's comment"))
    def review_comment(self, obj):
        if not obj.review_note:
            return "—"
        return format_html(
            '<div class="review-note"><p>{}</p><p class="review-note-by">{}</p></div>',
            obj.review_note,
            gettext("%(editor)s, %(time)s")
            % {
                "editor": display_name(obj.reviewed_by),
                "time": local_time(obj.reviewed_at) if obj.reviewed_at else "",
            },
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not obj.review_note:
            # No comment to show: the first fieldset starts with the title.
            first, options = fieldsets[0]
            fields = [f for f in options["fields"] if f != "review_comment"]
            fieldsets = [(first, {**options, "fields": fields}), *fieldsets[1:]]
        return fieldsets

    # --- What each role may do (articles/roles.py) ------------------------------------

    def has_publish_permission(self, request):
        return roles.can_publish(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.can_view_story(request.user, obj) or self.has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return roles.can_change_story(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return roles.can_delete_story(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not roles.can_publish(request.user):
            fields += [f for f in roles.PUBLICATION_FIELDS if f not in fields]
        return fields

    def get_queryset(self, request):
        stories = super().get_queryset(request).select_related("place", "created_by")
        if roles.can_publish(request.user):
            return stories
        return stories.filter(created_by=request.user)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if roles.can_publish(request.user):
            initial = {"editor": request.user.pk, **initial}
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        if not roles.can_publish(request.user):
            # A forged status or time in the POST is not even in the form; make sure.
            obj.status = Status.DRAFT
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        if SUBMIT in request.POST:
            return self._submitted(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if SUBMIT in request.POST:
            return self._submitted(request, obj)
        return super().response_change(request, obj)

    def _submitted(self, request, obj):
        """The story was saved with the 提交审核 button: hand it in for review."""
        if obj.status != Status.DRAFT or obj.submitted_at:
            self.message_user(request, gettext("Only a draft can be submitted."), messages.ERROR)
            return redirect(reverse("admin:articles_article_change", args=[obj.pk]))
        change_url = request.build_absolute_uri(
            reverse("admin:articles_article_review", args=[obj.pk])
        )
        review.submit(obj, request.user, change_url=change_url)
        self.message_user(
            request,
            gettext("“%(title)s” was submitted for review. The editors have been told.")
            % {"title": obj.title},
            messages.SUCCESS,
        )
        return redirect(reverse("admin:articles_article_changelist"))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        may_edit = (
            self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        )
        context["can_submit"] = (
            may_edit
            and (obj is None or (obj.status == Status.DRAFT and not obj.submitted_at))
            and not roles.can_publish(request.user)
        )
        context["can_review"] = bool(obj and obj.submitted_at and roles.can_publish(request.user))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def publish_item(self, request, item, at):
        review.publish(item, request.user, at)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(partial(import_view, self)),
                name="articles_article_import",
            ),
            path(
                "review/",
                self.admin_site.admin_view(partial(queue_view, self)),
                name="articles_article_queue",
            ),
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(partial(review_view, self)),
                name="articles_article_review",
            ),
            *super().get_urls(),
        ]

    class Media:
        css = {"all": ["css/editors.css"]}


#: The name of the 提交审核 button on the story form.
SUBMIT = "_submit"
