"""The editors' room's front page (docs/dashboard.md): what waits for whom, what goes out
next, what readers read this week; Django's list of models stays beside it.

Each section is one short query read from an index of ``Article.Meta.indexes`` (or of a
user's foreign key), with the users it names joined in, and never the long text fields:
the page costs the same with 100 stories or 100,000.

``EditorsRoom`` is the project's admin site (``portal.apps.EditorsRoomConfig`` makes it
the default), so every ``@admin.register`` and ``admin.site`` keeps working.
"""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import roles
from .models import Article, DailyReads, Status
from .review import display_name, local_time

#: Stories per section; the most-read list is shorter.
SECTION_SIZE = 8
MOST_READ_SIZE = 5
#: "This week": today and the six days before it, in Beijing dates.
WEEK_DAYS = 7

#: What a row shows: never the body, the imported original or its warnings, which can
#: be long (a body alone may reach 200,000 characters).
ROW_FIELDS = (
    "title",
    "status",
    "published_at",
    "unpublish_at",
    "updated_at",
    "submitted_at",
    "review_note",
    "created_by__username",
    "created_by__first_name",
    "created_by__last_name",
)


@dataclass
class Row:
    article: Article
    url: str
    #: When it matters (the datetime attribute of <time>), and how it is said.
    time: dt.datetime | None = None
    when: str = ""
    #: Who, a state, a count: short words after the title.
    note: str = ""


@dataclass
class Section:
    key: str
    title: str
    empty: str
    rows: list[Row] = field(default_factory=list)
    more_url: str = ""
    more_label: str = ""
    #: How many there are in all, where the heading says it.
    total: int | None = None


def _rows(queryset):
    return queryset.select_related("created_by").only(*ROW_FIELDS)


def _visible(user):
    """The stories ``user`` may open in the admin: all for those who publish, a
    contributor's own otherwise (articles/roles.py ``can_view_story``)."""
    stories = Article.objects.all()
    return stories if roles.can_publish(user) else stories.filter(created_by=user)


def my_drafts(user):
    """Drafts ``user`` wrote or is the responsible editor of, the latest change first."""
    return _rows(
        Article.objects.filter(Q(created_by=user) | Q(editor=user), status=Status.DRAFT)
    ).order_by("-updated_at", "-pk")


def waiting_for_review(user):
    """Drafts submitted for review, the oldest first: all of them for those who publish,
    a contributor's own otherwise."""
    return _rows(_visible(user).filter(status=Status.DRAFT, submitted_at__isnull=False)).order_by(
        "submitted_at", "pk"
    )


def scheduled_next(user):
    """Published stories whose time is still to come, the soonest first."""
    return _rows(_visible(user).scheduled()).order_by("published_at", "pk")


def recently_published(user):
    return _rows(_visible(user).published()).newest_first()


def week_of(today):
    """The first and last day of the week ending ``today`` (both counted)."""
    return today - dt.timedelta(days=WEEK_DAYS - 1), today


def most_read_this_week(user, today=None, limit=MOST_READ_SIZE):
    """[(story, readers)] of the week ending ``today`` (Beijing), the most read first.

    Two queries: the sums of the week's ``DailyReads`` (read by day from their index),
    then the few stories they name.
    """
    first, last = week_of(today or timezone.localdate())
    reads = DailyReads.objects.filter(day__gte=first, day__lte=last)
    if not roles.can_publish(user):
        reads = reads.filter(article__created_by=user)
    top = list(
        reads.values("article")
        .annotate(readers=Sum("views"))
        .order_by("-readers", "-article")
        .values_list("article", "readers")[:limit]
    )
    stories = _rows(Article.objects.all()).in_bulk([pk for pk, _n in top])
    return [(stories[pk], n) for pk, n in top if pk in stories]


def _change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def _changelist(**query):
    url = reverse("admin:articles_article_changelist")
    return f"{url}?{urlencode(query)}" if query else url


