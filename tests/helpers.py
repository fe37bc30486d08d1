"""Small readers of rendered pages shared by several test modules."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import ContentVersion


def count_queries(client, url):
    """How many queries a GET of ``url`` makes with nothing cached (it must answer 200)."""
    ContentVersion.current()
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def facet(response, name, *, by="value"):
    """``{value: count}`` (or ``{label: count}`` with ``by="label"``) of the facet ``name``
    on a list page; ``{}`` when the page shows no such facet."""
    for group in response.context["facets"]:
        if group.name == name:
            return {getattr(option, by): option.count for option in group.options}
    return {}
