"""The publishing rule and the reads built on it, at the queryset level."""

import datetime as dt

import pytest
from django.utils import timezone

from articles.models import Article, Event, Organisation, Place
from articles.models.story_queries import pks_by_source

from .factories import ArticleFactory, EventFactory, OrganisationFactory, TopicFactory

pytestmark = pytest.mark.django_db


# --- Publishing rule ------------------------------------------------------------------


def test_published_excludes_drafts_and_scheduled_stories():
    published = ArticleFactory()
    ArticleFactory(draft=True)
    ArticleFactory(scheduled=True)
    ArticleFactory(draft=True, scheduled=True)

    assert list(Article.objects.published()) == [published]


def test_published_includes_a_story_from_its_publication_time_on():
    just_now = ArticleFactory(published_at=timezone.now() - dt.timedelta(seconds=1))
    in_a_minute = ArticleFactory(published_at=timezone.now() + dt.timedelta(minutes=1))

    assert set(Article.objects.published()) == {just_now}
    assert just_now.is_published and not just_now.is_scheduled
    assert not in_a_minute.is_published and in_a_minute.is_scheduled


@pytest.mark.parametrize(
    ("status", "offset", "published", "scheduled"),
    [
        ("published", -1, True, False),
        ("published", +1, False, True),
        ("draft", -1, False, False),
        ("draft", +1, False, False),
    ],
)
def test_instance_rule_agrees_with_queryset_rule(status, offset, published, scheduled):
    article = ArticleFactory(
        status=status, published_at=timezone.now() + dt.timedelta(hours=offset)
    )
    event = EventFactory(status=status, published_at=timezone.now() + dt.timedelta(hours=offset))

    assert article.is_published is published
    assert article.is_scheduled is scheduled
    assert Article.objects.published().filter(pk=article.pk).exists() is published
    assert event.is_published is published
    assert Event.objects.published().filter(pk=event.pk).exists() is published


# --- Places and their descendants -------------------------------------------------------


def test_within_is_the_place_and_everything_below_it(places):
    assert set(Place.objects.within(places.zhejiang)) == {
        places.zhejiang,
        places.taizhou,
        places.linhai,
        places.duqiao,
    }
    assert set(Place.objects.within(places.duqiao)) == {places.duqiao}
    assert set(Place.objects.clusters()) == {places.linhai, places.duqiao, places.shangrao}


def test_in_place_finds_a_story_in_a_town_from_its_province(places):
    in_duqiao = ArticleFactory(place=places.duqiao)
    in_shangrao = ArticleFactory(place=places.shangrao)
    ArticleFactory(place=None)

    assert list(Article.objects.in_place(places.zhejiang)) == [in_duqiao]
    assert list(Article.objects.in_place(places.taizhou)) == [in_duqiao]
    assert list(Article.objects.in_place(places.duqiao)) == [in_duqiao]
    assert list(Article.objects.in_place(places.jiangxi)) == [in_shangrao]
    assert list(Article.objects.in_place(places.zone)) == []


def test_in_place_does_not_match_a_sibling_whose_id_shares_a_prefix(places):
    """Paths end with "/", so place 1's stories are not found under place 12."""
    story = ArticleFactory(place=places.linhai)
    assert places.linhai.path.endswith("/")
    assert not Article.objects.in_place(places.jiangxi).filter(pk=story.pk).exists()


def test_organisations_and_events_in_place(places):
    in_duqiao = OrganisationFactory(place=places.duqiao)
    OrganisationFactory(place=places.shangrao)
    event = EventFactory(place=places.linhai)
    EventFactory(place=places.zone)

    assert list(Organisation.objects.in_place(places.zhejiang)) == [in_duqiao]
    assert list(Event.objects.in_place(places.taizhou)) == [event]


# --- Stories -----------------------------------------------------------------------------


def test_tagged_mentioning_and_covering():
    topic = TopicFactory(name="眼镜")
    organisation = OrganisationFactory()
    event = EventFactory()
    story = ArticleFactory(topics=[topic], organisations=[organisation], event=event)
    ArticleFactory(topics=[TopicFactory()])

    assert list(Article.objects.tagged(topic)) == [story]
    assert list(Article.objects.mentioning(organisation)) == [story]
    assert list(Article.objects.covering(event)) == [story]


