"""RSS and Atom feeds (articles/feeds.py): read back with feedparser as a feed reader
would; only published stories of their place (with the places below it), topic or
organisation; GUIDs that survive an edit; absolute addresses; the cover as an
enclosure; a bounded number of queries; served from the page cache; linked from the
pages they follow. See docs/feeds.md."""

import datetime as dt
from urllib.parse import quote

import feedparser
import pytest
from django.utils import timezone

from articles import feeds, images
from articles.models import Article
from articles.templatetags.subscriptions import calendar_link, feed_link, feed_links

from .factories import ArticleFactory, OrganisationFactory, TopicFactory
from .helpers import count_queries

pytestmark = pytest.mark.django_db

KINDS = ("xml", "atom")
PUBLISHED = {"杜桥眼镜产业创新联盟成立", "上饶光学元件产业发展"}


def read(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, (url, parsed.get("bozo_exception"))
    return parsed


def titles(parsed):
    return {entry.title for entry in parsed.entries}


@pytest.fixture
def taken_down(site):
    return ArticleFactory(
        title="已撤下的新闻不应出现",
        place=site.places.duqiao,
        topics=[site.glasses],
        organisations=[site.company],
        published_at=timezone.now() - dt.timedelta(days=2),
        unpublish_at=timezone.now() - dt.timedelta(hours=1),
    )


# --- What each feed lists ---------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_the_site_feed_lists_the_published_stories_newest_first(client, site, taken_down, kind):
    parsed = read(client, f"/feeds/stories.{kind}")
    assert titles(parsed) == PUBLISHED
    published = [entry.published_parsed for entry in parsed.entries]
    assert published == sorted(published, reverse=True)
    assert parsed.feed.title == "光学产业资讯"
    assert parsed.feed.language == "zh-cn"


@pytest.mark.parametrize("kind", KINDS)
def test_a_place_feed_includes_the_places_below_it(client, site, taken_down, kind):
    # 杜桥镇 is in 临海市, 台州市, 浙江省; the other story is in 江西省.
    for slug in ("zhejiang", "taizhou", "linhai", "duqiao"):
        assert titles(read(client, f"/places/{slug}/feed.{kind}")) == {"杜桥眼镜产业创新联盟成立"}
    assert titles(read(client, f"/places/jiangxi/feed.{kind}")) == {"上饶光学元件产业发展"}
    parsed = read(client, f"/places/linhai/feed.{kind}")
    assert parsed.feed.title == "临海市 - 光学产业资讯"
    assert parsed.feed.link == "http://testserver/places/linhai/"


@pytest.mark.parametrize("kind", KINDS)
def test_a_topic_feed_lists_its_stories(client, site, taken_down, kind):
    # Topics keep Chinese slugs (眼镜): the address is percent-encoded.
    parsed = read(client, f"/topics/{quote('眼镜')}/feed.{kind}")
    assert titles(parsed) == {"杜桥眼镜产业创新联盟成立"}
    assert titles(read(client, f"/topics/{quote('镜片')}/feed.{kind}")) == {"上饶光学元件产业发展"}
    assert (
        titles(read(client, f"/topics/{quote(TopicFactory(name='空').slug)}/feed.{kind}")) == set()
    )


@pytest.mark.parametrize("kind", KINDS)
def test_an_organisation_feed_lists_the_stories_that_mention_it(client, site, taken_down, kind):
    assert titles(read(client, f"/organisations/ceshiyanjing/feed.{kind}")) == {
        "杜桥眼镜产业创新联盟成立"
    }
    assert titles(read(client, f"/organisations/ceshixiehui/feed.{kind}")) == {
        "杜桥眼镜产业创新联盟成立"
    }
    assert titles(read(client, f"/organisations/{OrganisationFactory().slug}/feed.{kind}")) == set()


@pytest.mark.parametrize(
    "url",
    [
        "/places/nowhere/feed.xml",
        "/places/nowhere/feed.atom",
        f"/topics/{quote('没有')}/feed.xml",
        "/topics/nothing/feed.atom",
        "/organisations/nobody/feed.xml",
        "/organisations/nobody/feed.atom",
        "/feeds/stories.json",
    ],
)
def test_a_feed_of_nothing_is_a_404(client, site, url):
    assert client.get(url).status_code == 404


def test_a_feed_holds_at_most_the_newest_items(client, places):
    ArticleFactory.create_batch(feeds.FEED_ITEMS + 3)
    parsed = read(client, "/feeds/stories.xml")
    assert len(parsed.entries) == feeds.FEED_ITEMS


# --- Each item --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_an_item_carries_its_link_dates_author_topics_and_summary(client, site, kind):
    story = site.story
    (entry,) = read(client, f"/places/duqiao/feed.{kind}").entries
    assert entry.link == f"http://testserver/articles/{story.pk}-{story.slug}/"
    assert entry.id == f"http://testserver/articles/{story.pk}/"
    assert entry.author == "记者"
    assert [tag.term for tag in entry.tags] == ["眼镜"]
    assert "产业集群的一条新闻摘要。" in entry.summary
    published = dt.datetime(*entry.published_parsed[:6], tzinfo=dt.UTC)
    assert abs(published - story.published_at) < dt.timedelta(seconds=1)
    if kind == "atom":
        updated = dt.datetime(*entry.updated_parsed[:6], tzinfo=dt.UTC)
        assert abs(updated - story.updated_at) < dt.timedelta(seconds=1)


def test_the_rss_guid_is_not_a_permalink(client, site):
    xml = client.get("/places/duqiao/feed.xml").content.decode()
    assert f'<guid isPermaLink="false">http://testserver/articles/{site.story.pk}/</guid>' in xml


@pytest.mark.parametrize("kind", KINDS)
def test_guids_stay_the_same_when_a_story_is_edited(client, site, kind):
    url = f"/places/duqiao/feed.{kind}"
    (before,) = read(client, url).entries
    story = Article.objects.get(pk=site.story.pk)
    story.title = "杜桥眼镜产业创新联盟正式成立"
    story.slug = ""  # made again from the new title
    story.summary = "改过的摘要。"
    story.save()
    (after,) = read(client, url).entries
    assert after.title == "杜桥眼镜产业创新联盟正式成立"
    assert after.link != before.link
    assert after.id == before.id


def test_a_story_without_a_summary_shows_its_first_paragraph_escaped(client, places):
    ArticleFactory(
        summary="",
        body=(
            "<p></p><p>第一段 &lt;b&gt;不是标签&lt;/b&gt; <strong>加粗</strong>。</p>"
            "<p>第二段。</p>"
        ),
    )
    xml = client.get("/feeds/stories.xml").content.decode()
    (entry,) = read(client, "/feeds/stories.xml").entries
    assert entry.summary == "<p>第一段 &lt;b&gt;不是标签&lt;/b&gt; 加粗。</p>"
    assert "第二段" not in xml


def test_titles_with_markup_characters_read_back_as_written(client, places):
    ArticleFactory(title="AT&T 与 <光学> 公司")
    for kind in KINDS:
        (entry,) = read(client, f"/feeds/stories.{kind}").entries
        assert entry.title == "AT&T 与 <光学> 公司", kind


@pytest.fixture
def covered(places):
    # A stored cover's name and size: feeds only work out the rendition's address.
    return ArticleFactory(
        title="有封面的新闻",
        cover="covers/2025/05/abc.jpg",
        cover_width=2000,
        cover_height=1200,
        cover_alt="工人在检测镜片",
    )


@pytest.mark.parametrize("kind", KINDS)
def test_the_cover_is_an_enclosure_and_in_the_description(client, covered, kind):
    (entry,) = read(client, f"/feeds/stories.{kind}").entries
    og = "http://testserver" + images.og_image(covered)
    (enclosure,) = entry.enclosures
    assert enclosure.href == og
    assert enclosure.type == "image/jpeg"
    assert f'<img alt="工人在检测镜片" height="720" src="{og}" width="1200" />' in entry.summary


def test_a_story_without_cover_has_no_enclosure(client, site):
    for entry in read(client, "/feeds/stories.xml").entries:
        assert entry.enclosures == []


def test_addresses_are_on_site_url_when_it_is_set(client, settings, covered):
    settings.SITE_URL = "https://news.example.cn"
    settings.MEDIA_URL = "/media/"
    for kind in KINDS:
        parsed = read(client, f"/feeds/stories.{kind}")
        (entry,) = parsed.entries
        assert entry.link.startswith("https://news.example.cn/articles/")
        assert entry.id == f"https://news.example.cn/articles/{covered.pk}/"
        assert entry.enclosures[0].href.startswith("https://news.example.cn/media/renditions/")
        assert parsed.feed.link == "https://news.example.cn/"


def test_media_on_another_host_keeps_its_address(client, settings, covered):
    settings.MEDIA_URL = "https://cdn.example.cn/media/"
    (entry,) = read(client, "/feeds/stories.xml").entries
    assert entry.enclosures[0].href.startswith("https://cdn.example.cn/media/renditions/")


def test_the_atom_feed_names_itself_and_its_author(client, site):
    parsed = read(client, "/feeds/stories.atom")
    assert parsed.feed.id == "http://testserver/"
    assert parsed.feed.author == "光学产业资讯"
    assert any(
        link.rel == "self" and link.href == "http://testserver/feeds/stories.atom"
        for link in parsed.feed.links
    )


def test_a_scheduled_story_updated_before_it_appeared_is_updated_when_it_appears(client, places):
    story = ArticleFactory(title="预约发布", published_at=timezone.now() + dt.timedelta(hours=1))
    Article.objects.filter(pk=story.pk).update(
        published_at=timezone.now() - dt.timedelta(minutes=1),
        updated_at=timezone.now() - dt.timedelta(days=1),
    )
    (entry,) = read(client, "/feeds/stories.atom").entries
    assert entry.updated_parsed == entry.published_parsed


# --- Cost and caching -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # The stories, their topics (the page cache, off here, adds the content version).
        ("/feeds/stories.xml", 2),
        # …and the place, the subtree's ids and the merged newest ids.
        ("/places/zhejiang/feed.xml", 5),
        # …and the topic or the organisation.
        (f"/topics/{quote('眼镜')}/feed.atom", 3),
        ("/organisations/ceshiyanjing/feed.xml", 3),
    ],
)
def test_queries_do_not_grow_with_the_stories(client, site, url, expected):
    """One query for the topics of all the items, none per item (topic_links)."""
    assert count_queries(client, url) == expected
    for place in (site.places.duqiao, site.places.linhai, site.places.zhejiang):
        ArticleFactory.create_batch(
            5, place=place, topics=[site.glasses, site.lenses], organisations=[site.company]
        )
    assert count_queries(client, url) == expected


