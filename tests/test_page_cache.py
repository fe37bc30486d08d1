"""The page cache (portal/pagecache.py): anonymous readers get cached pages, and no
cached page outlives a change of anything it shows, the next scheduled publication or
the next midnight. Staff, previews, errors and responses that set cookies are never
cached. See docs/caching.md."""

import datetime as dt
import time
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from articles.admin.publishing import publish, unpublish
from articles.models import Article, ContentState, ContentVersion, Status
from portal import release
from portal.pagecache import PageCacheMiddleware
from portal.script import SCRIPT_COOKIE, TRADITIONAL

from .factories import (
    ArticleFactory,
    EditorFactory,
    EventOrganiserFactory,
    OrganisationFactory,
    SuperUserFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db
BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get("X-Page-Cache"), response.content.decode()


def cached_page(client, url):
    """Fetch ``url`` twice: the second answer must come from the cache."""
    get(client, url)
    source, html = get(client, url)
    assert source == "hit", url
    return html


# --- What is cached ---------------------------------------------------------------------


def test_an_anonymous_reader_gets_a_cached_page_for_one_query(
    client, site, django_assert_num_queries
):
    first, html = get(client, "/articles/")
    assert first == "miss"
    with django_assert_num_queries(1):  # the content version
        again, cached_html = get(client, "/articles/")
    assert again == "hit" and cached_html == html


def test_pages_are_kept_apart_by_query_language_and_script(client, site):
    simplified = cached_page(client, "/articles/")
    assert "杜桥眼镜产业创新联盟成立" in simplified

    assert "草稿" not in cached_page(client, "/articles/?place=duqiao")
    client.cookies[SCRIPT_COOKIE] = TRADITIONAL
    traditional = cached_page(client, "/articles/")
    assert "杜橋眼鏡產業創新聯盟成立" in traditional

    del client.cookies[SCRIPT_COOKIE]
    client.cookies["django_language"] = "en"
    english = cached_page(client, "/articles/")
    assert 'lang="en"' in english and "News" in english


def test_staff_and_their_previews_are_never_cached(client, site, editor):
    client.force_login(editor)
    for url in ("/", "/articles/", site.draft.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
    client.logout()
    source, html = get(client, "/")
    assert source == "miss"  # nothing a staff member saw was stored
    assert site.draft.title not in html
    get(client, site.draft.get_absolute_url(), status=404)


def test_errors_and_bad_requests_are_never_cached(client, site):
    for url, status in (("/articles/?page=x", 400), ("/articles/999999-nothing/", 404)):
        get(client, url, status)
        response = client.get(url)
        assert response.status_code == status and "X-Page-Cache" not in response


def test_a_response_that_sets_a_cookie_or_is_private_is_not_stored():
    plain = HttpResponse("x")
    assert PageCacheMiddleware.cacheable_response(plain)
    with_cookie = HttpResponse("x")
    with_cookie.set_cookie("tracking", "1")
    private = HttpResponse("x", headers={"Cache-Control": "private"})
    created = HttpResponse("x", status=201)
    for response in (with_cookie, private, created):
        assert not PageCacheMiddleware.cacheable_response(response)

    factory = RequestFactory()
    assert PageCacheMiddleware.cacheable_request(factory.get("/"))
    assert PageCacheMiddleware.cacheable_request(factory.head("/"))
    assert not PageCacheMiddleware.cacheable_request(factory.post("/"))
    assert not PageCacheMiddleware.cacheable_request(factory.get("/admin/"))
    with_session = factory.get("/", HTTP_COOKIE="sessionid=abc")
    assert not PageCacheMiddleware.cacheable_request(with_session)


def test_zero_seconds_turns_the_cache_off(client, site, settings):
    settings.PAGE_CACHE_SECONDS = 0
    get(client, "/")
    response = client.get("/")
    assert "X-Page-Cache" not in response


# --- Every change shows at once --------------------------------------------------------------


def change_story_title(site):
    site.story.title = "杜桥眼镜联盟改名了"
    site.story.save()
    return "杜桥眼镜联盟改名了"


def add_story(site):
    ArticleFactory(title="刚刚发布的新闻", place=site.places.duqiao)
    return "刚刚发布的新闻"


def tag_story(site):
    site.story.topics.add(TopicFactory(name="新话题"))
    return "新话题"


def link_organisation(site):
    site.story.organisations.add(OrganisationFactory(name="新加入的公司"))
    return "新加入的公司"


def rename_organisation(site):
    site.company.name, site.company.short_name = "浙江改名眼镜有限公司", ""
    site.company.save()
    return "浙江改名眼镜有限公司"


def rename_place(site):
    site.places.duqiao.name = "杜桥新镇"
    site.places.duqiao.save()
    return "杜桥新镇"


def rename_topic(site):
    site.glasses.name = "镜架配件"
    site.glasses.save()
    return "镜架配件"


def retitle_event(site):
    site.event.title = "眼镜产业推进大会"
    site.event.save()
    return "眼镜产业推进大会"


def add_organiser(site):
    EventOrganiserFactory(event=site.event, organisation=OrganisationFactory(name="新协办单位"))
    return "新协办单位"


def rename_editor(site):
    editor = site.story.editor
    editor.first_name, editor.last_name = "小明", "王"
    editor.save()
    return "王小明"  # family name first


def publish_draft(site):
    request = RequestFactory().post("/")
    request._messages = _Messages()
    request.user = SuperUserFactory()
    publish(admin.site._registry[Article], request, Article.objects.filter(pk=site.draft.pk))
    return site.draft.title


CHANGES = [
    (change_story_title, "STORY"),
    (change_story_title, "/articles/"),
    (change_story_title, "/places/zhejiang/"),
    (add_story, "/"),
    (tag_story, "STORY"),
    (tag_story, "/topics/"),
    (link_organisation, "STORY"),
    (rename_organisation, "/organisations/"),
    (rename_organisation, "STORY"),
    (rename_place, "/places/"),
    (rename_place, "/articles/"),
    (rename_topic, "/"),
    (retitle_event, "/events/"),
    (retitle_event, "STORY"),
    (add_organiser, "EVENT"),
    (rename_editor, "STORY"),
    (publish_draft, "/articles/"),
    # Values kept under the version outside the page cache (docs/caching.md): story
    # items on every list, a place page's surroundings, a story's place trail.
    (tag_story, "/articles/"),
    (rename_topic, "/places/duqiao/"),
    (rename_place, "STORY"),
    (retitle_event, "/places/linhai/"),
    (rename_organisation, "/places/zhejiang/"),
    (change_story_title, "/organisations/ceshiyanjing/"),
    # The front page's lists: lead and latest stories, upcoming events, clusters.
    (change_story_title, "/"),
    (retitle_event, "/"),
    (rename_place, "/"),
    # A story page's surroundings: related, previous and next stories, topics.
    (add_story, "STORY"),
    (rename_topic, "STORY"),
    # An organisation page's event roles and place trail.
    (retitle_event, "/organisations/ceshiyanjing/"),
    (rename_place, "/organisations/ceshiyanjing/"),
]


class _Messages:
    def add(self, *args, **kwargs):
        pass


@pytest.mark.parametrize(("change", "url"), CHANGES, ids=lambda v: getattr(v, "__name__", v))
def test_every_kind_of_change_shows_at_once(client, site, change, url):
    site.story.editor = EditorFactory(first_name="责编", last_name="")
    site.story.save()
    url = {"STORY": site.story.get_absolute_url(), "EVENT": site.event.get_absolute_url()}.get(
        url, url
    )
    before = cached_page(client, url)
    shown = change(site)
    assert shown not in before

    source, after = get(client, url)
    assert source == "miss" and shown in after


@pytest.mark.parametrize(("change", "url"), CHANGES, ids=lambda v: getattr(v, "__name__", v))
def test_every_kind_of_change_shows_at_once_with_the_page_cache_off(
    client, site, settings, change, url
):
    """Story items, a place's surroundings and a story's trail are kept under the
    content version even when whole pages are not: they change with it too."""
    settings.PAGE_CACHE_SECONDS = 0
    site.story.editor = EditorFactory(first_name="责编", last_name="")
    site.story.save()
    url = {"STORY": site.story.get_absolute_url(), "EVENT": site.event.get_absolute_url()}.get(
        url, url
    )
    get(client, url)
    source, before = get(client, url)  # made again from the kept values
    assert source is None
    shown = change(site)
    assert shown not in before
    assert shown in get(client, url)[1]


@pytest.mark.parametrize(
    "url",
    [
        "/articles/",
        "/articles/?place=zhejiang&topic=TOPIC&organisation=ceshiyanjing&page=1",
        "/search/?q=眼镜&sort=popular",
    ],
)
def test_a_warm_story_list_reads_the_cache_twice(client, site, settings, monkeypatch, url):
    """Facet counts, the count and the page's ids in one cache request (``prefetch``),
    then the story items: no value is read on its own (each read is a round trip)."""
    settings.PAGE_CACHE_SECONDS = 0
    url = url.replace("TOPIC", quote(site.glasses.slug))
    get(client, url)
    reads, read = [], cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(len(keys)) or read(keys))
    get(client, url)
    facets_count_and_page, items = reads  # exactly two reads
    assert facets_count_and_page == 6 and items >= 1


def test_kept_search_highlights_follow_a_change(client, site, settings):
    """A search's highlighted titles and snippets are kept per story and words under
    the content version: an edit shows at once."""
    settings.PAGE_CACHE_SECONDS = 0
    url = "/search/?q=" + quote("联盟")
    get(client, url)
    assert "产业创新<mark>联盟</mark>成立" in get(client, url)[1]
    change_story_title(site)
    assert "杜桥眼镜<mark>联盟</mark>改名了" in get(client, url)[1]


def test_kept_story_items_follow_the_language_and_never_the_search(client, site, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert "来源: 台州日报" in get(client, "/articles/")[1]
    client.cookies["django_language"] = "en"
    english = get(client, "/articles/")[1]
    assert "Source: 台州日报" in english and "来源" not in english
    del client.cookies["django_language"]
    found = get(client, "/search/?q=" + quote("联盟"))[1]
    assert "<mark>联盟</mark>" in found


def test_unpublishing_and_deleting_take_a_story_off_every_page_at_once(client, site):
    title = site.story.title
    assert title in cached_page(client, "/")
    request = RequestFactory().post("/")
    request._messages = _Messages()
    unpublish(admin.site._registry[Article], request, Article.objects.filter(pk=site.story.pk))
    assert title not in get(client, "/")[1]

    assert site.other.title in cached_page(client, "/articles/")
    site.other.delete()
    assert site.other.title not in get(client, "/articles/")[1]


# --- Time ----------------------------------------------------------------------------------------


def test_a_scheduled_story_appears_at_its_time_with_no_write(client, site):
    soon = ArticleFactory(
        title="两秒后发布的新闻", published_at=timezone.now() + dt.timedelta(seconds=2)
    )
    assert soon.status == Status.PUBLISHED and not soon.is_published
    assert soon.title not in cached_page(client, "/")

    time.sleep((soon.published_at - timezone.now()).total_seconds() + 0.05)
    source, html = get(client, "/")
    assert source == "miss" and soon.title in html


def test_a_scheduled_story_appears_at_its_time_in_kept_values(client, site, settings):
    """With the page cache off, values kept under the version (a story page's related and
    next stories, a place's newest stories) expire at the next publication too."""
    settings.PAGE_CACHE_SECONDS = 0
    soon = ArticleFactory(
        title="两秒后发布的杜桥新闻",
        place=site.places.duqiao,
        published_at=timezone.now() + dt.timedelta(seconds=2),
    )
    urls = [site.story.get_absolute_url(), "/places/duqiao/"]
    for url in urls:
        get(client, url)
        assert soon.title not in get(client, url)[1]

    time.sleep((soon.published_at - timezone.now()).total_seconds() + 0.05)
    for url in urls:
        assert soon.title in get(client, url)[1], url


def test_nothing_is_kept_past_the_next_publication_or_midnight():
    now = dt.datetime(2025, 6, 20, 23, 0, tzinfo=BEIJING)
    assert ContentState(1, None).seconds_left(300, now) == 300
    assert ContentState(1, now + dt.timedelta(seconds=42.9)).seconds_left(300, now) == 42
    assert ContentState(1, now + dt.timedelta(milliseconds=300)).seconds_left(300, now) == 0
    # "Upcoming" events become past ones at midnight in Beijing.
    assert ContentState(1, None).seconds_left(7200, now) == 3600
    assert ContentState(1, None).seconds_left(300, now + dt.timedelta(minutes=59)) == 60


def test_the_version_changes_on_every_change_and_never_repeats(site):
    seen = {ContentVersion.current().version}
    for _ in range(5):
        site.story.save()
        seen.add(ContentVersion.current().version)
    assert len(seen) == 6


def test_the_next_publication_is_noted_and_renewed_once_passed(site):
    state = ContentVersion.current()
    assert state.next_publication == site.scheduled.published_at
    Article.objects.filter(pk=site.scheduled.pk).update(
        published_at=timezone.now() - dt.timedelta(seconds=1)
    )
    # The noted time has not passed yet: the row still names it.
    assert ContentVersion.current().next_publication == site.scheduled.published_at
    ContentVersion.objects.filter(pk=1).update(
        next_publication=timezone.now() - dt.timedelta(seconds=1)
    )
    renewed = ContentVersion.current()
    assert renewed.version == state.version  # the version stays: the cached entries expired
    assert renewed.next_publication is None


def test_a_search_page_is_cached_like_any_other(client, site):
    url = "/search/?q=" + quote("眼镜")
    html = cached_page(client, url)
    assert "<mark>眼镜</mark>" in html


# --- A deploy -----------------------------------------------------------------------------------


def test_every_cache_key_carries_the_fingerprint_of_the_code(settings):
    from django.core.cache import cache

    prefix = release.fingerprint(settings.BASE_DIR)
    assert settings.CACHES["default"]["KEY_PREFIX"] == prefix
    assert cache.make_key("anything").startswith(f"{prefix}:")


def test_the_fingerprint_changes_with_any_file_pages_are_made_of(tmp_path):
    """After a deploy nothing the previous code made is read back: not its pages, not
    values kept in a shape the new code no longer has."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "articles" / "__pycache__").mkdir(parents=True)
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>{{ story.title }}</p>")
    (tmp_path / "articles" / "views.py").write_text("x = 1\n")
    (tmp_path / "requirements.txt").write_text("Django==5.2.8\n")
    before = release.fingerprint(tmp_path)

    (tmp_path / "articles" / "__pycache__" / "views.cpython-311.pyc").write_bytes(b"\0")
    (tmp_path / "README.md").write_text("not part of a page")
    assert release.fingerprint(tmp_path) == before

    page.write_text("<p>{{ story.title }} · {{ story.place }}</p>")
    changed = release.fingerprint(tmp_path)
    assert changed != before
    (tmp_path / "requirements.txt").write_text("Django==5.2.9\n")
    assert release.fingerprint(tmp_path) not in (before, changed)