def test_newest_first_and_most_read():
    now = timezone.now()
    old = ArticleFactory(published_at=now - dt.timedelta(days=2), view_count=50)
    new = ArticleFactory(published_at=now - dt.timedelta(days=1), view_count=5)
    same_time = ArticleFactory(published_at=new.published_at, view_count=5)

    assert list(Article.objects.newest_first()) == [same_time, new, old]
    assert list(Article.objects.most_read()) == [old, same_time, new]


def test_related_to_shares_a_topic_or_the_place_and_is_published_only(places):
    topic = TopicFactory(name="镜片")
    story = ArticleFactory(topics=[topic], place=places.duqiao)
    same_topic = ArticleFactory(topics=[topic])
    same_place = ArticleFactory(place=places.duqiao)
    ArticleFactory(place=places.linhai)  # a parent place is not "the same place"
    ArticleFactory(topics=[topic], draft=True)
    ArticleFactory(place=places.duqiao, scheduled=True)
    ArticleFactory()

    related = list(Article.objects.related_to(story))

    assert set(related) == {same_topic, same_place}
    assert story not in related


def test_related_to_lists_a_story_sharing_several_topics_once():
    topics = [TopicFactory(), TopicFactory()]
    story = ArticleFactory(topics=topics)
    other = ArticleFactory(topics=topics)

    assert list(Article.objects.related_to(story)) == [other]


def test_related_to_is_limited_and_newest_first():
    topic = TopicFactory()
    story = ArticleFactory(topics=[topic])
    now = timezone.now()
    others = [
        ArticleFactory(topics=[topic], published_at=now - dt.timedelta(hours=h))
        for h in range(2, 8)
    ]

    assert list(Article.objects.related_to(story, limit=4)) == others[:4]


# --- Events -------------------------------------------------------------------------------


def test_upcoming_and_past_use_the_beijing_date():
    today = dt.date(2025, 6, 20)
    ended_yesterday = EventFactory(starts_on=dt.date(2025, 6, 18), ends_on=dt.date(2025, 6, 19))
    ends_today = EventFactory(starts_on=dt.date(2025, 6, 19), ends_on=dt.date(2025, 6, 20))
    one_day_today = EventFactory(starts_on=today, ends_on=None)
    next_week = EventFactory(starts_on=dt.date(2025, 6, 27), ends_on=None)
    last_year = EventFactory(starts_on=dt.date(2024, 6, 20), ends_on=None)

    assert list(Event.objects.upcoming(today)) == [ends_today, one_day_today, next_week]
    assert list(Event.objects.past(today)) == [ended_yesterday, last_year]


def test_upcoming_defaults_to_today_in_asia_shanghai(settings, monkeypatch):
    """At 01:00 in Beijing it is still yesterday in UTC: yesterday's event is already past."""
    assert settings.TIME_ZONE == "Asia/Shanghai"
    yesterday = EventFactory(starts_on=dt.date(2025, 6, 19), ends_on=None)
    today = EventFactory(starts_on=dt.date(2025, 6, 20), ends_on=None)
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2025, 6, 19, 17, 0, tzinfo=dt.UTC))

    assert timezone.localdate() == dt.date(2025, 6, 20)
    assert list(Event.objects.upcoming()) == [today]
    assert list(Event.objects.past()) == [yesterday]


def test_related_to_with_kept_candidates_gives_the_same_stories(places):
    """The story page keeps each topic's and place's candidates (pks_by_source reads
    them in one query): the related stories are the same as from the one-query form."""
    topics = [TopicFactory() for _ in range(5)]
    story = ArticleFactory(place=places.duqiao, topics=topics)
    for i in range(60):
        ArticleFactory(
            place=(places.duqiao, places.zone, None)[i % 3],
            topics=topics[i % 5 : i % 5 + 1],
            draft=i % 7 == 0,
        )
    for limit in (1, 4, 10):
        kept = Article.objects.related_to(
            story, limit=limit, keep=lambda sources: pks_by_source(sources, list(sources))
        )
        assert list(kept) == list(Article.objects.related_to(story, limit=limit))
    assert pks_by_source({}, []) == {}
