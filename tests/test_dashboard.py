"""The editors' dashboard at /admin/: each section's stories and order, per role."""

import datetime as dt

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.dashboard import EditorsRoom, week_of
from articles.models import Article, DailyReads, Status
from articles.review import local_time

from .factories import ArticleFactory, ContributorFactory, EditorFactory, UserFactory

pytestmark = pytest.mark.django_db

INDEX = "/admin/"


@pytest.fixture
def contributor(db):
    return ContributorFactory(first_name="小", last_name="李")


@pytest.fixture
def contributor_client(client, contributor):
    client.force_login(contributor)
    return client


def dashboard(client):
    response = client.get(INDEX)
    assert response.status_code == 200
    return {section.key: section for section in response.context["dashboard"]}


def titles(section):
    return [row.article.title for row in section.rows]


def story(title, **kwargs):
    return ArticleFactory(title=title, **kwargs)


def draft(title, *, updated=None, submitted=None, **kwargs):
    """A draft changed ``updated`` ago and submitted ``submitted`` ago (None: not)."""
    article = ArticleFactory(title=title, status=Status.DRAFT, **kwargs)
    now = timezone.now()
    Article.objects.filter(pk=article.pk).update(
        updated_at=now - (updated or dt.timedelta(0)),
        submitted_at=now - submitted if submitted is not None else None,
    )
    return article


def test_the_admin_site_is_the_editors_room():
    assert isinstance(admin.site._wrapped, EditorsRoom)
    assert "axes" in {m._meta.app_label for m in admin.site._registry}


def test_the_index_shows_the_sections_and_the_models(editor_client):
    response = editor_client.get(INDEX)

    html = response.content.decode()
    keys = [s.key for s in response.context["dashboard"]]
    assert keys == ["my-drafts", "waiting", "scheduled", "recent", "most-read"]
    for key in keys:
        assert f'id="dashboard-{key}"' in html
    assert response.context["app_list"]  # Django's list of models, for navigation
    assert "/admin/articles/article/" in html
    assert "css/dashboard.css" in html


# --- My drafts ------------------------------------------------------------------------


def test_my_drafts_are_those_i_wrote_or_edit_the_latest_change_first(editor_client, editor):
    other = EditorFactory()
    draft("我写的旧稿", created_by=editor, updated=dt.timedelta(days=2))
    draft("我负责的稿", editor=editor, created_by=other, updated=dt.timedelta(hours=1))
    draft("我写的新稿", created_by=editor, updated=dt.timedelta(minutes=5))
    draft("别人的稿", created_by=other, editor=other)
    story("我发布的稿", created_by=editor, editor=editor)

    section = dashboard(editor_client)["my-drafts"]

    assert titles(section) == ["我写的新稿", "我负责的稿", "我写的旧稿"]
    assert section.rows[0].url == f"/admin/articles/article/{section.rows[0].article.pk}/change/"
    assert "status__exact=draft" in section.more_url


def test_my_drafts_say_which_wait_for_review(editor_client, editor):
    draft("待审的稿", created_by=editor, submitted=dt.timedelta(hours=3))
    draft("没交的稿", created_by=editor, updated=dt.timedelta(hours=5))

    rows = dashboard(editor_client)["my-drafts"].rows

    assert rows[0].article.title == "待审的稿" and rows[0].note
    assert rows[1].article.title == "没交的稿" and not rows[1].note


def test_my_drafts_show_eight_at_most(editor_client, editor):
    for n in range(10):
        draft(f"草稿{n}", created_by=editor, updated=dt.timedelta(minutes=n))

    section = dashboard(editor_client)["my-drafts"]

    assert titles(section) == [f"草稿{n}" for n in range(8)]


# --- Waiting for review ---------------------------------------------------------------