def test_feeds_are_served_from_the_page_cache(client, settings, site):
    settings.PAGE_CACHE_SECONDS = 300
    for url in ("/feeds/stories.xml", "/places/linhai/feed.atom"):
        first = client.get(url)
        assert first["X-Page-Cache"] == "miss", url
        assert not first.cookies
        again = client.get(url)
        assert again["X-Page-Cache"] == "hit", url
        assert again.content == first.content
        assert again["Content-Type"].startswith(first["Content-Type"].split(";")[0])
    assert client.get("/feeds/stories.xml")["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert (
        client.get("/places/linhai/feed.atom")["Content-Type"]
        == "application/atom+xml; charset=utf-8"
    )


def test_a_new_story_shows_in_the_cached_feed_at_once(client, settings, site):
    settings.PAGE_CACHE_SECONDS = 300
    read(client, "/feeds/stories.xml")
    ArticleFactory(title="刚刚发布")
    assert "刚刚发布" in titles(read(client, "/feeds/stories.xml"))


# --- Linked from the pages ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        ("/", "/feeds/stories"),
        ("/articles/", "/feeds/stories"),
        ("/places/linhai/", "/places/linhai/feed"),
        (f"/topics/{quote('眼镜')}/", f"/topics/{quote('眼镜')}/feed"),
        ("/organisations/ceshiyanjing/", "/organisations/ceshiyanjing/feed"),
    ],
)
def test_pages_link_their_feeds(client, site, page, feed):
    html = client.get(page).content.decode()
    head = html.split("</head>")[0]
    assert '<link rel="alternate" type="application/rss+xml" title="' in head
    assert f'href="{feed}.xml">' in head
    assert 'type="application/atom+xml"' in head and f'href="{feed}.atom">' in head
    body = html.split("<body>")[1]
    assert f'<a class="subscribe-link" href="{feed}.xml" type="application/rss+xml">' in body


def test_feed_links_do_not_cost_a_query(client, site, django_assert_num_queries):
    feed_links(site.places.linhai), feed_link(site.glasses), calendar_link(site.company)
    with django_assert_num_queries(0):
        feed_links(site.places.linhai)
        feed_link(site.glasses)
        feed_link(site.company)
        calendar_link(site.event)


def test_drafts_and_scheduled_stories_stay_out_even_for_staff(editor_client, site):
    # Staff see previews on the site, never in a feed (which a cache may keep).
    assert titles(read(editor_client, "/places/duqiao/feed.xml")) == {"杜桥眼镜产业创新联盟成立"}
