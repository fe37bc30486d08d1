"""What the story and event admins share: the publish and unpublish actions, the state
column ("定时发布 11月7日 09:00"), and who may use them (``has_publish_permission``).

The actions save each item (not one UPDATE), so its history records who published it.
"""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..models import Status
from ..review import local_time


@admin.action(description=_("Publish the selected items now"), permissions=["publish"])
def publish(modeladmin, request, queryset):
    now = timezone.now()
    n_now = n_scheduled = 0
    for item in queryset.filter(status=Status.DRAFT):
        # Scheduled items keep their future time; a draft dated in the past goes out
        # dated now, at the top of the lists.
        if item.published_at > now:
            n_scheduled += 1
            modeladmin.publish_item(request, item, item.published_at)
        else:
            n_now += 1
            modeladmin.publish_item(request, item, now)
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


@admin.action(
    description=_("Unpublish the selected items (back to draft)"), permissions=["publish"]
)
def unpublish(modeladmin, request, queryset):
    n = 0
    for item in queryset.filter(status=Status.PUBLISHED):
        item.status = Status.DRAFT
        item._change_reason = gettext("Unpublished")
        item.save()
        n += 1
    modeladmin.message_user(
        request,
        ngettext("%(n)d item returned to draft.", "%(n)d items returned to draft.", n) % {"n": n},
        messages.SUCCESS,
    )


class PublicationStateMixin:
    """The state column and the permission the publishing actions ask for."""

    def has_publish_permission(self, request):
        return self.has_change_permission(request)

    def publish_item(self, request, item, at):
        item.status = Status.PUBLISHED
        item.published_at = at
        item._change_reason = gettext("Published")
        item.save()

    @admin.display(description=_("state"), ordering="status")
    def publication_state(self, obj):
        return state_label(obj)


def state_label(obj):
    """The state of a story or event in words and a sign, with its time where one matters."""
    if obj.is_taken_down:
        return format_html(
            '<span class="state state-down">⊘ {}</span>',
            gettext("Taken down %(time)s") % {"time": local_time(obj.unpublish_at)},
        )
    if obj.is_published:
        if obj.unpublish_at:
            return format_html(
                '<span class="state state-published">● {}</span>',
                gettext("Published, taken down %(time)s") % {"time": local_time(obj.unpublish_at)},
            )
        return format_html('<span class="state state-published">● {}</span>', gettext("Published"))
    if obj.is_scheduled:
        return format_html(
            '<span class="state state-scheduled">◷ {}</span>',
            gettext("Scheduled %(time)s") % {"time": local_time(obj.published_at)},
        )
    if getattr(obj, "submitted_at", None):
        return format_html(
            '<span class="state state-review">◔ {}</span>', gettext("Waiting for review")
        )
    if getattr(obj, "review_note", ""):
        return format_html('<span class="state state-back">↩ {}</span>', gettext("Sent back"))
    return format_html('<span class="state state-draft">○ {}</span>', gettext("Draft"))
