"""The public site: every page opens, filters combine, unpublished items stay hidden."""

import datetime as dt
import re
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .factories import (
    ArticleFactory,
    EventFactory,
    EventOrganiserFactory,
    OrganisationFactory,
    PlaceFactory,
    TopicFactory,
    UserFactory,
)
from .helpers import facet

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
HIDDEN_TITLES = ("草稿新闻不应出现", "定时新闻不应出现")


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def public_urls(site):
    return [
        "/",
        "/articles/",
        site.story.get_absolute_url(),
        "/places/",
        "/places/duqiao/",
        "/places/zhejiang/",
        "/topics/",
        site.glasses.get_absolute_url(),
        "/organisations/",
        site.company.get_absolute_url(),
        "/events/",
        site.event.get_absolute_url(),
    ]


# --- Every page opens and describes itself --------------------------------------------------


def test_every_public_page_opens_with_title_description_canonical_and_opengraph(client, site):
    for url in public_urls(site):
        html = page(client, url)
        assert re.search(r"<title>[^<]+</title>", html), url
        assert '<meta name="description" content="' in html, url
        assert '<link rel="canonical" href="http://testserver/' in html, url
        for prop in ("og:title", "og:description", "og:url", "og:type"):
            assert f'property="{prop}"' in html, (url, prop)


def test_every_public_page_opens_for_a_superuser(superuser_client, site):
    for url in public_urls(site):
        page(superuser_client, url)
    for which in ("draft", "scheduled"):
        page(superuser_client, getattr(site, which).get_absolute_url())


def test_pages_open_on_an_empty_site(client, db):
    for url in ("/", "/articles/", "/places/", "/topics/", "/organisations/", "/events/"):
        page(client, url)


