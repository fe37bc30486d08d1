"""Query counts per page, the same with three rows as with thirty.

Each test renders a page, adds many more rows of what the page lists, and renders
it again: the count must not change. The fixed numbers document each page's cost;
when a change adds a query on purpose, update the number (and the docstring).

Every count includes one read of the content version (articles/models/versions.py),
which keys the cached counts; the page cache itself is off here. Counts are measured
cold: adding rows changes the version, so nothing is served from the cache.
"""

from urllib.parse import quote

import pytest
from django.contrib import admin
from django.core.cache import cache

from articles.models import ContentVersion

from .factories import (
    ArticleFactory,
    EventFactory,
    EventOrganiserFactory,
    OrganisationFactory,
    PlaceFactory,
    TopicFactory,
)
from .helpers import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def assert_queries(client, django_assert_num_queries):
    """Render ``url`` (status 200) in exactly ``n`` queries."""

    def check(n, url, who=client):
        # The first read after a change works out the next scheduled publication;
        # done here, the page itself reads the content version once (counted in n).
        # Counts are measured cold: nothing computed by an earlier request is reused.
        ContentVersion.current()
        cache.clear()
        with django_assert_num_queries(n):
            response = who.get(url)
        assert response.status_code == 200, url
        return response

    return check


def stories(n, **kwargs):
    """``n`` published stories, each with two topics and two organisations."""
    topics = [TopicFactory(name="眼镜"), TopicFactory(name="镜片")]
    organisations = [OrganisationFactory(), OrganisationFactory()]
    return [ArticleFactory(topics=topics, organisations=organisations, **kwargs) for _ in range(n)]


# --- Front page and story list --------------------------------------------------------------


def test_home_page(assert_queries, places):
    """Lead, latest and most-read stories with their places and topics, events and clusters:
    no query per story (place, topics), per event (place) or per cluster (count)."""
    stories(3, place=places.duqiao)
    stories(1, place=places.duqiao, featured=True)
    EventFactory(place=places.linhai)
    assert_queries(9, "/")

    stories(30, place=places.zone)
    stories(5, place=places.zone, featured=True)
    for _ in range(10):
        EventFactory(place=PlaceFactory(parent=places.shangrao, is_cluster=True))
    assert_queries(9, "/")


def test_story_list(assert_queries, places):
    """Each listed story's place and topics, and every facet count, in a fixed number of
    queries: no query per story, per place in the tree, per topic or per organisation."""
    stories(3, place=places.duqiao)
    assert_queries(9, "/articles/")

    stories(30, place=places.zone)
    for _ in range(10):
        ArticleFactory(place=PlaceFactory(parent=places.linhai), topics=[TopicFactory()])
    assert_queries(9, "/articles/")
    assert_queries(9, "/articles/?page=2")


def test_filtered_story_list(assert_queries, places):
    """Facets under active filters (each facet leaves its own filter out): still no query
    per row or per facet option."""
    event = EventFactory()
    url = f"/articles/?place=zhejiang&topic={quote('眼镜')}&event={event.slug}&sort=popular"
    stories(3, place=places.duqiao, event=event)
    assert_queries(12, url)

    stories(30, place=places.linhai, event=event)
    assert_queries(12, url)


def test_story_list_with_its_counts_cached(client, django_assert_num_queries, places):
    """Once counted, facets and the total come from the cache, for every page and sort of
    the same filters, and the story items too (kept under the version, whatever list
    they were made for): what is left is the version and the stories with their places
    (the place named in the filter is remembered under the version too)."""
    stories(3, place=places.duqiao)
    assert client.get("/articles/?place=zhejiang").status_code == 200
    for url in ("/articles/?place=zhejiang", "/articles/?place=zhejiang&sort=popular"):
        with django_assert_num_queries(2):
            assert client.get(url).status_code == 200


# --- Story page --------------------------------------------------------------------------------


def test_story_page(assert_queries, client, django_assert_num_queries, places):
    """A story with many topics and organisations, a deep place and many related stories:
    the story, its topics, its organisations, the version, the breadcrumb trail, the
    newest candidates of each topic and the place (one query), related stories with
    their places, previous and next; no write (readers are counted by a beacon). The
    trail and the candidates are shared with other stories and kept under the version."""
    topics = [TopicFactory() for _ in range(3)]
    organisations = [OrganisationFactory() for _ in range(3)]
    story = ArticleFactory(place=places.duqiao, topics=topics, organisations=organisations)
    ArticleFactory(place=places.duqiao, topics=topics[:1])
    assert_queries(9, story.get_absolute_url())

    story.topics.add(*[TopicFactory() for _ in range(30)])
    story.organisations.add(*[OrganisationFactory() for _ in range(30)])
    for _ in range(30):
        ArticleFactory(place=places.duqiao, topics=topics)
    assert_queries(9, story.get_absolute_url())

    # Another story of the same place and topics: trail and candidates already kept.
    other = ArticleFactory(place=places.duqiao, topics=topics)
    assert client.get(story.get_absolute_url()).status_code == 200
    with django_assert_num_queries(7):
        assert client.get(other.get_absolute_url()).status_code == 200


def test_story_preview_for_staff(assert_queries, editor_client, places):
    """The staff preview adds the session and permission lookups, nothing per row."""
    topics = [TopicFactory() for _ in range(3)]
    draft = ArticleFactory(draft=True, place=places.duqiao, topics=topics)
    first = count_queries(editor_client, draft.get_absolute_url())

    draft.topics.add(*[TopicFactory() for _ in range(30)])
    for _ in range(30):
        ArticleFactory(topics=topics)
    assert_queries(first, draft.get_absolute_url(), who=editor_client)