def _ago(value, now, message, just_now):
    """``message`` with how long ago ``value`` was, in one unit ("3 小时", "2 天"), or
    ``just_now`` within the minute."""
    if now - value < dt.timedelta(minutes=1):
        return just_now
    return message % {"age": timesince(value, now, depth=1)}


def _draft_note(article):
    if article.submitted_at:
        return gettext("Waiting for review")
    if article.review_note:
        return gettext("Sent back")
    return ""


def sections(user, now=None):
    """The dashboard of ``user``: a list of ``Section``, none for a user who may not
    see stories at all."""
    if not user.has_perm("articles.view_article"):
        return []
    now = now or timezone.now()
    publisher = roles.can_publish(user)

    drafts = Section(
        "my-drafts",
        gettext("My drafts"),
        gettext("No drafts of yours. A new story starts under Stories → Add."),
        more_url=_changelist(status__exact=Status.DRAFT),
        more_label=gettext("All drafts"),
    )
    for article in my_drafts(user)[:SECTION_SIZE]:
        drafts.rows.append(
            Row(
                article,
                _change_url(article),
                time=article.updated_at,
                when=_ago(
                    article.updated_at,
                    now,
                    gettext("changed %(age)s ago"),
                    gettext("changed just now"),
                ),
                note=_draft_note(article),
            )
        )

    waiting_rows = list(waiting_for_review(user)[: SECTION_SIZE + 1])
    waiting = Section(
        "waiting",
        gettext("Waiting for review"),
        gettext("Nothing is waiting for review.")
        if publisher
        else gettext("None of your stories is waiting for review."),
        more_url=reverse("admin:articles_article_queue")
        if publisher
        else _changelist(review="waiting"),
        more_label=gettext("The review queue") if publisher else gettext("All waiting"),
    )
    waiting.total = (
        waiting_for_review(user).count() if len(waiting_rows) > SECTION_SIZE else len(waiting_rows)
    )
    for article in waiting_rows[:SECTION_SIZE]:
        waiting.rows.append(
            Row(
                article,
                _change_url(article),
                time=article.submitted_at,
                when=_ago(
                    article.submitted_at,
                    now,
                    gettext("submitted %(age)s ago"),
                    gettext("submitted just now"),
                ),
                note=display_name(article.created_by) if publisher else "",
            )
        )

    scheduled = Section(
        "scheduled",
        gettext("Scheduled next"),
        gettext("No story is scheduled."),
        more_url=_changelist(
            status__exact=Status.PUBLISHED,
            published_at__gt=timezone.localtime(now).isoformat(timespec="seconds"),
        ),
        more_label=gettext("All scheduled"),
    )
    scheduled.rows = _publication_rows(scheduled_next(user)[:SECTION_SIZE])

    recent = Section(
        "recent",
        gettext("Recently published"),
        gettext("Nothing published yet."),
        more_url=_changelist(status__exact=Status.PUBLISHED),
        more_label=gettext("All published"),
    )
    recent.rows = _publication_rows(recently_published(user)[:SECTION_SIZE])

    most_read = Section(
        "most-read",
        gettext("Most read this week"),
        gettext("No readers counted this week yet."),
    )
    for article, readers in most_read_this_week(user, timezone.localdate(now)):
        most_read.rows.append(
            Row(
                article,
                _change_url(article),
                note=ngettext("%(n)s reader", "%(n)s readers", readers) % {"n": f"{readers:,}"},
            )
        )

    return [drafts, waiting, scheduled, recent, most_read]


def _publication_rows(articles):
    """Rows that say when each story goes (or went) out."""
    return [
        Row(
            article,
            _change_url(article),
            time=article.published_at,
            when=local_time(article.published_at),
        )
        for article in articles
    ]


class EditorsRoom(admin.AdminSite):
    """Django's admin with the editors' dashboard on its index page."""

    site_header = _("Optics industry news: editors' room")
    site_title = _("Editors' room")
    index_title = _("Stories, events and organisations")

    def index(self, request, extra_context=None):
        context = {"dashboard": sections(request.user), **(extra_context or {})}
        return super().index(request, extra_context=context)
