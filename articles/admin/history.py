"""History in the editors' room: every version of an object, what changed, revert, restore.

django-simple-history keeps a row per change of a story, event, organisation, place and
topic (docs/history.md). ``HistoryAdminMixin`` replaces the admin's bare history page
with those versions and adds:

- ``history/compare/?old=…&new=…``: what changed between two versions, per field, with
  the text of titles, summaries and bodies compared character by character
  (articles/history_diff.py);
- ``history/<version>/revert/``: a confirmation page showing what a revert changes, and
  on POST the revert itself, recorded as a new version;
- for stories, ``deleted/`` and ``deleted/<version>/restore/``: deleted stories, and
  their restoration as drafts under their old id.

Who may do what follows the admin's own permissions and articles/roles.py: seeing a
history needs the right to see the object, a revert the right to change it (before and
after), and a contributor's revert leaves a story's publication and review fields as they
are. Restoring a deleted story is for those who publish.
"""

import copy
import re

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.template.loader import select_template
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext

from .. import history_diff, roles
from ..history import (
    MAX_ID,
    copy_links_into,
    describe,
    field_changes,
    is_link,
    links_of_versions,
    reason_of,
    related_names,
    tracked_fields,
    user_label,
    values_of,
)
from ..history_revert import (
    check_revert,
    plan_revert,
    revert,
)
from ..models import Article, Place
from .deleted_stories import DeletedStoriesMixin

#: Versions per page of a history.
HISTORY_PER_PAGE = 50


# --- The admin -------------------------------------------------------------------------------


def _version_id(value):
    """A version id from the query string, or 404."""
    if value is None or not re.fullmatch(r"[0-9]{1,10}", value) or int(value) > MAX_ID:
        raise Http404(gettext("No such version."))
    return int(value)


