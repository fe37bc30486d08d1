"""Deleted stories and their restoration, for the story admin (docs/history.md): a list
of the stories deleted and not restored since, and a confirmation page that restores one
as a draft under its old id (articles/history_revert.py). Part of ``HistoryAdminMixin``,
which supplies the permission checks and the shared page context."""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from ..history import (
    MAX_ID,
    name_of,
    related_names,
    user_label,
)
from ..history_revert import (
    deleted_stories,
    plan_restore,
    restore,
)
from ..models import Article

#: Deleted stories per page.
DELETED_PER_PAGE = 50


class DeletedStoriesMixin:
    """The deleted-stories pages; the URLs are added by ``HistoryAdminMixin.get_urls``."""

    def deleted_view(self, request):
        """Deleted stories, newest deletion first, with who deleted them and when."""
        if not self.may_restore(request):
            raise PermissionDenied
        paginator = Paginator(deleted_stories(), DELETED_PER_PAGE)
        page = paginator.get_page(request.GET.get("p"))
        rows = [
            {
                "record": record,
                "user": user_label(record.history_user),
                "restore_url": self._url("restore", record.pk),
            }
            for record in page.object_list
        ]
        context = self._context(
            request,
            None,
            gettext("Deleted stories"),
            rows=rows,
            page=page,
            page_range=paginator.get_elided_page_range(page.number),
        )
        return TemplateResponse(request, "admin/articles/history/deleted.html", context)

    def restore_view(self, request, history_id):
        """GET: the deleted story and what restoring it does. POST: restore it as a draft."""
        if not self.may_restore(request):
            raise PermissionDenied
        if history_id > MAX_ID:
            raise Http404(gettext("No such deleted story."))
        record = deleted_stories().filter(history_id=history_id).first()
        if record is None:
            raise Http404(gettext("No such deleted story."))
        plan = plan_restore(record)
        if request.method == "POST":
            try:
                article = restore(record, plan)
            except IntegrityError:
                # Restored by someone else a moment ago.
                raise Http404(gettext("No such deleted story.")) from None
            messages.success(
                request,
                gettext("The story was restored as a draft. Check it, then publish it again."),
            )
            return HttpResponseRedirect(self._url("change", quote(article.pk)))
        fields = [Article._meta.get_field(name) for name in ("place", "event", "organisations")]
        values = {
            "place": plan.values.get("place_id"),
            "event": plan.values.get("event_id"),
            "organisations": frozenset(plan.organisations),
        }
        names = related_names(fields, [values])
        context = self._context(
            request,
            None,
            gettext("Restore a deleted story"),
            record=record,
            record_user=user_label(record.history_user),
            place=name_of(fields[0], values["place"], names),
            event=name_of(fields[1], values["event"], names),
            organisations=sorted(name_of(fields[2], pk, names) for pk in plan.organisations),
            plan=plan,
            deleted_url=self._url("deleted"),
        )
        return TemplateResponse(request, "admin/articles/history/restore_confirm.html", context)
