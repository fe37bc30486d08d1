"""Structured data and link previews (articles/structured.py, docs/seo.md): the JSON-LD
of each kind of page parses and carries what schema.org and Google require; no text can
close its <script> element; every page has an og:image of at least 300 × 300, the
default share picture where it has none of its own."""

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image

from articles import images, structured
from articles.models import Article, Organisation
from portal.script import SCRIPT_COOKIE, TRADITIONAL

from .factories import ArticleFactory, EventFactory, EventOrganiserFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"


class HeadReader(HTMLParser):
    """The JSON-LD scripts (their raw text) and the og: properties of a page."""

    def __init__(self):
        super().__init__()
        self.scripts, self.og = [], []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True
            self.scripts.append("")
        elif tag == "meta" and (attrs.get("property") or "").startswith("og:image"):
            self.og.append((attrs["property"], attrs["content"]))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.scripts[-1] += data


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    reader = HeadReader()
    reader.feed(response.content.decode())
    return reader


def json_ld(client, url):
    """{@type: data} of every JSON-LD block of a page, each with its @context."""
    found = {}
    for text in read(client, url).scripts:
        data = json.loads(text)
        assert data["@context"] == "https://schema.org"
        assert data["@type"] not in found, f"two {data['@type']} on {url}"
        found[data["@type"]] = data
    return found


def og_images(client, url):
    """[{property: value}] for each og:image of a page, in order."""
    pictures = []
    for name, value in read(client, url).og:
        if name == "og:image":
            pictures.append({})
        pictures[-1][name] = value
    return pictures


def beijing(text):
    value = dt.datetime.fromisoformat(text)
    assert value.utcoffset() == dt.timedelta(hours=8), text
    return value


# --- Stories ---------------------------------------------------------------------------


def test_a_story_is_a_news_article(client, site):
    story = site.story
    data = json_ld(client, story.get_absolute_url())["NewsArticle"]
    url = f"http://testserver{story.get_absolute_url()}"
    assert data["headline"] == story.title
    assert beijing(data["datePublished"]) == story.published_at.replace(microsecond=0)
    assert beijing(data["dateModified"]) >= beijing(data["datePublished"])
    assert data["author"] == [{"@type": "Person", "name": "记者"}]
    assert data["sourceOrganization"] == {"@type": "Organization", "name": "台州日报"}
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert data["url"] == url
    assert data["description"] == story.summary
    # No cover: the default share pictures, wide and square.
    assert data["image"] == [
        "http://testserver/static/img/share-1200x630.png",
        "http://testserver/static/img/share-600x600.png",
    ]
    publisher = data["publisher"]
    assert publisher["@type"] == "Organization"
    assert publisher["name"] == settings.SITE_NAME
    assert publisher["logo"] == {
        "@type": "ImageObject",
        "url": "http://testserver/static/img/logo-512.png",
        "width": 512,
        "height": 512,
    }


def test_a_story_without_an_author_is_by_its_source(client, db):
    story = ArticleFactory(author="", source="临海新闻网", source_url="https://example.com/a")
    data = json_ld(client, story.get_absolute_url())["NewsArticle"]
    assert data["author"] == [
        {"@type": "Organization", "name": "临海新闻网", "url": "https://example.com/a"}
    ]
    assert "sourceOrganization" not in data


def test_a_story_without_author_or_source_is_by_the_portal(client, db):
    story = ArticleFactory(author="", source="", source_url="")
    data = json_ld(client, story.get_absolute_url())["NewsArticle"]
    assert data["author"][0]["@type"] == "Organization"
    assert data["author"][0]["name"] == settings.SITE_NAME


def test_a_long_title_is_cut_to_110_characters(client, db):
    story = ArticleFactory(title="光" * 200)
    data = json_ld(client, story.get_absolute_url())["NewsArticle"]
    assert len(data["headline"]) == 110
    assert data["headline"].endswith("…")


def test_a_scheduled_story_that_appeared_was_modified_when_it_appeared(client, db):
    story = ArticleFactory()
    appeared = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=1)
    Article.objects.filter(pk=story.pk).update(
        published_at=appeared, updated_at=appeared - dt.timedelta(days=2)
    )
    data = json_ld(client, story.get_absolute_url())["NewsArticle"]
    assert beijing(data["dateModified"]) == appeared


@pytest.fixture
def covered(db):
    """A story with a cover: its name and size are all the page reads."""
    story = ArticleFactory(title="有封面的新闻")
    Article.objects.filter(pk=story.pk).update(
        cover="covers/2025/06/cover.jpg", cover_width=2000, cover_height=1200, cover_alt="检测镜片"
    )
    return Article.objects.get(pk=story.pk)


