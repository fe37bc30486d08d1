"""The review of a story: a contributor submits a draft, an editor publishes it now,
schedules it, or sends it back with a comment (docs/editors.md).

Each step is one save() of the story, so the history (django-simple-history) records
who did it, and caches of pages and counts go stale as after any edit. Mail goes out
once the transaction has committed: to the editors when a story is submitted, to the
writer when it is sent back or published.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import dateformat, timezone
from django.utils.translation import gettext, pgettext

from .models import Article, Status
from .models.stories import person_name
from .roles import PUBLISH

log = logging.getLogger(__name__)


def local_time(value):
    """A time as editors read it, in Beijing: "11月7日 09:00", with the year when it is
    not this year's ("2027年1月3日 09:00")."""
    value = timezone.localtime(value)
    if value.year == timezone.localdate().year:
        return dateformat.format(value, pgettext("time this year", "M j, H:i"))
    return dateformat.format(value, pgettext("time in another year", "M j, Y, H:i"))


def waiting():
    """Drafts waiting for review, the oldest submission first."""
    return (
        Article.objects.filter(status=Status.DRAFT, submitted_at__isnull=False)
        .select_related("created_by", "place")
        .order_by("submitted_at", "pk")
    )


def submit(article, user, *, change_url=""):
    """``user`` hands the draft ``article`` in for review; the editors are told."""
    article.submitted_at = timezone.now()
    article._change_reason = gettext("Submitted for review")
    article.save()
    title, who = article.title, display_name(user)
    transaction.on_commit(lambda: _tell_editors(title, who, change_url))


def send_back(article, editor, note, *, change_url=""):
    """``editor`` returns the draft to its writer with ``note``; the writer is told."""
    article.submitted_at = None
    article.review_note = note
    article.reviewed_by = editor
    article.reviewed_at = timezone.now()
    article._change_reason = gettext("Sent back: %(note)s") % {"note": note[:80]}
    article.save()
    writer, title, who = article.created_by, article.title, display_name(editor)
    if writer is not None and writer.email and writer != editor:
        subject = gettext("Sent back to you: %(title)s") % {"title": title}
        body = gettext(
            "%(editor)s sent the story back with this comment:\n\n%(note)s\n\n%(url)s"
        ) % {
            "editor": who,
            "note": note,
            "url": change_url,
        }
        transaction.on_commit(lambda: _mail(subject, body, [writer.email]))


def publish(article, editor, at=None):
    """``editor`` publishes ``article`` at ``at`` (a future time schedules it; None: now)."""
    article.status = Status.PUBLISHED
    article.published_at = at or timezone.now()
    article.submitted_at = None
    if article.editor_id is None:
        article.editor = editor
    article._change_reason = (
        gettext("Scheduled") if at and at > timezone.now() else gettext("Published")
    )
    article.save()


def editors_to_tell():
    """Active staff with an e-mail address who may publish (editors, administrators)."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    app_label, codename = PUBLISH.split(".")
    may_publish = Q(is_superuser=True) | Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    may_publish |= Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    )
    return users.filter(may_publish).distinct().order_by("pk")


def display_name(user):
    """A colleague's name (王小明), else their login name: for the editors' room only."""
    if user is None:
        return ""
    return person_name(user) or user.get_username()


def _tell_editors(title, who, change_url):
    addresses = list(editors_to_tell().values_list("email", flat=True))
    if not addresses:
        return
    subject = gettext("Waiting for review: %(title)s") % {"title": title}
    body = gettext("%(writer)s submitted a story for review:\n\n%(title)s\n\n%(url)s") % {
        "writer": who,
        "title": title,
        "url": change_url,
    }
    _mail(subject, body, addresses)


def _mail(subject, body, addresses):
    # A mail server that is down must not undo or fail the editor's step.
    try:
        send_mail(f"[{settings.SITE_NAME}] {subject}", body, None, addresses)
    except Exception:  # noqa: BLE001 - logged; the review itself is saved
        log.exception("Could not send mail about a story under review")
