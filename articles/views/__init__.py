"""Reader pages, one module per domain, and the machinery the lists share.

- ``lists``: page meta, staff previews, pagination, filtered lists
- ``facets``: facet counts, built one way for every list
- ``home``, ``stories``, ``places``, ``topics``, ``organisations``, ``events``
"""

from .events import EventDetailView, EventListView
from .home import HomeView
from .organisations import OrganisationDetailView, OrganisationListView
from .places import PlaceDetailView, PlaceListView
from .stories import ArticleDetailView, ArticleListView, read_beacon
from .topics import TopicDetailView, TopicListView

__all__ = [
    "ArticleDetailView",
    "ArticleListView",
    "EventDetailView",
    "EventListView",
    "HomeView",
    "OrganisationDetailView",
    "OrganisationListView",
    "PlaceDetailView",
    "PlaceListView",
    "TopicDetailView",
    "TopicListView",
    "read_beacon",
]
