"""The sitemaps (articles/sitemaps.py): an index of every section's pages, pages listing
every published item and nothing else, absolute addresses, robots.txt naming the index,
and a cost that does not grow with the archive. See docs/seo.md."""

import datetime as dt
import xml.etree.ElementTree as ET
from urllib.parse import unquote, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import sitemaps
from articles.models import Article, Event

from .factories import ArticleFactory, EventFactory, OrganisationFactory, PlaceFactory

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SECTIONS = ("stories", "events", "organisations", "places", "topics")


def xml(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response["Content-Type"].startswith("application/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def index_entries(client):
    """(loc, lastmod or None) of every sitemap the index lists."""
    root = xml(client, "/sitemap.xml")
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    return [
        (node.findtext("sm:loc", namespaces=NS), node.findtext("sm:lastmod", namespaces=NS))
        for node in root.findall("sm:sitemap", NS)
    ]


def urls(client, url):
    """{path: lastmod or None} of a sitemap page (an absolute ``url`` from the index, or
    a path)."""
    parts = urlsplit(url)
    root = xml(client, f"{parts.path}?{parts.query}" if parts.query else parts.path)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    found = {}
    for node in root.findall("sm:url", NS):
        loc = node.findtext("sm:loc", namespaces=NS)
        assert loc.startswith("http://testserver/"), loc
        found[unquote(urlsplit(loc).path)] = node.findtext("sm:lastmod", namespaces=NS)
    return found


def all_urls(client):
    """{path: lastmod} over every page the index lists."""
    found = {}
    for loc, _lastmod in index_entries(client):
        found |= urls(client, loc)
    return found


@pytest.fixture
def taken_down(site):
    return ArticleFactory(
        title="撤下的新闻",
        published_at=timezone.now() - dt.timedelta(days=2),
        unpublish_at=timezone.now() - dt.timedelta(days=1),
    )


# --- The index -------------------------------------------------------------------------


def test_the_index_lists_every_section_with_absolute_addresses(client, site):
    locs = [loc for loc, _ in index_entries(client)]
    assert locs == [f"http://testserver/sitemap-{section}.xml" for section in SECTIONS]


def test_the_index_lists_several_pages_of_stories_with_their_newest_change(
    client, site, monkeypatch
):
    monkeypatch.setattr(sitemaps.StorySitemap, "limit", 2)
    for n in range(4):
        ArticleFactory(title=f"又一条新闻{n}")
    entries = index_entries(client)
    story_pages = [(loc, mod) for loc, mod in entries if "sitemap-stories" in loc]
    published = Article.objects.published()
    numbers = sorted({(pk - 1) // 2 + 1 for pk in published.values_list("pk", flat=True)})
    assert len(numbers) >= 3
    assert [loc for loc, _ in story_pages] == [
        "http://testserver/sitemap-stories.xml"
        if n == 1
        else f"http://testserver/sitemap-stories.xml?p={n}"
        for n in numbers
    ]
    # Each page has the newest change of its stories, in Beijing time to the second.
    for (_loc, mod), n in zip(story_pages, numbers, strict=True):
        stories = published.filter(pk__gt=(n - 1) * 2, pk__lte=n * 2)
        newest = max(max(a.updated_at, a.published_at) for a in stories)
        assert mod.endswith("+08:00")
        assert dt.datetime.fromisoformat(mod) == newest.replace(microsecond=0)
    # Every published story is on exactly one page, none of the others.
    seen = []
    for loc, _ in story_pages:
        page = urls(client, loc)
        assert 1 <= len(page) <= 2
        seen += list(page)
    assert sorted(seen) == sorted(unquote(a.get_absolute_url()) for a in published)


def test_sections_without_an_honest_date_give_none(client, site):
    entries = dict(index_entries(client))
    assert entries["http://testserver/sitemap-events.xml"]
    for section in ("organisations", "places", "topics"):
        assert entries[f"http://testserver/sitemap-{section}.xml"] is None


def test_an_empty_site_still_has_one_page_per_section(client, db):
    Article.objects.all().delete()
    locs = [loc for loc, _ in index_entries(client)]
    assert len(locs) == len(SECTIONS)
    assert urls(client, "/sitemap-stories.xml") == {}


def test_addresses_are_on_site_url_when_it_is_set(client, site, settings):
    settings.SITE_URL = "https://guangxue.example.cn"
    locs = [loc for loc, _ in index_entries(client)]
    assert locs[0] == "https://guangxue.example.cn/sitemap-stories.xml"
    root = xml(client, "/sitemap-stories.xml")
    locs = [node.text for node in root.iterfind("sm:url/sm:loc", NS)]
    assert locs and all(loc.startswith("https://guangxue.example.cn/articles/") for loc in locs)


# --- The pages -------------------------------------------------------------------------


def test_stories_lists_every_published_story_and_no_other(client, site, taken_down):
    found = urls(client, "/sitemap-stories.xml")
    assert set(found) == {
        unquote(site.story.get_absolute_url()),
        unquote(site.other.get_absolute_url()),
    }
    for hidden in (site.draft, site.scheduled, taken_down):
        assert unquote(hidden.get_absolute_url()) not in found


def test_story_addresses_are_the_ones_reverse_gives(client, site):
    """Built from one reversed address, quoted as reverse() quotes."""
    Article.objects.filter(pk=site.other.pk).update(slug="光学 x&y")
    other = Article.objects.get(pk=site.other.pk)
    root = xml(client, "/sitemap-stories.xml")
    locs = {node.text for node in root.iterfind("sm:url/sm:loc", NS)}
    assert locs == {
        f"http://testserver{site.story.get_absolute_url()}",
        f"http://testserver{other.get_absolute_url()}",
    }
    assert "%E5%85%89%E5%AD%A6%20x&y" in other.get_absolute_url()


def test_every_story_has_its_lastmod(client, site):
    story = site.story
    Article.objects.filter(pk=story.pk).update(
        updated_at=dt.datetime(2025, 6, 20, 1, 30, 15, 123456, tzinfo=dt.UTC),
        published_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
    )
    found = urls(client, "/sitemap-stories.xml")
    assert all(found.values())
    assert found[unquote(story.get_absolute_url())] == "2025-06-20T09:30:15+08:00"


def test_a_scheduled_story_that_appeared_has_its_publication_time_as_lastmod(client, site):
    """Saved before its time, it appears without a save: its publication is the change."""
    appeared = timezone.now() - dt.timedelta(minutes=5)
    Article.objects.filter(pk=site.scheduled.pk).update(
        published_at=appeared, updated_at=appeared - dt.timedelta(days=3)
    )
    found = urls(client, "/sitemap-stories.xml")
    lastmod = dt.datetime.fromisoformat(found[unquote(site.scheduled.get_absolute_url())])
    assert lastmod == appeared.replace(microsecond=0)


def test_events_lists_published_events_with_lastmod(client, site):
    draft = EventFactory(title="草稿活动", draft=True)
    scheduled = EventFactory(title="定时活动", scheduled=True)
    found = urls(client, "/sitemap-events.xml")
    assert set(found) == {site.event.get_absolute_url()}
    assert draft.get_absolute_url() not in found
    assert scheduled.get_absolute_url() not in found
    # Its last change (the history's newest record), or its publication when later.
    changed = site.event.history.latest().history_date
    expected = max(changed, site.event.published_at).replace(microsecond=0)
    assert dt.datetime.fromisoformat(found[site.event.get_absolute_url()]) == expected


def test_an_event_without_history_has_its_publication_time(client, site):
    Event.history.model.objects.all().delete()
    found = urls(client, "/sitemap-events.xml")
    expected = site.event.published_at.replace(microsecond=0)
    assert dt.datetime.fromisoformat(found[site.event.get_absolute_url()]) == expected


def test_organisations_places_and_topics(client, site):
    lonely = OrganisationFactory(name="没有新闻的公司", slug="meiyou")
    assert set(urls(client, "/sitemap-organisations.xml")) == {
        site.company.get_absolute_url(),
        site.association.get_absolute_url(),
        lonely.get_absolute_url(),
    }
    places = urls(client, "/sitemap-places.xml")
    assert set(places) == {
        f"/places/{slug}/"
        for slug in (
            "zhejiang",
            "taizhou",
            "linhai",
            "duqiao",
            "jiangxi",
            "shangrao",
            "shangraojingkaiqu",
        )
    }
    # Topics with a published story; the addresses of Chinese slugs percent-encoded.
    root = xml(client, "/sitemap-topics.xml")
    locs = sorted(node.text for node in root.iterfind("sm:url/sm:loc", NS))
    assert locs == sorted(
        [
            "http://testserver/topics/%E7%9C%BC%E9%95%9C/",  # 眼镜
            "http://testserver/topics/%E9%95%9C%E7%89%87/",  # 镜片
        ]
    )


def test_a_topic_with_only_a_draft_is_left_out(client, site):
    Article.objects.filter(pk=site.other.pk).update(status="draft")
    assert set(urls(client, "/sitemap-topics.xml")) == {"/topics/眼镜/"}


def test_everything_together_has_no_draft(client, site, taken_down):
    found = all_urls(client)
    for title in ("草稿新闻不应出现", "定时新闻不应出现", "撤下的新闻"):
        article = Article.objects.get(title=title)
        assert unquote(article.get_absolute_url()) not in found


# --- Bad requests ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/sitemap-nothing.xml",
        "/sitemap-stories.xml?p=0",
        "/sitemap-stories.xml?p=2",
        "/sitemap-stories.xml?p=abc",
        "/sitemap-stories.xml?p=%C2%B2",
        "/sitemap-stories.xml?p=99999999999",
        "/sitemap-events.xml?p=-1",
    ],
)
def test_a_page_that_is_not_there_is_a_404(client, site, url):
    assert client.get(url).status_code == 404


# --- robots.txt ------------------------------------------------------------------------


def test_robots_txt_names_the_index(client, db, settings):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml\n" in text
    settings.SITE_URL = "https://guangxue.example.cn"
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://guangxue.example.cn/sitemap.xml\n" in text


# --- Cost ------------------------------------------------------------------------------


def queries(url, client):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("url", ["/sitemap.xml", *(f"/sitemap-{s}.xml" for s in SECTIONS)])
def test_queries_do_not_grow_with_the_archive(client, places, url):
    for n in range(3):
        ArticleFactory(title=f"新闻{n}", place=places.linhai)
        EventFactory(title=f"活动{n}")
        OrganisationFactory(name=f"公司{n}")
    few = len(queries(url, client))
    for n in range(3, 15):
        ArticleFactory(title=f"新闻{n}", place=places.duqiao)
        EventFactory(title=f"活动{n}")
        OrganisationFactory(name=f"公司{n}")
        PlaceFactory(name=f"地方{n}")
    assert len(queries(url, client)) == few


def sitemap_queries(sql):
    """The queries of the sitemaps' own reading of stories (not the content version's)."""
    return [q for q in sql if 'MAX("articles_article"."id")' in q or "updated_at" in q]


def test_a_page_of_stories_reads_no_text_and_counts_nothing(client, site):
    sql = queries("/sitemap-stories.xml", client)
    story_queries = sitemap_queries(sql)
    assert len(story_queries) == 2  # the largest id, the page
    assert not [q for q in sql if "COUNT(" in q.upper()]
    for q in story_queries:
        assert "COUNT(" not in q.upper()
        assert '"body"' not in q and '"original_text"' not in q and '"summary"' not in q


def test_the_index_keeps_what_it_reads_of_the_stories_until_a_change(client, site):
    def story_queries():
        return sitemap_queries(queries("/sitemap.xml", client))

    assert len(story_queries()) == 1  # the newest change of each page of stories
    assert story_queries() == []
    ArticleFactory(title="新的新闻")
    assert len(story_queries()) == 1


def test_sitemaps_are_served_from_the_page_cache(client, site, settings):
    settings.PAGE_CACHE_SECONDS = 300
    for url in ("/sitemap.xml", "/sitemap-stories.xml"):
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"