class HistoryAdminMixin(DeletedStoriesMixin):
    """The history pages of a model admin whose model has ``history = HistoricalRecords()``."""

    object_history_template = "admin/articles/history/object_history.html"

    # -- URLs --

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        urls = [
            path(
                "<path:object_id>/history/compare/",
                wrap(self.history_compare_view),
                name=f"{prefix}_history_compare",
            ),
            path(
                "<path:object_id>/history/<int:history_id>/revert/",
                wrap(self.history_revert_view),
                name=f"{prefix}_history_revert",
            ),
        ]
        if self._restores_deleted:
            urls += [
                path("deleted/", wrap(self.deleted_view), name=f"{prefix}_deleted"),
                path(
                    "deleted/<int:history_id>/restore/",
                    wrap(self.restore_view),
                    name=f"{prefix}_restore",
                ),
            ]
        return urls + super().get_urls()

    @property
    def _restores_deleted(self):
        # Stories only: places, organisations and topics are deleted by administrators,
        # and what pointed at them was changed or refused at that time (docs/history.md).
        return self.model is Article

    def _url(self, name, *args, query=""):
        opts = self.opts
        url = reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{name}", args=args
        )
        return f"{url}?{query}" if query else url

    # -- Who may do what --

    def may_view_history(self, request, obj):
        if not self.has_view_or_change_permission(request, obj):
            return False
        return not isinstance(obj, Article) or roles.can_view_story(request.user, obj)

    def may_revert(self, request, obj):
        if not self.has_change_permission(request, obj):
            return False
        return not isinstance(obj, Article) or roles.can_change_story(request.user, obj)

    def may_restore(self, request):
        user = request.user
        return (
            self._restores_deleted
            and user.has_perm(f"{self.opts.app_label}.add_{self.opts.model_name}")
            and roles.can_publish(user)
        )

    def _role_errors(self, request, preview, plan):
        """What the admin's form would refuse this person beyond the model's own rules:
        an editor puts towns and zones below a city or county only."""
        if (
            isinstance(preview, Place)
            and "parent_id" in plan.values
            and preview.parent_id is not None
            and not request.user.has_perm(roles.MANAGE_PLACE_TREE)
        ):
            # Imported here: the places admin imports this module.
            from .places import EDITOR_PARENT_KINDS

            if not Place.objects.filter(
                pk=preview.parent_id, kind__in=EDITOR_PARENT_KINDS
            ).exists():
                return [
                    gettext(
                        "A town or development zone belongs to a city or county. Ask a site "
                        "administrator to change the tree above towns."
                    )
                ]
        return []

    def _object_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(gettext("No such object."))
        if not self.may_view_history(request, obj):
            raise PermissionDenied
        return obj

    def _versions(self, obj):
        pk_name = self.opts.pk.attname
        return self.model.history.filter(**{pk_name: obj.pk}).select_related("history_user")

    def _context(self, request, obj, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": self.opts,
            "object": obj,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "history_url": self._url("history", quote(obj.pk)) if obj is not None else "",
            **extra,
        }

    # -- Pages --

    def history_view(self, request, object_id, extra_context=None):
        """Every version, newest first: when, who, what kind of change, which fields."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.may_view_history(request, obj):
            raise PermissionDenied
        versions = self._versions(obj).order_by("-history_date", "-history_id")
        paginator = Paginator(versions, HISTORY_PER_PAGE)
        page = paginator.get_page(request.GET.get("p"))
        # The version before the page's last one is needed to say what that one changed.
        start = (page.number - 1) * HISTORY_PER_PAGE
        records = list(versions[start : start + HISTORY_PER_PAGE + 1])
        fields = tracked_fields(self.model)
        links = links_of_versions(self.model, records)
        values = [values_of(r, fields, links[r.pk]) for r in records]
        may_revert = self.may_revert(request, obj)
        # A change that bypassed save() (a bulk update) made no version: then the newest
        # version is not what the object is now, and reverting to it means something.
        unrecorded = bool(start == 0 and records and values_of(obj, fields) != values[0])
        rows = []
        for index, record in enumerate(records[:HISTORY_PER_PAGE]):
            older = records[index + 1] if index + 1 < len(records) else None
            changed = []
            if record.history_type == "~" and older is not None:
                names = history_diff.changed_fields(
                    values[index + 1], values[index], [f.name for f in fields]
                )
                changed = [capfirst(str(f.verbose_name)) for f in fields if f.name in names]
            newest = start + index == 0 and not unrecorded
            rows.append(
                {
                    "record": record,
                    "user": user_label(record.history_user),
                    "kind": describe(record),
                    "reason": reason_of(record),
                    "changed": changed,
                    "newest": newest,
                    "compare_url": self._url(
                        "history_compare",
                        quote(obj.pk),
                        query=f"old={older.pk}&new={record.pk}" if older else f"new={record.pk}",
                    ),
                    "revert_url": self._url("history_revert", quote(obj.pk), record.pk)
                    if may_revert and not newest and record.history_type != "-"
                    else "",
                }
            )
        context = self._context(
            request,
            obj,
            gettext("History: %s") % obj,
            rows=rows,
            page=page,
            page_range=paginator.get_elided_page_range(page.number),
            compare_action=self._url("history_compare", quote(obj.pk)),
            unrecorded=unrecorded,
            **(extra_context or {}),
        )
        return TemplateResponse(request, self.object_history_template, context)

    def history_compare_view(self, request, object_id):
        """What changed between two versions (``old`` may be left out: the version before)."""
        obj = self._object_or_404(request, object_id)
        versions = self._versions(obj)
        new = versions.filter(history_id=_version_id(request.GET.get("new"))).first()
        if new is None:
            raise Http404(gettext("No such version."))
        old_id = request.GET.get("old")
        if old_id:
            old = versions.filter(history_id=_version_id(old_id)).first()
            if old is None:
                raise Http404(gettext("No such version."))
        else:
            old = (
                versions.filter(history_id__lt=new.pk)
                .order_by("-history_date", "-history_id")
                .first()
            )
        if old is not None and (old.history_date, old.pk) > (new.history_date, new.pk):
            old, new = new, old
        fields = tracked_fields(self.model)
        records = [r for r in (old, new) if r is not None]
        links = links_of_versions(self.model, records)
        old_values = values_of(old, fields, links[old.pk]) if old is not None else {}
        new_values = values_of(new, fields, links[new.pk])
        names = related_names(fields, [old_values, new_values])
        context = self._context(
            request,
            obj,
            gettext("Changes: %s") % obj,
            old=old,
            new=new,
            old_user=user_label(old.history_user) if old is not None else "",
            new_user=user_label(new.history_user),
            old_kind=describe(old) if old is not None else "",
            old_reason=reason_of(old) if old is not None else "",
            new_kind=describe(new),
            new_reason=reason_of(new),
            changes=field_changes(fields, old_values, new_values, names),
            revert_url=self._url("history_revert", quote(obj.pk), new.pk)
            if self.may_revert(request, obj) and new.history_type != "-"
            else "",
        )
        return TemplateResponse(request, "admin/articles/history/compare.html", context)

    def history_revert_view(self, request, object_id, history_id):
        """GET: what a revert to this version changes. POST: the revert."""
        obj = self._object_or_404(request, object_id)
        if not self.may_revert(request, obj):
            raise PermissionDenied
        if history_id > MAX_ID:
            raise Http404(gettext("No such version."))
        record = self._versions(obj).filter(history_id=history_id).first()
        if record is None or record.history_type == "-":
            raise Http404(gettext("No such version."))
        plan = plan_revert(obj, record, request.user)
        preview = copy.copy(obj)
        plan.errors = check_revert(preview, plan) + self._role_errors(request, preview, plan)
        if not self.may_revert(request, preview):
            plan.errors.append(gettext("You may not change it to what it was in this version."))
        if request.method == "POST":
            if plan.errors or not plan.changes:
                status = 400 if plan.errors else 200
                return self._revert_page(request, obj, record, plan, status=status)
            revert(obj, record, plan)
            when = formats.date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT")
            messages.success(
                request,
                gettext("Reverted to the version of %(date)s: a new version, nothing was lost.")
                % {"date": when},
            )
            return HttpResponseRedirect(self._url("history", quote(obj.pk)))
        return self._revert_page(request, obj, record, plan)

    def _revert_page(self, request, obj, record, plan, status=200):
        context = self._context(
            request,
            obj,
            gettext("Revert: %s") % obj,
            record=record,
            record_user=user_label(record.history_user),
            plan=plan,
            is_story=isinstance(obj, Article),
        )
        return TemplateResponse(
            request, "admin/articles/history/revert_confirm.html", context, status=status
        )

    # -- Hooks into the admin's own views --

    def save_related(self, request, form, formsets, change):
        """One save in the admin makes one version: the links set after the object was
        saved go into the version that save made, not into versions of their own."""
        obj = form.instance
        if not any(is_link(f) for f in tracked_fields(self.model)):
            return super().save_related(request, form, formsets, change)
        obj.skip_history_when_saving = True
        try:
            super().save_related(request, form, formsets, change)
        finally:
            del obj.skip_history_when_saving
        copy_links_into(getattr(obj, "_history_last_record", None), obj)

    def changelist_view(self, request, extra_context=None):
        """The story list links to the deleted stories, for those who may restore them:
        the page is the admin's own, extended (whatever template it would use)."""
        response = super().changelist_view(request, extra_context)
        if (
            self.may_restore(request)
            and isinstance(response, TemplateResponse)
            and not response.is_rendered
            and "cl" in (response.context_data or {})  # the list, not an action's page
        ):
            names = response.template_name
            base = select_template([names] if isinstance(names, str) else names)
            response.context_data["history_base_template"] = base.template
            response.context_data["history_deleted_url"] = self._url("deleted")
            response.template_name = "admin/articles/history/change_list.html"
        return response
