"""The domain of the portal, one module per domain; ``articles.models.X`` imports all work.

- ``base``: the publishing rule, slugs filled from names, "in this place or below it"
- ``places``, ``organisations``, ``events``, ``topics``, ``stories``
- ``versions``: the content version caches key on
"""

from .base import Publishable, PublishableQuerySet, Status, alias_list, unique_slug, url_of
from .events import Event, EventOrganiser, EventQuerySet, OrganiserRole
from .organisations import Organisation, OrganisationKind, OrganisationQuerySet
from .places import Place, PlaceKind, PlaceQuerySet
from .stories import BODY_EXTENSIONS, Article, DailyReads
from .story_queries import ArticleQuerySet
from .topics import TaggedArticle, Topic
from .versions import ContentState, ContentVersion

__all__ = [
    "BODY_EXTENSIONS",
    "ContentState",
    "ContentVersion",
    "Article",
    "DailyReads",
    "ArticleQuerySet",
    "Event",
    "EventOrganiser",
    "EventQuerySet",
    "Organisation",
    "OrganisationKind",
    "OrganisationQuerySet",
    "OrganiserRole",
    "Place",
    "PlaceKind",
    "PlaceQuerySet",
    "Publishable",
    "PublishableQuerySet",
    "Status",
    "TaggedArticle",
    "Topic",
    "alias_list",
    "unique_slug",
    "url_of",
]