def test_a_story_with_a_cover_shows_its_rendition(client, covered):
    og = f"http://testserver{images.og_image(covered)}"
    data = json_ld(client, covered.get_absolute_url())["NewsArticle"]
    assert data["image"] == [og]
    # The cover's link preview, with its size and description; no default after it.
    assert og_images(client, covered.get_absolute_url()) == [
        {
            "og:image": og,
            "og:image:width": "1200",
            "og:image:height": "720",
            "og:image:alt": "检测镜片",
        }
    ]


def test_a_title_cannot_close_the_script_element(client, db):
    title = '</script><script>alert("x")</script><!-- & >'
    story = ArticleFactory(title=title, summary="</SCRIPT >摘要")
    html = client.get(story.get_absolute_url()).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert blocks
    for block in blocks:
        assert "<" not in block and ">" not in block
    data = json_ld(client, story.get_absolute_url())
    assert data["NewsArticle"]["headline"] == title
    assert data["NewsArticle"]["description"] == "</SCRIPT >摘要"
    assert data["BreadcrumbList"]["itemListElement"][-1]["name"] == title
    assert "<script>alert" not in html


def test_a_reader_of_traditional_characters_gets_them_in_the_data_too(client, site):
    """The page is converted on the way out, scripts left alone: the data is converted
    where it is made, so that it says what the page says."""
    client.cookies[SCRIPT_COOKIE] = TRADITIONAL
    url = site.story.get_absolute_url()
    data = json_ld(client, url)
    assert data["NewsArticle"]["headline"] == "杜橋眼鏡產業創新聯盟成立"
    assert data["BreadcrumbList"]["itemListElement"][1]["name"] == "浙江省"
    assert data["NewsArticle"]["url"] == f"http://testserver{url}"
    html = client.get(url).content.decode()
    assert "杜桥眼镜产业创新联盟成立" not in html


# --- Events ----------------------------------------------------------------------------


def test_an_event_is_an_event(client, site):
    event = site.event
    data = json_ld(client, event.get_absolute_url())["Event"]
    assert data["name"] == event.title
    assert data["startDate"] == event.starts_on.isoformat()
    assert data["endDate"] == event.ends_on.isoformat()
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == {
        "@type": "Place",
        "name": "国际会展中心",
        "address": {
            "@type": "PostalAddress",
            "addressCountry": "CN",
            "addressRegion": "浙江省",
            "addressLocality": "台州市",
            "streetAddress": "临海市 国际会展中心",
        },
    }
    assert [org["name"] for org in data["organizer"]] == [
        "中国测试光学协会",
        "浙江测试眼镜有限公司",
    ]
    for org in data["organizer"]:
        assert org["@type"] == "Organization"
        assert org["url"].startswith("http://testserver/organisations/")
    assert data["url"] == f"http://testserver{event.get_absolute_url()}"
    assert data["description"]
    assert data["image"][0] == "http://testserver/static/img/share-1200x630.png"


def test_a_timed_event_has_beijing_times(client, db):
    event = EventFactory(
        starts_on=dt.date(2025, 6, 20),
        ends_on=None,
        start_time=dt.time(9, 30),
        end_time=dt.time(17, 0),
        description="",
        venue="",
        website="https://example.com/fair",
    )
    EventOrganiserFactory(
        event=event, organisation=OrganisationFactory(website="https://example.com/org")
    )
    data = json_ld(client, event.get_absolute_url())["Event"]
    assert data["startDate"] == "2025-06-20T09:30:00+08:00"
    assert data["endDate"] == "2025-06-20T17:00:00+08:00"
    assert data["location"] == {
        "@type": "Place",
        "address": {"@type": "PostalAddress", "addressCountry": "CN"},
    }
    assert data["description"] == event.title
    assert data["organizer"][0]["url"] == "https://example.com/org"
    assert data["sameAs"] == "https://example.com/fair"


def test_a_multi_day_event_ends_on_its_last_day(client, db):
    event = EventFactory(starts_on=dt.date(2025, 9, 10), ends_on=dt.date(2025, 9, 12))
    data = json_ld(client, event.get_absolute_url())["Event"]
    assert (data["startDate"], data["endDate"]) == ("2025-09-10", "2025-09-12")


# --- Organisations ---------------------------------------------------------------------


