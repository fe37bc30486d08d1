"""Topics: the list with story counts and an "unused" filter, renaming that keeps links,
and merging several topics into one (docs/dashboard.md)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..invalidation import content_changed
from ..models import TaggedArticle, Topic
from .history import HistoryAdminMixin

#: More at once is a mistake (a "select all" across the list), not a merge.
MAX_MERGED = 50


def story_count():
    """The number of stories of each topic, as a subquery: counted for the rows of the page
    only, not by grouping every link of the archive, and from the (topic, story) index
    alone (counting the links' ids would read every row: 3 times slower with 300,000)."""
    links = (
        TaggedArticle.objects.filter(tag=OuterRef("pk"))
        .order_by()
        .values("tag")
        .annotate(n=Count("content_object"))
        .values("n")
    )
    return Coalesce(Subquery(links, output_field=IntegerField()), Value(0))


def fresh_slug(topic):
    """A slug made from the topic's name that no other topic has: 眼镜, else 眼镜_1 …"""
    base = topic.slugify(topic.name)[:90] or "topic"
    taken = set(
        Topic.objects.filter(slug__startswith=base)
        .exclude(pk=topic.pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 0
    while slug in taken:
        n += 1
        slug = f"{base}_{n}"
    return slug


def merge_topics(keep, topics):
    """Tag every story of ``topics`` with ``keep`` (once, even when a story had several of
    them, or ``keep`` already), then delete ``topics``. One transaction; returns how many
    stories had one of the merged topics.

    The links are copied and removed with two statements, not row by row: a topic may have
    thousands of stories, and each link deleted through the ORM would send its own signal.
    """
    merged = [topic for topic in topics if topic.pk != keep.pk]
    ids = [topic.pk for topic in merged]
    if not ids:
        return 0
    table = connection.ops.quote_name(TaggedArticle._meta.db_table)
    tag = connection.ops.quote_name(TaggedArticle._meta.get_field("tag").column)
    story = connection.ops.quote_name(TaggedArticle._meta.get_field("content_object").column)
    among = ", ".join(["%s"] * len(ids))
    with transaction.atomic():
        moved = (
            TaggedArticle.objects.filter(tag_id__in=ids)
            .values("content_object_id")
            .distinct()
            .count()
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({tag}, {story})"
                f" SELECT DISTINCT %s, {story} FROM {table} WHERE {tag} IN ({among})"
                f" AND {story} NOT IN (SELECT {story} FROM {table} WHERE {tag} = %s)",
                [keep.pk, *ids, keep.pk],
            )
            cursor.execute(f"DELETE FROM {table} WHERE {tag} IN ({among})", ids)
        for topic in merged:
            # The history of each deleted topic says where its stories went.
            topic._change_reason = gettext("Merged into “%(topic)s”") % {"topic": keep.name}
            topic.delete()
        content_changed()  # the links were written without signals
    return moved


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        n = obj.n_articles
        return ngettext("%(name)s (%(n)d story)", "%(name)s (%(n)d stories)", n) % {
            "name": obj.name,
            "n": n,
        }


class MergeForm(forms.Form):
    keep = TopicChoiceField(
        label=_("Topic to keep"),
        queryset=Topic.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = topics


@admin.action(description=_("Merge the selected topics…"), permissions=["merge"])
def merge_selected(modeladmin, request, queryset):
    """Ask which of the selected topics to keep (the one with most stories by default),
    then merge the others into it."""
    if not modeladmin.has_merge_permission(request):
        raise PermissionDenied
    topics = list(queryset.order_by("-n_articles", "sort_key")[: MAX_MERGED + 1])
    if len(topics) < 2:
        modeladmin.message_user(
            request, gettext("Select at least two topics to merge."), messages.WARNING
        )
        return None
    if len(topics) > MAX_MERGED:
        modeladmin.message_user(
            request,
            gettext("Merge at most %(n)d topics at a time.") % {"n": MAX_MERGED},
            messages.WARNING,
        )
        return None

    chosen = (
        Topic.objects.filter(pk__in=[t.pk for t in topics])
        .annotate(n_articles=story_count())
        .order_by("-n_articles", "sort_key")
    )
    if request.POST.get("post"):
        form = MergeForm(request.POST, topics=chosen)
        if form.is_valid():
            keep = form.cleaned_data["keep"]
            merged = [t for t in topics if t.pk != keep.pk]
            names = "、".join(t.name for t in merged)
            with transaction.atomic():
                # Logged before the deletion, while the merged topics still have their ids.
                modeladmin.log_deletions(request, merged)
                moved = merge_topics(keep, merged)
                modeladmin.log_change(
                    request, keep, gettext("Merged: %(names)s") % {"names": names}
                )
            modeladmin.message_user(
                request,
                ngettext(
                    "%(n)d story moved to “%(topic)s”; merged and deleted: %(names)s.",
                    "%(n)d stories moved to “%(topic)s”; merged and deleted: %(names)s.",
                    moved,
                )
                % {"n": moved, "topic": keep.name, "names": names},
                messages.SUCCESS,
            )
            return None
    else:
        form = MergeForm(topics=chosen, initial={"keep": topics[0].pk})

    context = {
        **modeladmin.admin_site.each_context(request),
        "title": gettext("Merge topics"),
        "subtitle": None,
        "opts": modeladmin.model._meta,
        "topics": topics,
        "form": form,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "action_name": "merge_selected",
        "media": modeladmin.media,
    }
    request.current_app = modeladmin.admin_site.name
    return TemplateResponse(
        request,
        "admin/articles/topic/merge_confirmation.html",
        context,
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


class UsageFilter(admin.SimpleListFilter):
    title = _("use")
    parameter_name = "used"

    def lookups(self, request, model_admin):
        return [("yes", _("In use")), ("no", _("Unused (no stories)"))]

    def queryset(self, request, queryset):
        tagged = Exists(TaggedArticle.objects.filter(tag=OuterRef("pk")))
        if self.value() == "yes":
            return queryset.filter(tagged)
        if self.value() == "no":
            return queryset.filter(~tagged)
        return queryset


class TopicForm(forms.ModelForm):
    """The slug may be left empty: it is then made from the name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _(
                "The address of the topic's page (/topics/…/). Renaming the topic keeps it, "
                "so links to the page still work; changing it breaks them. Leave it empty "
                "to make a new one from the name."
            )

    def clean(self):
        data = super().clean()
        if not data.get("slug") and data.get("name") and "slug" in self.fields:
            self.instance.name = data["name"]
            data["slug"] = fresh_slug(self.instance)
        return data


@admin.register(Topic)
class TopicAdmin(HistoryAdminMixin, admin.ModelAdmin):
    form = TopicForm
    list_display = ["name", "slug", "featured", "article_count"]
    list_filter = ["featured", UsageFilter]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "featured", "description"]
    actions = [merge_selected]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_articles=story_count())
            .order_by("sort_key", "pk")
        )

    @admin.display(description=_("stories"), ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles

    def has_merge_permission(self, request):
        """Merging changes one topic and deletes the others."""
        return self.has_change_permission(request) and self.has_delete_permission(request)

    def changelist_view(self, request, extra_context=None):
        # A merge posted by someone who may not merge is refused outright, not quietly
        # turned into "no action selected" because the action is not offered to them.
        if (
            request.method == "POST"
            and request.POST.get("action") == "merge_selected"
            and not self.has_merge_permission(request)
        ):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)
