"""Facet counts: for each choice of a filter, how many rows of the list it leads to.

Built one way: ``grouped_counts`` is one grouped query over the rows a facet counts (the
list with every other active filter applied, so each facet ignores its own filter and a
reader sees what each choice gives). Every facet is a ``Facet`` of ``FacetOption``s and
every list renders them with templates/includes/facet.html.
"""

from dataclasses import dataclass, field

from django.db.models import Count

from ..models import Event


@dataclass(frozen=True)
class FacetOption:
    #: the value in the query string (a slug, a kind)
    value: str
    label: str
    count: int
    #: indentation in the place tree
    depth: int = 0


@dataclass
class Facet:
    #: the query-string parameter the facet sets
    name: str
    title: str
    options: list[FacetOption] = field(default_factory=list)
    #: the value of the active filter, "" when there is none
    selected: str = ""


def grouped_counts(rows, *fields, order=(), limit=None):
    """``(*values, n)`` for each combination of ``fields`` among ``rows``: one query.

    ``n`` counts distinct rows, so a story with two organisations counts once for each.
    Combinations whose first value is empty (a story with no topic) are left out.
    """
    query = rows.order_by().values_list(*fields).annotate(n=Count("pk", distinct=True))
    if order:
        query = query.order_by(*order)
    if limit:
        query = query[:limit]
    return [row for row in query if row[0] not in (None, "")]


def place_counts(rows, places):
    """Set ``place.n`` to the number of ``rows`` in each place or below it; returns places.

    ``rows`` is of any model with a ``place`` (stories, events, organisations): one grouped
    query by materialised path, then sums over the paths, whatever the depth of the tree.
    """
    per_path = dict(grouped_counts(rows, "place__path"))
    for place in places:
        place.n = sum(n for path, n in per_path.items() if path.startswith(place.path))
    return places


def place_facet(rows, places, *, title, selected=""):
    """Places that lead to at least one row, in tree order, indented by depth."""
    options = [FacetOption(p.slug, p.name, p.n, p.depth) for p in place_counts(rows, places) if p.n]
    return Facet("place", title, options, selected)


def related_facet(name, rows, relation, *, title, label="name", order=None, limit, selected=""):
    """Rows counted by a related object (``topics``, ``organisations``, ``event``): its
    slug is the value, ``label`` its name; most rows first unless ``order`` says otherwise."""
    slug, text = f"{relation}__slug", f"{relation}__{label}"
    counts = grouped_counts(rows, slug, text, order=order or ("-n", text), limit=limit)
    options = [FacetOption(value, label, n) for value, label, n in counts]
    return Facet(name, title, options, selected)


def published_event_facet(rows, *, title, limit, selected=""):
    """Events the rows cover, newest first; only published events are filters."""
    rows = rows.filter(event__in=Event.objects.published().values("pk"))
    counts = grouped_counts(
        rows,
        "event__slug",
        "event__title",
        "event__starts_on",
        order=("-event__starts_on",),
        limit=limit,
    )
    options = [FacetOption(value, label, n) for value, label, _starts, n in counts]
    return Facet("event", title, options, selected)


def choice_facet(name, rows, choices, *, title, selected=""):
    """Rows counted by a field with choices (an organisation's kind), in the choices' order."""
    counts = dict(grouped_counts(rows, name))
    options = [
        FacetOption(value, label, counts.get(value, 0))
        for value, label in choices
        if counts.get(value) or value == selected
    ]
    return Facet(name, title, options, selected)