# --- Places and topics ---------------------------------------------------------------------------


def test_place_list(assert_queries, places):
    """Every place with its story count: one grouped count, not one per place."""
    stories(3, place=places.duqiao)
    assert_queries(3, "/places/")

    for _ in range(30):
        ArticleFactory(place=PlaceFactory(parent=places.shangrao))
    assert_queries(3, "/places/")


def test_place_page(assert_queries, places):
    """Sub-places with counts, stories with places and topics, events and organisations
    with their places: nothing per child place, story, event or organisation. The newest
    stories are merged from each place of the subtree (one query for the subtree's ids, one
    for the newest stories); all of it is kept under the content version."""
    stories(3, place=places.duqiao)
    EventFactory(place=places.linhai)
    OrganisationFactory(place=places.duqiao)
    PlaceFactory(parent=places.zhejiang)
    assert_queries(12, "/places/zhejiang/")

    stories(30, place=places.linhai)
    for _ in range(30):
        child = PlaceFactory(parent=places.zhejiang)
        EventFactory(place=child)
        OrganisationFactory(place=child)
    assert_queries(12, "/places/zhejiang/")


def test_topic_list(assert_queries, db):
    """Every topic with its count of published stories: one grouped count."""
    stories(3)
    assert_queries(3, "/topics/")

    for _ in range(30):
        ArticleFactory(topics=[TopicFactory()])
    assert_queries(3, "/topics/")


def test_topic_page(assert_queries, places):
    """A topic's stories with places and topics, paginated: nothing per story."""
    topic = TopicFactory(name="眼镜")
    stories(3, place=places.duqiao)
    assert_queries(5, topic.get_absolute_url())

    stories(30, place=places.zone)
    assert_queries(5, topic.get_absolute_url())
    assert_queries(5, topic.get_absolute_url() + "?page=2")


# --- Organisations -------------------------------------------------------------------------------


def test_organisation_list(assert_queries, places):
    """Organisations with their places, counts by kind and by place: nothing per row."""
    for _ in range(3):
        OrganisationFactory(place=places.duqiao)
    assert_queries(6, "/organisations/")
    assert_queries(7, "/organisations/?kind=company&place=zhejiang")  # + the place

    for i in range(40):
        kind = "academic" if i % 2 else "company"
        OrganisationFactory(place=PlaceFactory(parent=places.jiangxi), kind=kind)
    assert_queries(6, "/organisations/")
    assert_queries(6, "/organisations/?page=2")
    assert_queries(7, "/organisations/?kind=company&place=zhejiang")


def test_organisation_page(assert_queries, places):
    """An organisation's stories (places, topics) and event roles (event, place), its
    story count and place trail: all kept under the version (docs/caching.md)."""
    organisation = OrganisationFactory(place=places.duqiao)
    for _ in range(3):
        ArticleFactory(organisations=[organisation], place=places.duqiao, topics=[TopicFactory()])
        EventOrganiserFactory(organisation=organisation, event__place=places.linhai)
    assert_queries(7, organisation.get_absolute_url())

    for _ in range(30):
        ArticleFactory(organisations=[organisation], place=places.zone, topics=[TopicFactory()])
        EventOrganiserFactory(organisation=organisation, event__place=places.zone)
    assert_queries(7, organisation.get_absolute_url())


# --- Events --------------------------------------------------------------------------------------


def test_event_list(assert_queries, places):
    """Upcoming and past events with their places and the place counts: nothing per event."""
    EventFactory(place=places.duqiao)
    EventFactory(place=places.zone, starts_on="2024-05-01", ends_on=None)
    assert_queries(6, "/events/")
    assert_queries(6, "/events/?place=zhejiang")

    for _ in range(30):
        child = PlaceFactory(parent=places.jiangxi)
        EventFactory(place=child)
        EventFactory(place=child, starts_on="2024-05-01", ends_on=None)
    assert_queries(6, "/events/")
    assert_queries(6, "/events/?place=zhejiang")
    assert_queries(6, "/events/?page=2")


def test_event_page(assert_queries, places):
    """Organisers grouped by role (one query), the stories about it with their places,
    the trail, the version (story items are kept under it) and the stories' topics."""
    event = EventFactory(place=places.duqiao)
    for role in ("host", "cohost", "organiser"):
        EventOrganiserFactory(event=event, role=role)
    stories(3, event=event, place=places.duqiao)
    assert_queries(6, event.get_absolute_url())

    for i in range(30):
        EventOrganiserFactory(event=event, role=("host", "cohost", "organiser", "supporter")[i % 4])
    stories(30, event=event, place=places.zone)
    assert_queries(6, event.get_absolute_url())


# --- Admin ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", [m for m in admin.site._registry if m._meta.app_label == "articles"]
)
def test_admin_changelists_do_not_grow_with_rows(superuser_client, places, model):
    """list_select_related and annotated counts: no query per row in the editors' lists."""
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"

    def add_rows(n):
        for _ in range(n):
            place = PlaceFactory(parent=places.duqiao)
            organisation = OrganisationFactory(place=place)
            event = EventFactory(place=place)
            ArticleFactory(
                place=place, event=event, organisations=[organisation], topics=[TopicFactory()]
            )

    add_rows(3)
    count_queries(superuser_client, url)  # warm the content-type cache
    first = count_queries(superuser_client, url)
    add_rows(30)
    assert count_queries(superuser_client, url) == first
