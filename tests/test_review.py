"""The review: submit, the queue, send back, publish now, schedule; mail to the editors;
scheduled and take-down times at their boundaries (a second before and after)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.ingest.importer import article_import
from articles.models import Article, ContentVersion, Event, Status
from articles.review import local_time

from .factories import ArticleFactory, ContributorFactory, EditorFactory, EventFactory
from .test_roles import story_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def contributor():
    return ContributorFactory(first_name="小明", last_name="王")


def test_a_contributor_submits_and_the_editors_are_told(
    client, contributor, mailoutbox, django_capture_on_commit_callbacks
):
    editors = [EditorFactory(email="a@example.com"), EditorFactory(email="b@example.com")]
    EditorFactory(email="", username="no-mail")
    client.force_login(contributor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_article_add"), story_form(title="新品发布", _submit="1")
        )
    assert response.status_code == 302
    story = Article.objects.get()
    assert story.submitted_at is not None and story.status == Status.DRAFT
    (mail,) = mailoutbox
    assert "新品发布" in mail.subject
    assert sorted(mail.to) == sorted(e.email for e in editors)
    assert "王小明" in mail.body
    assert reverse("admin:articles_article_review", args=[story.pk]) in mail.body
    assert story.history.first().history_change_reason == "提交审核"


def test_the_queue_lists_waiting_drafts_oldest_first_with_their_age(editor_client):
    now = timezone.now()
    older = ArticleFactory(draft=True, title="三天前提交", submitted_at=now - dt.timedelta(days=3))
    newer = ArticleFactory(
        draft=True, title="一小时前提交", submitted_at=now - dt.timedelta(hours=1)
    )
    ArticleFactory(draft=True, title="普通草稿")
    page = editor_client.get(reverse("admin:articles_article_queue"))
    assert [s.pk for s in page.context["stories"]] == [older.pk, newer.pk]
    html = page.content.decode()
    assert re.search(r"3\s日", html) and re.search(r"1\s小时", html), html
    assert "普通草稿" not in html
    assert 'class="overdue"' in html  # waiting longer than two days


def test_an_editor_sends_a_story_back_with_a_comment_the_writer_sees(
    client, editor_client, editor, contributor, mailoutbox, django_capture_on_commit_callbacks
):
    story = ArticleFactory(draft=True, created_by=contributor, submitted_at=timezone.now())
    url = reverse("admin:articles_article_review", args=[story.pk])
    empty = editor_client.post(url, {"send_back": "1", "note": "  "})
    assert empty.status_code == 200 and "note" in empty.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, {"send_back": "1", "note": "请补充<b>来源</b>。"})
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.submitted_at is None and story.status == Status.DRAFT
    assert story.review_note == "请补充<b>来源</b>。" and story.reviewed_by == editor
    (mail,) = mailoutbox
    assert mail.to == [contributor.email] and "请补充" in mail.body

    client.force_login(contributor)
    page = client.get(reverse("admin:articles_article_change", args=[story.pk]))
    assert page.context["has_change_permission"]  # theirs to edit again
    html = page.content.decode()
    assert "请补充&lt;b&gt;来源&lt;/b&gt;。" in html  # shown, escaped
    assert 'name="_submit"' in html


def test_an_editor_publishes_now(editor_client, editor):
    story = ArticleFactory(draft=True, submitted_at=timezone.now())
    response = editor_client.post(
        reverse("admin:articles_article_review", args=[story.pk]), {"publish": "1"}
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.is_published and story.submitted_at is None and story.editor == editor


def test_an_editor_schedules_and_the_list_says_when(editor_client):
    story = ArticleFactory(draft=True, submitted_at=timezone.now())
    at = timezone.localtime() + dt.timedelta(days=1)
    at = at.replace(hour=9, minute=0, second=0, microsecond=0)
    url = reverse("admin:articles_article_review", args=[story.pk])
    past = editor_client.post(url, {"schedule": "1", "publish_at": "2020-01-01T09:00"})
    assert "publish_at" in past.context["form"].errors
    response = editor_client.post(
        url, {"schedule": "1", "publish_at": at.strftime("%Y-%m-%dT%H:%M:%S")}
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.is_scheduled and story.published_at == at

    listing = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert f"定时发布 {at.month}月{at.day}日 09:00" in listing


def test_a_decision_on_a_story_no_longer_waiting_changes_nothing(editor_client):
    story = ArticleFactory(draft=True, submitted_at=None)
    response = editor_client.post(
        reverse("admin:articles_article_review", args=[story.pk]), {"publish": "1"}
    )
    assert response.status_code == 200
    story.refresh_from_db()
    assert story.status == Status.DRAFT


def test_bad_review_input_is_a_form_error_or_404(editor_client):
    story = ArticleFactory(draft=True, submitted_at=timezone.now())
    url = reverse("admin:articles_article_review", args=[story.pk])
    for value in ("0001-01-01T00:00", "not a time", "2205-01-01T00:00"):
        page = editor_client.post(url, {"schedule": "1", "publish_at": value})
        assert page.status_code == 200 and "publish_at" in page.context["form"].errors, value
    too_long = editor_client.post(url, {"send_back": "1", "note": "长" * 5000})
    assert "note" in too_long.context["form"].errors
    assert (
        editor_client.get(reverse("admin:articles_article_review", args=[999999])).status_code
        == 404
    )


def test_imported_drafts_enter_the_queue(editor):
    outcome = article_import(text="临海眼镜企业参加展会\n\n正文第一段。", editor=editor)
    story = outcome.article
    assert story.status == Status.DRAFT and story.submitted_at is not None
    assert story.created_by == editor


def test_local_time_says_the_year_only_when_it_is_not_this_one():
    now = timezone.localtime()
    this_year = now.replace(month=11, day=7, hour=9, minute=0)
    assert local_time(this_year) == "11月7日 09:00"
    other = this_year.replace(year=now.year + 1, month=1, day=3)
    assert local_time(other) == f"{now.year + 1}年1月3日 09:00"


# --- Scheduling and take-down boundaries ----------------------------------------------------


@pytest.fixture
def frozen(monkeypatch):
    """Set the clock: ``frozen(t)`` makes timezone.now() return ``t``."""

    def freeze(at):
        monkeypatch.setattr(timezone, "now", lambda: at)

    return freeze


@pytest.mark.parametrize("model", [Article, Event])
def test_a_scheduled_item_appears_at_its_time_to_the_second(model, frozen):
    factory = ArticleFactory if model is Article else EventFactory
    at = timezone.now().replace(microsecond=0) + dt.timedelta(hours=2)
    item = factory(published_at=at)
    frozen(at - dt.timedelta(seconds=1))
    assert not model.objects.published().filter(pk=item.pk).exists()
    assert not item.is_published and item.is_scheduled
    frozen(at)
    assert model.objects.published().filter(pk=item.pk).exists() and item.is_published


@pytest.mark.parametrize("model", [Article, Event])
def test_an_item_is_taken_down_at_its_time_to_the_second(model, frozen):
    factory = ArticleFactory if model is Article else EventFactory
    down = timezone.now().replace(microsecond=0) + dt.timedelta(hours=2)
    item = factory(unpublish_at=down)
    frozen(down - dt.timedelta(seconds=1))
    assert model.objects.published().filter(pk=item.pk).exists() and item.is_published
    frozen(down)
    assert not model.objects.published().filter(pk=item.pk).exists()
    assert not item.is_published and item.is_taken_down


def test_a_taken_down_story_is_gone_from_lists_and_its_page(client, frozen):
    down = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=5)
    story = ArticleFactory(title="限时新闻", unpublish_at=down)
    assert client.get(story.get_absolute_url()).status_code == 200
    frozen(down + dt.timedelta(seconds=1))
    assert client.get(story.get_absolute_url()).status_code == 404
    assert "限时新闻" not in client.get(reverse("articles:article-list")).content.decode()


def test_no_cached_page_outlives_a_take_down(frozen):
    now = timezone.now()
    down = now + dt.timedelta(seconds=90)
    ArticleFactory(unpublish_at=down)
    ArticleFactory(published_at=now + dt.timedelta(hours=3))
    state = ContentVersion.current()
    assert state.next_publication == down
    assert state.seconds_left(300, now) <= 90


def test_the_take_down_time_must_follow_the_publication(editor_client):
    story = ArticleFactory(draft=True)
    form = story_form(
        status="published",
        published_at_0="2026-05-02",
        published_at_1="09:00:00",
        unpublish_at_0="2026-05-01",
        unpublish_at_1="09:00:00",
        editor="",
    )
    page = editor_client.post(reverse("admin:articles_article_change", args=[story.pk]), form)
    assert page.status_code == 200
    assert "unpublish_at" in page.context["adminform"].form.errors


def test_the_list_says_taken_down(editor_client):
    ArticleFactory(
        published_at=timezone.now() - dt.timedelta(days=2),
        unpublish_at=timezone.now() - dt.timedelta(days=1),
    )
    listing = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "已下线" in listing
