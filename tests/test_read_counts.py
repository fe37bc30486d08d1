"""Counting readers (articles/readcounts.py): a beacon from the story page, added up in
memory and written in batches; robots and staff are not counted, cached pages are."""

import pytest

from articles import readcounts
from articles.models import Article

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile Safari/537.36"


@pytest.fixture(autouse=True)
def _empty_counter():
    readcounts.flush()
    yield
    readcounts.flush()


def beacon(client, story, user_agent=BROWSER):
    response = client.post(f"/articles/{story.pk}/read/", HTTP_USER_AGENT=user_agent)
    assert response.status_code == 204
    return response


def views(story):
    return Article.objects.get(pk=story.pk).view_count


def test_beacons_are_counted_in_batches_not_one_write_each(client, django_assert_num_queries):
    story = ArticleFactory()
    with django_assert_num_queries(0):
        for _ in range(3):
            beacon(client, story)
    assert views(story) == 0 and readcounts.pending() == 3

    assert readcounts.flush() == 3
    assert views(story) == 3 and readcounts.pending() == 0


def test_a_batch_is_written_once_it_is_full(client, monkeypatch):
    monkeypatch.setattr(readcounts, "FLUSH_EVERY_VIEWS", 5)
    one, two = ArticleFactory(), ArticleFactory()
    for story in (one, two, one, two):
        beacon(client, story)
    assert views(one) == 0
    beacon(client, one)  # the fifth
    assert (views(one), views(two), readcounts.pending()) == (3, 2, 0)


def test_a_batch_is_written_after_a_while_however_small(client, monkeypatch):
    monkeypatch.setattr(readcounts, "FLUSH_EVERY_SECONDS", 0)
    story = ArticleFactory()
    beacon(client, story)
    assert views(story) == 1


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Sogou web spider/4.0",
        "Mozilla/5.0 HeadlessChrome/126.0",
        "curl/8.5.0",
        "python-requests/2.32",
        "",
    ],
)
def test_robots_are_not_counted(client, user_agent):
    story = ArticleFactory()
    beacon(client, story, user_agent)
    readcounts.flush()
    assert views(story) == 0


def test_staff_are_not_counted_and_get_no_beacon(client, editor):
    story = ArticleFactory()
    client.force_login(editor)
    assert "data-read-url" not in client.get(story.get_absolute_url()).content.decode()
    beacon(client, story)
    readcounts.flush()
    assert views(story) == 0


def test_drafts_and_scheduled_stories_are_not_counted(client):
    draft, scheduled = ArticleFactory(draft=True), ArticleFactory(scheduled=True)
    for story in (draft, scheduled):
        beacon(client, story)
    readcounts.flush()
    assert views(draft) == views(scheduled) == 0


def test_only_a_post_counts(client):
    story = ArticleFactory()
    assert client.get(f"/articles/{story.pk}/read/").status_code == 405
    assert readcounts.pending() == 0


def test_cached_pages_still_ask_to_be_counted_and_counting_keeps_them(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    story = ArticleFactory()
    client.get(story.get_absolute_url())
    cached = client.get(story.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    assert cached["X-Page-Cache"] == "hit"
    assert f'data-read-url="/articles/{story.pk}/read/"' in cached.content.decode()
    assert 'src="/static/js/read.js"' in cached.content.decode()

    beacon(client, story)
    readcounts.flush()
    assert views(story) == 1
    # Writing counts changes no cached page: it is still served from the cache.
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "hit"


def test_the_most_read_list_follows_the_counts(client):
    quiet, popular = ArticleFactory(title="少人读的新闻"), ArticleFactory(title="很多人读的新闻")
    for _ in range(3):
        beacon(client, popular)
    beacon(client, quiet)
    readcounts.flush()
    most_read = client.get("/").context["most_read"]
    assert [a.pk for a in most_read[:2]] == [popular.pk, quiet.pk]