def test_editors_see_every_submitted_draft_the_oldest_first(editor_client, contributor):
    other = UserFactory(username="other", first_name="明", last_name="王", is_staff=True)
    draft("三小时前交的", created_by=contributor, submitted=dt.timedelta(hours=3))
    draft("两天前交的", created_by=other, submitted=dt.timedelta(days=2, minutes=5))
    draft("没交的草稿", created_by=contributor)

    section = dashboard(editor_client)["waiting"]

    assert titles(section) == ["两天前交的", "三小时前交的"]
    oldest, newest = section.rows
    assert oldest.note == "王明" and newest.note == "李小"  # who submitted
    assert "2" in oldest.when and "3" in newest.when  # "2 天", "3 小时"
    assert oldest.time == oldest.article.submitted_at
    assert section.total == 2
    assert section.more_url == "/admin/articles/article/review/"


def test_the_waiting_total_counts_beyond_the_list(editor_client, contributor):
    for n in range(11):
        draft(f"待审{n}", created_by=contributor, submitted=dt.timedelta(hours=20 - n))

    section = dashboard(editor_client)["waiting"]

    assert len(section.rows) == 8 and section.total == 11
    assert titles(section)[0] == "待审0"


def test_a_contributor_sees_only_their_own_stories(contributor_client, contributor):
    other = EditorFactory()
    draft("我交的稿", created_by=contributor, submitted=dt.timedelta(hours=1))
    draft("别人交的稿", created_by=other, submitted=dt.timedelta(hours=2))
    story("我的定时稿", created_by=contributor, published_at=timezone.now() + dt.timedelta(hours=5))
    story("别人的定时稿", created_by=other, published_at=timezone.now() + dt.timedelta(hours=1))
    mine = story("我的已发稿", created_by=contributor)
    theirs = story("别人的已发稿", created_by=other)
    today = timezone.localdate()
    DailyReads.objects.create(article=mine, day=today, views=3)
    DailyReads.objects.create(article=theirs, day=today, views=30)

    sections = dashboard(contributor_client)

    assert titles(sections["waiting"]) == ["我交的稿"]
    assert sections["waiting"].rows[0].note == ""  # no need to name themselves
    assert "review=waiting" in sections["waiting"].more_url
    assert titles(sections["scheduled"]) == ["我的定时稿"]
    assert titles(sections["recent"]) == ["我的已发稿"]
    assert titles(sections["most-read"]) == ["我的已发稿"]


def test_a_contributor_is_told_when_nothing_of_theirs_waits(contributor_client, editor):
    mine = dashboard(contributor_client)["waiting"]
    contributor_client.force_login(editor)
    editors = dashboard(contributor_client)["waiting"]

    assert not mine.rows and mine.empty != editors.empty


# --- Scheduled next, recently published -----------------------------------------------


def test_scheduled_stories_come_soonest_first_in_beijing_time(editor_client):
    now = timezone.now()
    # 01:00 UTC is 09:00 in Beijing.
    at = (now + dt.timedelta(days=2)).replace(hour=1, minute=0, second=0, microsecond=0)
    story("后天九点", published_at=at)
    story("一小时后", published_at=now + dt.timedelta(hours=1))
    story("已发布", published_at=now - dt.timedelta(hours=1))
    story("定时的草稿", status=Status.DRAFT, published_at=now + dt.timedelta(hours=2))

    section = dashboard(editor_client)["scheduled"]

    assert titles(section) == ["一小时后", "后天九点"]
    assert section.rows[1].when == local_time(at)
    assert "09:00" in section.rows[1].when


def test_recently_published_is_newest_first_without_scheduled_or_taken_down(editor_client):
    now = timezone.now()
    story("昨天", published_at=now - dt.timedelta(days=1))
    story("刚才", published_at=now - dt.timedelta(minutes=1))
    story("明天", published_at=now + dt.timedelta(days=1))
    story(
        "已撤下",
        published_at=now - dt.timedelta(hours=2),
        unpublish_at=now - dt.timedelta(hours=1),
    )
    story("草稿", status=Status.DRAFT)

    section = dashboard(editor_client)["recent"]

    assert titles(section) == ["刚才", "昨天"]


