"""What the story and event admins share: the publish and unpublish actions, the state column."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..invalidation import content_changed
from ..models import Status


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
