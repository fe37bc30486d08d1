"""Places: the tree, indented, with their story counts.

Administrators (``articles.manage_place_tree``) keep the whole tree; editors add and
change towns and development zones below a city or county, which new stories name
first (docs/editors.md).
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import roles
from ..models import Place, PlaceKind
from .history import HistoryAdminMixin

#: What an editor may add, and below what.
EDITOR_KINDS = (PlaceKind.TOWN, PlaceKind.ZONE)
EDITOR_PARENT_KINDS = (PlaceKind.CITY, PlaceKind.COUNTY)


class PlaceAdminForm(forms.ModelForm):
    #: Set by PlaceAdmin.get_form: may this user change the tree above towns?
    manages_tree = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.manages_tree and "kind" in self.fields:
            self.fields["kind"].choices = [
                (value, label) for value, label in PlaceKind.choices if value in EDITOR_KINDS
            ]
            self.fields["parent"].required = True
            self.fields["parent"].help_text = gettext(
                "The city or county the town or zone belongs to."
            )

    def clean(self):
        data = super().clean()
        parent = data.get("parent")
        if not self.manages_tree and parent is not None and parent.kind not in EDITOR_PARENT_KINDS:
            self.add_error(
                "parent",
                gettext(
                    "A town or development zone belongs to a city or county. Ask a site "
                    "administrator to change the tree above towns."
                ),
            )
        return data


@admin.register(Place)
class PlaceAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["indented_name", "slug", "kind", "is_cluster", "article_count"]
    list_filter = ["kind", "is_cluster"]
    search_fields = ["name", "slug", "aliases"]
    autocomplete_fields = ["parent"]
    fields = ["name", "slug", "kind", "parent", "aliases", "is_cluster", "description"]
    list_per_page = 100
    form = PlaceAdminForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.manages_tree = request.user.has_perm(roles.MANAGE_PLACE_TREE)
        return form

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return (
            obj is None
            or obj.kind in EDITOR_KINDS
            or request.user.has_perm(roles.MANAGE_PLACE_TREE)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and request.user.has_perm(
            roles.MANAGE_PLACE_TREE
        )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_articles=Count("articles")).order_by("path")

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj):
        return format_html('<span style="padding-left:{}em">{}</span>', obj.depth * 1.5, obj.name)

    @admin.display(description=_("stories"), ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles
