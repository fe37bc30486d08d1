"""Facet counts never lie: every count a facet shows is the number of stories (or
organisations, or events) its link leads to, with the other filters applied, whether it
was counted just now or kept in the cache, below and above the cap. Above the cap a text
search shows choices without numbers, each leading to at least one story."""

import itertools
import random
from urllib.parse import quote

import pytest

from articles import search

from .factories import (
    ArticleFactory,
    EventFactory,
    OrganisationFactory,
    PlaceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(places):
    """60 stories spread unevenly over places at every level, 4 topics, 4 organisations
    and 2 events, plus drafts and scheduled stories that no count may include."""
    rng = random.Random(7)
    town = PlaceFactory(name="小镇", slug="xiaozhen", kind="town", parent=places.shangrao)
    where = (
        [places.duqiao] * 5
        + [places.linhai] * 3
        + [places.zone] * 2
        + [
            places.zhejiang,
            town,
            None,
        ]
    )
    topics = [TopicFactory(name=n) for n in ("眼镜", "镜片", "光学玻璃", "展会")]
    organisations = [OrganisationFactory() for _ in range(4)]
    events = [EventFactory(place=places.linhai), EventFactory(draft=True)]
    for i in range(60):
        ArticleFactory(
            title=f"眼镜产业第{i}篇" if i % 3 else f"光学新闻第{i}篇",
            place=rng.choice(where),
            topics=rng.sample(topics, rng.randint(1, 3)),
            organisations=rng.sample(organisations, rng.randint(0, 2)),
            event=rng.choice([None, None, *events]),
            draft=i % 17 == 0,
            scheduled=i % 19 == 0,
        )
    return topics


def facets_of(response):
    assert response.status_code == 200
    return response.context["facets"]


def listed(client, url):
    """How many rows the list at ``url`` has (capped lists: the cap, and capped=True)."""
    response = client.get(url)
    assert response.status_code == 200, url
    paginator = response.context["paginator"]
    # The event list pages through past events; upcoming ones stand above them.
    upcoming = len(response.context.get("upcoming_events") or [])
    return paginator.count + upcoming, getattr(paginator, "capped", False)


def check_every_option(client, path, query):
    checked = 0
    for facet in facets_of(client.get(f"{path}?{query}" if query else path)):
        for option in facet.options:
            if option.value == facet.selected:
                continue  # its link removes the filter
            count, capped = listed(client, path + option.href)
            if option.count is None:
                assert count >= 1, (query, facet.name, option.value)
            elif option.count > search.COUNT_CAP:
                assert capped and count == search.COUNT_CAP
            else:
                assert (count, capped) == (option.count, False), (query, facet.name, option)
            checked += 1
    return checked


QUERIES = [
    "",
    "place=zhejiang",
    "topic=" + quote("眼镜"),
    "place=zhejiang&topic=" + quote("镜片"),
    "place=jiangxi&sort=popular",
    "q=" + quote("眼镜"),
    "q=" + quote("光学") + "&place=zhejiang",
    "date_from=2000-01-01&topic=" + quote("展会"),
]


@pytest.mark.parametrize("query", QUERIES)
def test_story_facets_count_what_their_links_give(client, archive, query):
    assert check_every_option(client, "/articles/", query) > 0


@pytest.mark.parametrize("query", QUERIES[:4])
def test_counts_kept_in_the_cache_are_as_right_as_fresh_ones(client, archive, query):
    client.get(f"/articles/?{query}")  # computed and kept
    assert check_every_option(client, "/articles/", query) > 0


def test_counts_above_the_cap_are_exact_and_their_lists_say_more_than(client, archive, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 5)
    monkeypatch.setattr("articles.views.facets.COUNT_CAP", 5)
    monkeypatch.setattr("articles.views.facets.Facet.cap", 5)
    assert check_every_option(client, "/articles/", "") > 0
    assert check_every_option(client, "/articles/", "place=zhejiang") > 0


def test_a_common_word_above_the_cap_lists_choices_without_numbers(client, archive, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 5)
    monkeypatch.setattr("articles.views.facets.COUNT_CAP", 5)
    monkeypatch.setattr("articles.views.facets.Facet.cap", 5)
    response = client.get("/search/?q=" + quote("眼镜"))
    groups = facets_of(response)
    assert groups and all(not group.counted for group in groups)
    assert all(option.count is None for group in groups for option in group.options)
    shown = [group for group in groups if group.options]
    assert response.content.decode().count('class="facet-note"') == len(shown)
    assert check_every_option(client, "/search/", "q=" + quote("眼镜")) > 0

    # A rare word under the cap is counted exactly again.
    rare = client.get("/search/?q=" + quote("光学新闻第3篇"))
    assert all(group.counted for group in facets_of(rare))


@pytest.mark.parametrize(
    ("kind", "place"), list(itertools.product(["", "company"], ["", "zhejiang"]))
)
def test_organisation_facets_count_what_their_links_give(client, places, kind, place):
    for i in range(12):
        OrganisationFactory(
            kind=("company", "association", "academic")[i % 3],
            place=(places.duqiao, places.zone, None, places.taizhou)[i % 4],
        )
    query = "&".join(f"{k}={v}" for k, v in (("kind", kind), ("place", place)) if v)
    assert check_every_option(client, "/organisations/", query) > 0


def test_event_facets_count_what_their_links_give(client, places):
    for i in range(9):
        EventFactory(place=(places.duqiao, places.zone, places.jiangxi)[i % 3])
    EventFactory(place=places.duqiao, draft=True)
    assert check_every_option(client, "/events/", "") > 0
