"""How stories are read: the story queryset (published, in a place, related stories,
the newest of a place) and the topics of a list in one query. Each read uses an index
and offers a bounded number of candidates, so its cost does not grow with the archive
(docs/caching.md)."""

import functools

from django.db import connection, connections
from django.db.models import Q

from .base import InPlaceQuerySet, PublishableQuerySet
from .places import Place
from .topics import TaggedArticle


class ArticleQuerySet(PublishableQuerySet, InPlaceQuerySet):
    def tagged(self, topic):
        return self.filter(topics=topic)

    def mentioning(self, organisation):
        return self.filter(organisations=organisation)

    def covering(self, event):
        return self.filter(event=event)

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def most_read(self):
        return self.order_by("-view_count", "-published_at", "-pk")

    def for_list(self, body=False):
        """What a list item shows, with its place; not the imported original or its
        warnings, which can be long, nor the body unless asked for (a search's snippets
        quote it). The topics of a list come in one query from ``topic_links`` (cheaper
        than taggit's prefetch)."""
        deferred = (
            ("original_text", "import_flags") if body else ("original_text", "import_flags", "body")
        )
        return self.select_related("place").defer(*deferred)

    def related_to(self, article, topics=None, limit=4, keep=None):
        """Other published stories sharing a topic or the place of ``article``, newest
        first. ``topics`` are the story's, when the caller has them already.

        Each topic and the place offer only their newest candidates, read from an index,
        never all their stories, so the cost does not grow with the archive. A topic's or
        a place's candidates are the same for every story that has it: ``keep(sources)``,
        given ``{source: function returning its candidates' pk queryset}``, may return
        them kept from an earlier request (``{source: [pk, …]}``); without it they are
        read in the same query.
        """
        if topics is None:
            topics = list(article.topics.all())
        sources = {
            ("topic", topic.pk): functools.partial(_topic_candidates, topic.pk)
            for topic in topics[:RELATED_TOPICS]
        }
        if article.place_id:
            sources["place", article.place_id] = functools.partial(
                _place_candidates, self, article.place_id
            )
        if not sources:
            return self.none()
        if keep is None:
            condition = _any_of([candidates() for candidates in sources.values()])
        else:
            pks = {pk for kept in keep(sources).values() for pk in kept}
            condition = Q(pk__in=sorted(pks))
        return self.published().exclude(pk=article.pk).filter(condition).newest_first()[:limit]

    def newest_in_place(self, place, limit):
        """The newest ``limit`` stories of ``place`` and the places below it.

        Each place offers its newest ``limit`` from the (place, publication time) index,
        so a province's page reads a few rows per place instead of sorting all its
        stories. A very large subtree falls back to the plain query.
        """
        place_ids = list(Place.objects.within(place).values_list("pk", flat=True))
        if len(place_ids) > MAX_PLACES_MERGED:
            return self.in_place(place).newest_first()[:limit]
        candidates = [
            self.filter(place_id=pk).newest_first().values_list("pk", flat=True)[:limit]
            for pk in place_ids
        ]
        return self.filter(_any_of(candidates)).newest_first()[:limit]


def topic_links(articles):
    """Set ``article.topic_links`` to its topics' (slug, name), in the order they were
    added, for every story of ``articles`` that lacks them: one query for all."""
    missing = {a.pk: a for a in articles if not hasattr(a, "topic_links")}
    for article in missing.values():
        article.topic_links = []
    if missing:
        rows = (
            TaggedArticle.objects.filter(content_object_id__in=list(missing))
            .order_by("pk")
            .values_list("content_object_id", "tag__slug", "tag__name")
        )
        for pk, slug, name in rows:
            missing[pk].topic_links.append((slug, name))
    return articles


#: How many candidates each topic and the place offer for related stories.
RELATED_CANDIDATES = 20
#: Related stories look at no more than this many of a story's topics.
RELATED_TOPICS = 4
#: Larger subtrees are read with one query over the whole subtree.
MAX_PLACES_MERGED = 60


def _topic_candidates(topic_pk):
    return (
        TaggedArticle.objects.filter(tag_id=topic_pk)
        .order_by("-content_object_id")
        .values_list("content_object_id", flat=True)[:RELATED_CANDIDATES]
    )


def _place_candidates(stories, place_pk):
    return (
        stories.published()
        .filter(place_id=place_pk)
        .newest_first()
        .values_list("pk", flat=True)[:RELATED_CANDIDATES]
    )


def pks_by_source(sources, keys):
    """``{key: [pk, …]}`` for each of ``keys`` of ``sources`` (``{key: function returning
    a sliced pk queryset}``, as ``related_to`` gives ``keep``): one query for all of them,
    each source's own LIMIT kept inside its subquery (both databases allow that in FROM).
    """
    querysets = [sources[key]() for key in keys]
    if not querysets:
        return {}
    connection_ = connections[querysets[0].db]
    parts, params = [], []
    for number, queryset in enumerate(querysets):
        sql, part_params = queryset.query.get_compiler(connection=connection_).as_sql()
        parts.append(f"SELECT {number}, c.* FROM ({sql}) c")
        params.extend(part_params)
    found = {key: [] for key in keys}
    with connection_.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for number, pk in cursor.fetchall():
            found[keys[number]].append(pk)
    return found


def _any_of(candidates):
    """``pk IN (…)`` over sliced subqueries of pks: one UNION ALL where the database takes
    LIMIT inside one (PostgreSQL), else one IN per subquery (SQLite)."""
    if connection.features.supports_slicing_ordering_in_compound:
        return Q(pk__in=candidates[0].union(*candidates[1:], all=True))
    condition = Q()
    for subquery in candidates:
        condition |= Q(pk__in=subquery)
    return condition