def test_robots_txt_keeps_crawlers_out_of_the_admin(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.content.decode()


def test_story_page_shows_what_the_story_links_to(client, site):
    html = page(client, site.story.get_absolute_url())

    assert site.story.title in html
    assert 'href="https://example.com/news/1.html"' in html  # source link
    assert "台州日报" in html
    for url in (
        site.places.duqiao.get_absolute_url(),
        site.places.linhai.get_absolute_url(),  # breadcrumbs
        site.places.zhejiang.get_absolute_url(),
        site.event.get_absolute_url(),
        site.company.get_absolute_url(),
        site.association.get_absolute_url(),
        site.glasses.get_absolute_url(),
    ):
        assert f'href="{url}"' in html, url


def test_event_page_lists_organisers_by_role_and_its_stories(client, site):
    response = client.get(site.event.get_absolute_url())
    roles = dict(response.context["organisers_by_role"])

    labels = [str(label) for label in roles]
    assert len(labels) == 2 and "主办" in labels[0] and "承办" in labels[1]
    assert list(roles.values()) == [[site.association], [site.company]]
    assert response.context["articles"] == [site.story]


def test_place_page_gathers_everything_in_and_below_the_place(client, site):
    response = client.get("/places/zhejiang/")

    assert response.context["article_count"] == 1
    assert response.context["articles"] == [site.story]
    assert response.context["upcoming_events"] == [site.event]
    assert response.context["organisations"] == [site.company]
    assert response.context["children"] == [site.places.taizhou]
    assert response.context["children"][0].n == 1
    assert [(t.label, t.count) for t in response.context["topics"]] == [("眼镜", 1)]


def test_organisation_page_shows_its_stories_and_event_roles(client, site):
    response = client.get(site.association.get_absolute_url())

    assert response.context["articles"] == [site.story]
    assert [r.event for r in response.context["event_roles"]] == [site.event]


# --- Drafts and scheduled items are invisible to readers ------------------------------------


def test_drafts_and_scheduled_stories_appear_on_no_public_page(client, site):
    urls = [
        *public_urls(site),
        site.other.get_absolute_url(),
        "/articles/?place=zhejiang",
        "/articles/?place=duqiao&topic=" + quote("眼镜"),
        f"/articles/?organisation={site.company.slug}",
        f"/articles/?event={site.event.slug}",
        "/articles/?sort=popular",
    ]
    for url in urls:
        html = page(client, url)
        for title in HIDDEN_TITLES:
            assert title not in html, (url, title)


def test_counts_leave_out_drafts_and_scheduled_stories(client, site):
    home = client.get("/")
    assert [a.pk for a in home.context["lead"]] == [site.story.pk]
    assert {(p.slug, p.n) for p in home.context["clusters"]} >= {("duqiao", 1), ("linhai", 1)}
    assert {(t.label, t.count) for t in home.context["topics"]} == {("眼镜", 1), ("镜片", 1)}

    listing = client.get("/articles/")
    assert listing.context["paginator"].count == 2
    assert facet(listing, "place") == {
        "zhejiang": 1,
        "taizhou": 1,
        "linhai": 1,
        "duqiao": 1,
        "jiangxi": 1,
        "shangrao": 1,
        "shangraojingkaiqu": 1,
    }
    assert facet(listing, "topic", by="label") == {"眼镜": 1, "镜片": 1}
    assert facet(listing, "organisation") == {site.company.slug: 1, site.association.slug: 1}
    assert facet(listing, "event") == {site.event.slug: 1}

    places = {p.slug: p.n for p in client.get("/places/").context["places"]}
    assert places["zhejiang"] == places["duqiao"] == 1
    topics = {t.name: t.n for t in client.get("/topics/").context["topics"]}
    assert topics == {"眼镜": 1, "镜片": 1}
    assert client.get(site.glasses.get_absolute_url()).context["paginator"].count == 1
    assert client.get(site.company.get_absolute_url()).context["article_count"] == 1
    assert client.get("/places/duqiao/").context["article_count"] == 1
    assert client.get(site.event.get_absolute_url()).context["articles"] == [site.story]


def test_related_stories_and_previous_next_leave_out_unpublished(client, site):
    """In time order: story, other, (draft), newer, (scheduled)."""
    newer = ArticleFactory(title="较新的眼镜新闻", topics=[site.glasses])

    story = client.get(site.story.get_absolute_url()).context
    assert story["related"] == [newer]
    assert story["previous_article"] is None
    assert story["next_article"] == site.other

    other = client.get(site.other.get_absolute_url()).context
    assert other["next_article"] == newer  # not the draft between them

    newest = client.get(newer.get_absolute_url()).context
    assert newest["related"] == [site.story]
    assert newest["previous_article"] == site.other
    assert newest["next_article"] is None  # not the scheduled story


@pytest.mark.parametrize("which", ["draft", "scheduled"])
def test_unpublished_story_is_a_404_for_readers(client, site, which):
    article = getattr(site, which)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(f"/articles/{article.pk}/").status_code == 404

    client.force_login(UserFactory())  # logged in, but not staff
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("which", ["draft", "scheduled"])
def test_staff_preview_an_unpublished_story_never_cached(editor_client, site, which):
    article = getattr(site, which)
    response = editor_client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert response.context["is_preview"]
    cache_control = response["Cache-Control"]
    for directive in ("no-cache", "no-store", "must-revalidate", "private", "max-age=0"):
        assert directive in cache_control
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert reverse("admin:articles_article_change", args=[article.pk]) in response.content.decode()
    article.refresh_from_db()
    assert article.view_count == 0


def test_staff_without_permission_cannot_preview(client, site):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(site.draft.get_absolute_url()).status_code == 404


def test_a_published_story_is_not_a_preview_and_asks_to_be_counted(client, site):
    response = client.get(site.story.get_absolute_url())

    # Counted by the page's beacon, not by the request (tests/test_read_counts.py).
    site.story.refresh_from_db()
    assert site.story.view_count == 0
    assert f'data-read-url="/articles/{site.story.pk}/read/"' in response.content.decode()
    assert not response.context["is_preview"]
    assert "X-Robots-Tag" not in response
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize("trait", ["draft", "scheduled"])
def test_unpublished_events_are_hidden_but_previewable(client, editor, places, trait):
    event = EventFactory(title="未公开的大会", place=places.duqiao, **{trait: True})
    EventOrganiserFactory(event=event, organisation=OrganisationFactory(slug="org-x"))

    for url in ("/", "/events/", "/places/duqiao/", "/organisations/org-x/", "/articles/"):
        assert "未公开的大会" not in page(client, url), url
    assert client.get(event.get_absolute_url()).status_code == 404
    assert client.get(f"/articles/?event={event.slug}").status_code == 400

    client.force_login(editor)
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize("kind", ["place", "topic", "organisation"])
def test_a_changed_slug_filters_at_once_and_the_old_one_is_refused(client, site, kind):
    """Rows found by slug are remembered in the process under the content version
    (articles/filters.py): a new slug works, and the old one is a 400, at once."""
    row = {"place": site.places.duqiao, "topic": site.glasses, "organisation": site.company}[kind]
    old = row.slug
    assert client.get("/articles/", {kind: old}).status_code == 200
    assert client.get("/articles/", {kind: old}).status_code == 200  # remembered

    row.slug = f"{old}-new"
    row.save()
    assert client.get("/articles/", {kind: old}).status_code == 400
    response = client.get("/articles/", {kind: row.slug})
    assert response.status_code == 200
    assert site.story.title in response.content.decode()


# --- Story URLs ------------------------------------------------------------------------------


def test_wrong_or_missing_slug_redirects_permanently_to_the_canonical_url(client, site):
    canonical = site.story.get_absolute_url()
    for url in (
        f"/articles/{site.story.pk}-wrong-slug/",
        f"/articles/{site.story.pk}/",
        f"/articles/{site.story.pk}-{quote('杜桥眼镜')}/",
    ):
        response = client.get(url)
        assert response.status_code == 301, url
        assert response["Location"] == canonical


def test_redirect_keeps_the_query_string(client, site):
    response = client.get(f"/articles/{site.story.pk}-old/?utm_source=weixin")
    assert response.status_code == 301
    assert response["Location"] == f"{site.story.get_absolute_url()}?utm_source=weixin"


def test_unknown_story_ids_are_404(client, site):
    assert client.get("/articles/999999-x/").status_code == 404
    assert client.get("/articles/999999/").status_code == 404


# --- Topics with Chinese slugs ------------------------------------------------------------


def test_chinese_topic_slugs_route(client, site):
    assert site.glasses.slug == "眼镜"
    for url in ("/topics/眼镜/", "/topics/%E7%9C%BC%E9%95%9C/", site.glasses.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.context["topic"] == site.glasses
        assert list(response.context["articles"]) == [site.story]


def test_a_topic_added_with_a_chinese_name_routes_by_that_name(client, db):
    topic = TopicFactory(name="智能 眼镜")
    story = ArticleFactory(topics=[topic])

    response = client.get(topic.get_absolute_url())

    assert topic.slug == "智能-眼镜"
    assert list(response.context["articles"]) == [story]
    assert client.get("/topics/没有这个主题/").status_code == 404


# --- The story list: filters that combine ---------------------------------------------------


def test_filtering_by_a_province_finds_stories_in_its_towns(client, site):
    for slug in ("zhejiang", "taizhou", "linhai", "duqiao"):
        response = client.get(f"/articles/?place={slug}")
        assert list(response.context["articles"]) == [site.story], slug
    assert list(client.get("/articles/?place=jiangxi").context["articles"]) == [site.other]
    assert list(client.get("/articles/?place=shangraojingkaiqu").context["articles"]) == [
        site.other
    ]


def test_filters_combine(client, site):
    glasses = quote("眼镜")
    assert list(client.get(f"/articles/?place=zhejiang&topic={glasses}").context["articles"]) == [
        site.story
    ]
    assert list(client.get(f"/articles/?place=jiangxi&topic={glasses}").context["articles"]) == []
    both = f"/articles/?organisation={site.company.slug}&event={site.event.slug}&place=taizhou"
    assert list(client.get(both).context["articles"]) == [site.story]


def test_facet_counts_apply_the_other_filters(client, site):
    response = client.get("/articles/?topic=" + quote("镜片"))
    assert set(facet(response, "place")) == {"jiangxi", "shangrao", "shangraojingkaiqu"}
    # The topic facet ignores the topic filter itself, so readers can switch topics.
    assert facet(response, "topic", by="label") == {"眼镜": 1, "镜片": 1}
    assert facet(response, "organisation") == {} and facet(response, "event") == {}


def test_active_filters_are_shown_and_can_be_removed_one_by_one(client, site):
    html = page(client, "/articles/?place=duqiao&topic=" + quote("眼镜"))
    removers = {
        name: href for href, name in re.findall(r'href="([^"]*)" data-filter="(\w+)"', html)
    }

    assert removers["place"] == "?topic=" + quote("眼镜")
    assert removers["topic"] == "?place=duqiao"
    assert "杜桥镇" in html and "眼镜" in html


def test_pagination_keeps_the_filters(client, places):
    for _ in range(25):
        ArticleFactory(place=places.duqiao)
    ArticleFactory(place=places.shangrao)

    first = client.get("/articles/?place=zhejiang")
    html = first.content.decode()
    next_link = re.search(r'<a rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")

    assert first.context["paginator"].count == 25
    assert "place=zhejiang" in next_link and "page=2" in next_link
    second = client.get("/articles/" + next_link)
    assert second.status_code == 200
    assert len(second.context["articles"]) == 5
    assert "page=1" in second.content.decode() or 'rel="prev"' in second.content.decode()


def test_sort_by_most_read(client, db):
    quiet = ArticleFactory(view_count=1)
    popular = ArticleFactory(view_count=100)
    newest = ArticleFactory(view_count=0)

    assert list(client.get("/articles/").context["articles"]) == [newest, popular, quiet]
    assert list(client.get("/articles/?sort=popular").context["articles"]) == [
        popular,
        quiet,
        newest,
    ]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("date_from=2025-06-20", True),
        ("date_to=2025-06-20", True),
        ("date_from=2025-06-20&date_to=2025-06-20", True),
        ("date_to=2025-06-19", False),
        ("date_from=2025-06-21", False),
    ],
)
def test_date_filters_use_the_beijing_calendar_day(client, db, query, found):
    """00:30 on 20 June in Beijing is still 19 June in UTC; readers mean Beijing's day."""
    story = ArticleFactory(published_at=dt.datetime(2025, 6, 20, 0, 30, tzinfo=BEIJING))
    ArticleFactory(published_at=dt.datetime(2025, 6, 22, 12, 0, tzinfo=BEIJING))
    ArticleFactory(published_at=dt.datetime(2025, 6, 18, 23, 59, tzinfo=BEIJING))

    articles = list(client.get(f"/articles/?{query}").context["articles"])

    assert (story in articles) is found


def test_a_day_range_includes_the_whole_last_day(client, db):
    late = ArticleFactory(published_at=dt.datetime(2025, 6, 20, 23, 59, tzinfo=BEIJING))
    ArticleFactory(published_at=dt.datetime(2025, 6, 21, 0, 0, tzinfo=BEIJING))

    response = client.get("/articles/?date_from=2025-06-20&date_to=2025-06-20")

    assert list(response.context["articles"]) == [late]


def test_story_list_shows_beijing_dates(client, db):
    ArticleFactory(published_at=dt.datetime(2025, 6, 19, 16, 30, tzinfo=dt.UTC))
    html = page(client, "/articles/")
    assert 'datetime="2025-06-20T00:30:00+08:00"' in html


def test_an_unused_filter_value_of_a_draft_event_is_refused(client, site):
    draft_event = EventFactory(draft=True, slug="draft-event")
    ArticleFactory(event=draft_event)
    assert client.get("/articles/?event=draft-event").status_code == 400


# --- Organisations and events lists ------------------------------------------------------------


def test_organisation_directory_filters_by_kind_and_place(client, site):
    OrganisationFactory(name="上饶测试公司", slug="srcs", place=site.places.zone)

    def listed(query):
        return {o.slug for o in client.get(f"/organisations/{query}").context["organisations"]}

    assert listed("") == {"ceshiyanjing", "ceshixiehui", "srcs"}
    assert listed("?kind=association") == {"ceshixiehui"}
    assert listed("?place=jiangxi") == {"ceshixiehui", "srcs"}
    assert listed("?place=jiangxi&kind=company") == {"srcs"}
    assert facet(client.get("/organisations/?place=jiangxi"), "kind")["company"] == 1


def test_event_list_upcoming_first_then_past_and_by_place(client, places):
    today = timezone.localdate()
    past = EventFactory(starts_on=dt.date(2024, 5, 1), ends_on=None, place=places.shangrao)
    later = EventFactory(starts_on=today + dt.timedelta(days=60), ends_on=None, place=places.duqiao)
    sooner = EventFactory(starts_on=today + dt.timedelta(days=5), ends_on=None, place=places.zone)

    response = client.get("/events/")
    assert response.context["upcoming_events"] == [sooner, later]
    assert list(response.context["past_events"]) == [past]

    in_jiangxi = client.get("/events/?place=jiangxi")
    assert in_jiangxi.context["upcoming_events"] == [sooner]
    assert list(in_jiangxi.context["past_events"]) == [past]
    assert facet(response, "place") == {
        "zhejiang": 1,
        "taizhou": 1,
        "jiangxi": 2,
        "shangrao": 2,
    }


def test_home_page_sections(client, site):
    other_place = PlaceFactory(is_cluster=True, slug="empty-cluster")
    response = client.get("/")

    assert response.context["lead"] == [site.story]
    assert response.context["latest"] == [site.other]
    assert response.context["upcoming_events"] == [site.event]
    assert other_place not in response.context["clusters"]  # clusters without stories wait


# --- Errors have helpful pages ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/places/nowhere/",
        "/organisations/nobody/",
        "/events/never/",
        "/topics/nothing/",
        "/articles/1-x/",
        "/no-such-page/",
    ],
)
def test_unknown_pages_are_404_with_a_way_back(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert 'href="/"' in html and 'href="/articles/"' in html


def test_article_short_route_name_resolves(db):
    story = ArticleFactory()
    assert reverse("articles:article-detail-short", args=[story.pk]) == f"/articles/{story.pk}/"
    assert Article.objects.count() == 1
