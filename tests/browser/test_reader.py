"""A reader on a phone narrows the story list by city and topic, pages, and reads."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.demo import load_demo
from articles.models import Article, Place, Status, Topic

PER_PAGE = 20


def number(n):
    """Text containing the number ``n`` and not just its digits (29, not 129 or 290)."""
    return re.compile(rf"(^|\D){n}(\D|$)")


def query(page):
    """The current URL's query string, decoded: {"topic": ["眼镜"], ...}."""
    return parse_qs(urlsplit(page.url).query)


def make_stories():
    """More than a page of 眼镜 stories in and below 台州市, and some elsewhere."""
    slugs = ["taizhou", "linhai", "duqiao", "shangrao", "danyang"]
    places = {p.slug: p for p in Place.objects.filter(slug__in=slugs)}
    glasses, optics = Topic.objects.get(name="眼镜"), Topic.objects.get(name="光学元件")
    start = timezone.now() - dt.timedelta(days=1)
    plan = (
        [("duqiao", glasses)] * 12
        + [("linhai", glasses)] * 8
        + [("taizhou", glasses)] * 5
        + [("taizhou", optics)] * 3
        + [("danyang", glasses)] * 4
        + [("shangrao", optics)] * 3
    )
    for n, (slug, topic) in enumerate(plan):
        article = Article.objects.create(
            title=f"{places[slug].name}眼镜产业动态第{n + 1}期",
            summary=f"{places[slug].name}的产业新闻。",
            body=f"<p>{places[slug].name}第{n + 1}篇报道的正文。</p>",
            source="台州日报",
            source_url=f"https://example.com/news/{n + 1}.html",
            status=Status.PUBLISHED,
            published_at=start - dt.timedelta(hours=n),
            place=places[slug],
        )
        article.topics.add(topic)
    # Neither a draft nor a scheduled story may show up anywhere.
    for status, when in [(Status.DRAFT, start), (Status.PUBLISHED, start + dt.timedelta(days=3))]:
        hidden = Article.objects.create(
            title="不应出现的台州眼镜稿件",
            body="<p>草稿。</p>",
            status=status,
            published_at=when,
            place=places["duqiao"],
        )
        hidden.topics.add(glasses)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reader_filters_by_city_and_topic_removes_a_filter_pages_and_reads(
    live_server, phone_page, page_problems
):
    load_demo()
    make_stories()
    page = phone_page
    taizhou, glasses = Place.objects.get(slug="taizhou"), Topic.objects.get(name="眼镜")
    published = Article.objects.published()
    in_taizhou = published.in_place(taizhou).count()
    glasses_in_taizhou = published.in_place(taizhou).tagged(glasses).count()
    glasses_anywhere = published.tagged(glasses).count()
    assert glasses_anywhere > PER_PAGE and glasses_in_taizhou > PER_PAGE

    page.goto(f"{live_server.url}/articles/")
    facets = page.locator("aside.facets")
    result_count = page.locator(".result-count")
    expect(result_count).to_have_text(number(published.count()))

    # The city, by its facet link; its count is the number of stories it gives.
    city_link = facets.get_by_role("link", name=re.compile(r"^台州市\s*\d+$"))
    expect(city_link.locator(".count")).to_have_text(str(in_taizhou))
    city_link.click()
    expect(page).to_have_url(re.compile(r"place=taizhou"))
    expect(result_count).to_have_text(number(in_taizhou))
    expect(facets.locator("a[aria-current=true]", has_text="台州市")).to_be_visible()

    # Then a topic, keeping the city.
    topic_link = facets.get_by_role("link", name=re.compile(r"^眼镜\s*\d+$"))
    expect(topic_link.locator(".count")).to_have_text(str(glasses_in_taizhou))
    topic_link.click()
    expect(page).to_have_url(re.compile(r"topic="))
    assert query(page) == {"place": ["taizhou"], "topic": ["眼镜"]}
    expect(result_count).to_have_text(number(glasses_in_taizhou))

    # Both filters are shown as chips; the place chip removes the place only.
    chips = page.locator(".active-filters .chip-remove")
    expect(chips).to_have_count(2)
    expect(page.locator(".chip-remove[data-filter=place]")).to_contain_text("台州市")
    expect(page.locator(".chip-remove[data-filter=topic]")).to_contain_text("眼镜")
    page.locator(".chip-remove[data-filter=place]").click()
    expect(chips).to_have_count(1)
    assert query(page) == {"topic": ["眼镜"]}
    expect(result_count).to_have_text(number(glasses_anywhere))
    expect(page.get_by_text("不应出现的台州眼镜稿件")).to_have_count(0)

    # The next page keeps the filter.
    items = page.locator(".article-item")
    expect(items).to_have_count(PER_PAGE)
    page.locator(".pagination a[rel=next]").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    assert query(page) == {"topic": ["眼镜"], "page": ["2"]}
    expect(items).to_have_count(glasses_anywhere - PER_PAGE)
    expect(page.locator(".pagination a[rel=prev]")).to_be_visible()

    # Open the first story of page 2 and follow its links.
    link = items.first.locator(".article-item-title a")
    title = link.inner_text()
    link.click()
    article = Article.objects.get(title=title)
    expect(page).to_have_url(re.compile(re.escape(article.get_absolute_url()) + "$"))
    expect(page.locator("h1")).to_have_text(title)
    header = page.locator(".story-header")
    expect(header.get_by_role("link", name=article.source)).to_have_attribute(
        "href", article.source_url
    )
    place_link = header.get_by_role("link", name=article.place.name, exact=True)
    expect(place_link).to_have_attribute("href", article.place.get_absolute_url())
    expect(page.locator(".story-body")).to_have_text(re.sub(r"<[^>]+>", "", article.body))
    expect(page.locator(".story-links").get_by_role("link", name="眼镜")).to_have_attribute(
        "href", glasses.get_absolute_url()
    )
    place_link.click()
    expect(page.locator("h1")).to_have_text(article.place.name)
    page_problems.assert_none()
