"""The review queue and the review page of a story (the rules in articles/review.py).

The queue lists the drafts waiting for review, the oldest first, with their age. On a
story's review page an editor publishes it now, schedules it, or sends it back with a
comment the writer sees on the story. Only users who may publish reach either page.
"""

import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import review, roles
from ..models import Article, Status
from ..models.base import validate_sane_date
from ..review import local_time
from .publishing import state_label


class ReviewFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("waiting", _("Waiting for review")),
            ("sent_back", _("Sent back")),
            ("mine", _("Written by me")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(status=Status.DRAFT, submitted_at__isnull=False)
        if self.value() == "sent_back":
            return queryset.filter(status=Status.DRAFT, submitted_at__isnull=True).exclude(
                review_note=""
            )
        if self.value() == "mine":
            return queryset.filter(created_by=request.user)
        return queryset


class ReviewForm(forms.Form):
    """The editor's decision; which button was pressed says which one."""

    note = forms.CharField(
        label=_("Comment for the writer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed to send the story back; the writer sees it on the story."),
    )
    publish_at = forms.DateTimeField(
        label=_("Publication time"),
        required=False,
        validators=[validate_sane_date],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local", "step": "1"}, format="%Y-%m-%dT%H:%M:%S"
        ),
        help_text=_("Beijing time. Needed to schedule the story."),
    )

    def __init__(self, *args, decision=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision = decision

    def clean(self):
        data = super().clean()
        if self.decision == "send_back" and not (data.get("note") or "").strip():
            self.add_error("note", gettext("Say what the writer should change."))
        if self.decision == "schedule":
            at = data.get("publish_at")
            if at is None and "publish_at" not in self.errors:
                self.add_error("publish_at", gettext("Give the time to publish at."))
            elif at is not None and at <= timezone.now():
                self.add_error(
                    "publish_at",
                    gettext("That time has passed: publish now, or give a later time."),
                )
        return data


DECISIONS = ("publish", "schedule", "send_back")


def _require_publisher(request):
    if not roles.can_publish(request.user):
        raise PermissionDenied


def queue_view(model_admin, request):
    """The drafts waiting for review, oldest first."""
    _require_publisher(request)
    now = timezone.now()
    stories = list(review.waiting()[:200])
    for story in stories:
        story.waiting_for = now - story.submitted_at
        story.is_overdue = story.waiting_for > dt.timedelta(days=2)
        story.writer_name = review.display_name(story.created_by)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "title": gettext("Waiting for review"),
        "stories": stories,
        "total": review.waiting().count() if len(stories) == 200 else len(stories),
    }
    return TemplateResponse(request, "admin/articles/article/review_queue.html", context)


def review_view(model_admin, request, pk):
    """One story's review: publish now, schedule, or send back with a comment."""
    _require_publisher(request)
    story = get_object_or_404(Article.objects.select_related("created_by", "place"), pk=pk)
    change_url = reverse("admin:articles_article_change", args=[story.pk])
    waiting = story.status == Status.DRAFT and story.submitted_at is not None
    decision = next((d for d in DECISIONS if d in request.POST), None)
    if request.method == "POST" and waiting and decision:
        form = ReviewForm(request.POST, decision=decision)
        if form.is_valid():
            return _decide(request, story, decision, form.cleaned_data, change_url)
    else:
        form = ReviewForm(
            initial={"publish_at": timezone.localtime().replace(microsecond=0, second=0)}
        )
        if request.method == "POST":
            messages.warning(request, gettext("This story is no longer waiting for review."))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Article._meta,
        "title": gettext("Review: %(title)s") % {"title": story.title},
        "story": story,
        "form": form,
        "waiting": waiting,
        "change_url": change_url,
        "preview_url": story.get_absolute_url(),
        "state": state_label(story),
        "writer_name": review.display_name(story.created_by),
    }
    return TemplateResponse(request, "admin/articles/article/review.html", context)


def _decide(request, story, decision, data, change_url):
    if decision == "send_back":
        review.send_back(
            story,
            request.user,
            data["note"].strip(),
            change_url=request.build_absolute_uri(change_url),
        )
        message = gettext("“%(title)s” was sent back to its writer.")
    elif decision == "schedule":
        review.publish(story, request.user, data["publish_at"])
        message = gettext("“%(title)s” is scheduled for %(time)s.")
    else:
        review.publish(story, request.user)
        message = gettext("“%(title)s” is published.")
    messages.success(
        request, message % {"title": story.title, "time": local_time(story.published_at)}
    )
    return redirect(reverse("admin:articles_article_queue"))