def test_an_organisation_is_an_organization(client, site):
    company = site.company
    Organisation.objects.filter(pk=company.pk).update(
        website="https://ceshi.example.com", logo="logos/ceshi.png", description="生产 眼镜。"
    )
    company.refresh_from_db()
    page = f"http://testserver{company.get_absolute_url()}"
    data = json_ld(client, company.get_absolute_url())["Organization"]
    assert data["@id"] == f"{page}#organization"
    assert data["name"] == "浙江测试眼镜有限公司"
    assert data["alternateName"] == "测试眼镜"
    assert data["url"] == "https://ceshi.example.com"
    assert data["logo"] == {
        "@type": "ImageObject",
        "url": f"http://testserver{images.logo_image(company)}",
    }
    assert data["address"]["addressRegion"] == "浙江省"
    assert data["address"]["streetAddress"] == "临海市杜桥镇"
    assert data["description"] == "生产 眼镜。"
    # The logo is small: the default share picture follows it in the link preview.
    pictures = og_images(client, company.get_absolute_url())
    assert pictures[0] == {"og:image": f"http://testserver{images.logo_image(company)}"}
    assert pictures[1]["og:image"].endswith("/static/img/share-1200x630.png")


def test_an_organisation_without_place_or_website(client, db):
    org = OrganisationFactory(name="某光学公司")
    data = json_ld(client, org.get_absolute_url())["Organization"]
    assert data["url"] == f"http://testserver{org.get_absolute_url()}"
    assert "address" not in data and "logo" not in data and "alternateName" not in data


# --- Breadcrumbs -----------------------------------------------------------------------


def crumbs(client, url):
    data = json_ld(client, url)["BreadcrumbList"]
    elements = data["itemListElement"]
    assert [e["position"] for e in elements] == list(range(1, len(elements) + 1))
    assert all(e["@type"] == "ListItem" and e["item"].startswith("http") for e in elements)
    return [(e["name"], e["item"].removeprefix("http://testserver")) for e in elements]


def test_breadcrumbs_wherever_they_show(client, site):
    trail = [
        ("首页", "/"),
        ("浙江省", "/places/zhejiang/"),
        ("台州市", "/places/taizhou/"),
        ("临海市", "/places/linhai/"),
    ]
    story = site.story
    assert crumbs(client, story.get_absolute_url()) == [
        *trail,
        ("杜桥镇", "/places/duqiao/"),
        (story.title, story.get_absolute_url()),
    ]
    assert crumbs(client, site.event.get_absolute_url()) == [
        *trail,
        (site.event.title, site.event.get_absolute_url()),
    ]
    assert crumbs(client, "/places/duqiao/") == [*trail, ("杜桥镇", "/places/duqiao/")]
    assert crumbs(client, site.association.get_absolute_url())[-1] == (
        "中国测试光学协会",
        site.association.get_absolute_url(),
    )


def test_pages_without_breadcrumbs_have_no_breadcrumb_list(client, site):
    for url in ("/", "/articles/", "/topics/", "/events/", "/organisations/"):
        assert "BreadcrumbList" not in json_ld(client, url)


# --- Link previews ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/articles/", "/places/", "/topics/", "/events/", "/organisations/"]
)
def test_pages_without_a_picture_share_the_default_one(client, site, url):
    pictures = og_images(client, url)
    assert [p["og:image"] for p in pictures] == [
        "http://testserver/static/img/share-1200x630.png",
        "http://testserver/static/img/share-600x600.png",
    ]
    for picture in pictures:
        assert int(picture["og:image:width"]) >= 300 and int(picture["og:image:height"]) >= 300
        assert picture["og:image:alt"]
        assert picture["og:image:type"] == "image/png"


def test_a_story_without_a_cover_shares_the_default_picture(client, site):
    pictures = og_images(client, site.story.get_absolute_url())
    assert pictures[0]["og:image"] == "http://testserver/static/img/share-1200x630.png"


def test_the_default_pictures_are_the_size_they_say(db):
    for path, width, height in (*structured.DEFAULT_SHARE_IMAGES, structured.LOGO):
        with Image.open(STATIC / path) as picture:
            assert picture.format == "PNG"
            assert picture.size == (width, height)
            assert min(picture.size) >= 300


def test_previews_use_site_url(client, site, settings):
    settings.SITE_URL = "https://guangxue.example.cn"
    pictures = og_images(client, "/articles/")
    assert pictures[0]["og:image"] == "https://guangxue.example.cn/static/img/share-1200x630.png"
    data = json_ld(client, site.story.get_absolute_url())["NewsArticle"]
    assert data["url"].startswith("https://guangxue.example.cn/articles/")


# --- Cost ------------------------------------------------------------------------------


def test_building_the_data_reads_nothing(rf, site, django_assert_num_queries):
    """Everything comes from what the page has read already."""
    request = rf.get("/")
    story = Article.objects.select_related("place").get(pk=site.story.pk)
    event, company = site.event, site.company
    trail = list(site.places.duqiao.trail())
    with django_assert_num_queries(0):
        structured.news_article(request, story, "摘要")
        structured.event(request, event, [company], trail)
        structured.organisation(request, company, trail)
        structured.breadcrumbs(request, trail, "标题", "http://testserver/x/")
        structured.share_image_meta(request)