# --- Most read this week --------------------------------------------------------------


def test_the_week_is_today_and_the_six_days_before():
    today = dt.date(2025, 11, 7)
    assert week_of(today) == (dt.date(2025, 11, 1), today)


def test_most_read_this_week_adds_up_the_days_of_the_week(editor_client):
    today = timezone.localdate()
    first, _last = week_of(today)
    stories = [story(f"文章{n}") for n in range(7)]
    reads = {
        0: [(today, 5), (first, 5)],  # 10, its first day counted
        1: [(today, 30)],  # 30
        2: [(first - dt.timedelta(days=1), 100), (today, 1)],  # 1: 7 days ago is not this week
        3: [(today - dt.timedelta(days=8), 500)],  # nothing this week
        4: [(today, 20)],
        5: [(today, 15)],
        6: [(today, 12)],
    }
    for n, days in reads.items():
        for day, views in days:
            DailyReads.objects.create(article=stories[n], day=day, views=views)

    section = dashboard(editor_client)["most-read"]

    assert titles(section) == ["文章1", "文章4", "文章5", "文章6", "文章0"]
    assert "30" in section.rows[0].note and "10" in section.rows[-1].note


# --- Empty, and who sees it -----------------------------------------------------------


def test_every_section_says_when_it_is_empty(editor_client):
    response = editor_client.get(INDEX)

    html = response.content.decode()
    for section in response.context["dashboard"]:
        assert not section.rows
        assert section.empty and str(section.empty) in html
    assert "dashboard-empty" in html


def test_staff_who_may_not_see_stories_get_djangos_index(client):
    clerk = UserFactory(username="clerk", is_staff=True)
    client.force_login(clerk)

    response = client.get(INDEX)

    assert response.status_code == 200
    assert response.context["dashboard"] == []
    assert "editors-dashboard" not in response.content.decode()


# --- Bounded work ---------------------------------------------------------------------


def fill(editor, contributor, n):
    """``n`` stories of every kind each section lists, read this week."""
    now, today = timezone.now(), timezone.localdate()
    for i in range(n):
        draft(f"草稿{i}", created_by=editor, updated=dt.timedelta(minutes=i))
        draft(f"待审{i}", created_by=contributor, submitted=dt.timedelta(minutes=i + 1))
        story(f"定时{i}", created_by=contributor, published_at=now + dt.timedelta(hours=i + 1))
        read = story(f"已发{i}", created_by=contributor, editor=editor)
        DailyReads.objects.create(article=read, day=today, views=i + 1)


@pytest.mark.parametrize("role", ["editor", "contributor"])
def test_the_dashboard_costs_the_same_with_many_stories(
    client, editor, contributor, role, django_assert_max_num_queries
):
    user = editor if role == "editor" else contributor
    client.force_login(user)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(INDEX).status_code == 200
        return len(captured)

    fill(editor, contributor, 2)
    few = queries()
    fill(editor, contributor, 12)
    assert queries() == few + 1  # the waiting total is counted once the list overflows
    with django_assert_max_num_queries(16):
        client.get(INDEX)


@pytest.mark.parametrize("role", ["editor", "contributor"])
def test_every_more_link_opens_its_list(client, editor, contributor, role):
    user = editor if role == "editor" else contributor
    client.force_login(user)
    fill(editor, contributor, 1)

    for section in dashboard(client).values():
        if not section.more_url:
            continue
        response = client.get(section.more_url)
        # A lookup the changelist refuses redirects to ?e=1.
        assert response.status_code == 200, (section.key, section.more_url)


def test_the_scheduled_link_lists_the_scheduled_stories(editor_client):
    story("明天的稿", published_at=timezone.now() + dt.timedelta(days=1))
    story("今天的稿")

    response = editor_client.get(dashboard(editor_client)["scheduled"].more_url)

    assert [a.title for a in response.context["cl"].result_list] == ["明天的稿"]
