"""RSS 2.0 and Atom feeds of the newest stories: all of them, a place's (with the places
below it), a topic's and an organisation's. Django's syndication framework; see
docs/feeds.md for the addresses and the identifier rules.

A feed is a reader page like the others: anonymous GET, served through the page cache
(portal/pagecache.py), a bounded number of queries whatever the size of the archive.
A ``Feed`` instance serves every request, so nothing about one request is kept on it:
``get_object`` returns a ``FeedSubject`` (the request and the place, topic or
organisation) and ``items`` prepares each story's addresses.
"""

import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Model
from django.db.models.functions import Left
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape, strip_tags
from django.utils.translation import gettext

from . import images
from .models import Article, Organisation, Place, Topic, url_of
from .models.story_queries import topic_links
from .views.lists import absolute_url

#: Stories in a feed: a day or two of news at a busy time, enough for a reader who
#: checks once a day or so.
FEED_ITEMS = 30
#: The start of the body read for a story without a summary: its first paragraph is
#: what the description shows, and the body can be 200,000 characters long.
BODY_START_CHARS = 3000
#: The content language of every feed: stories are written in simplified Chinese,
#: whatever the interface language of the feed's title.
FEED_LANGUAGE = "zh-cn"
#: RSS asks for an enclosure's length in bytes. Reading the rendition's size would ask
#: the storage once per story; the RSS Advisory Board's profile says to give 0 when the
#: length is not known, and feed readers fetch the picture anyway.
UNKNOWN_LENGTH = "0"

_FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class FeedSubject:
    """What one request of a feed is about: ``obj`` is None for all stories."""

    request: object
    obj: Model | None = None


def absolute(request, url):
    """``url`` on this site (SITE_URL, else the request's host); an address that names its
    own host (media on a CDN or in a bucket) as it is."""
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("//"):
        return f"{request.scheme}:{url}"
    return absolute_url(request, url)


def story_guid(request, article):
    """The story's identifier in feeds: its short address ``/articles/<id>/``, on
    SITE_URL. Unlike the link, it carries no slug, so editing the title keeps it."""
    return absolute(request, url_of("articles:article-detail-short", article.pk))


def first_paragraph(body_html):
    """The text of the first non-empty paragraph of a story's (sanitised) body."""
    for match in _FIRST_PARAGRAPH.finditer(body_html or ""):
        text = " ".join(html.unescape(strip_tags(match.group(1))).split())
        if text:
            return text
    return " ".join(html.unescape(strip_tags(body_html or "")).split())[:200]


def description_html(request, article):
    """The item's description, HTML: the cover (its link-preview rendition) above the
    summary, or the body's first paragraph when the story has no summary."""
    text = article.summary.strip() or first_paragraph(getattr(article, "body_start", ""))
    parts = []
    picture = images.cover_picture(article)
    if picture is not None:
        url = absolute(request, picture.url("og-1200"))
        width, height = picture.size("og-1200")
        size = f' width="{width}" height="{height}"' if width else ""
        parts.append(f'<p><img src="{escape(url)}"{size} alt="{escape(article.cover_alt)}"></p>')
    if text:
        parts.append(f"<p>{escape(text)}</p>")
    return "".join(parts)


class StoryFeed(Feed):
    """RSS 2.0 of the newest published stories of the whole site."""

    feed_type = Rss201rev2Feed
    language = FEED_LANGUAGE

    #: The model of the feed's subject (a place, topic, organisation); None: the site.
    model = None

    def get_object(self, request, slug=None):
        return FeedSubject(request, self.get_subject(slug))

    def get_subject(self, slug):
        return None if self.model is None else get_object_or_404(self.model, slug=slug)

    # --- The feed ---------------------------------------------------------------------

    def title(self, subject):
        if subject.obj is None:
            return settings.SITE_NAME
        return f"{subject.obj.name} - {settings.SITE_NAME}"

    def page_url(self, subject):
        return reverse("articles:home") if subject.obj is None else subject.obj.get_absolute_url()

    def link(self, subject):
        return absolute(subject.request, self.page_url(subject))

    def feed_url(self, subject):
        return absolute(subject.request, subject.request.path)

    def description(self, subject):
        return gettext("The newest stories of the optics industry clusters.")

    def author_name(self, subject):
        # Atom wants an author for every entry: the site stands in for stories naming none.
        return settings.SITE_NAME

    # --- The items --------------------------------------------------------------------

    def story_rows(self, subject):
        """The published stories of the feed, newest first; ``items`` takes the first
        FEED_ITEMS."""
        return Article.objects.published().newest_first()

    def items(self, subject):
        rows = list(
            self.story_rows(subject)
            .defer("body", "original_text", "import_flags")
            .annotate(body_start=Left("body", BODY_START_CHARS))[:FEED_ITEMS]
        )
        topic_links(rows)
        request = subject.request
        for article in rows:
            article.feed_link = absolute(request, article.get_absolute_url())
            article.feed_guid = story_guid(request, article)
            article.feed_description = description_html(request, article)
            picture = images.cover_picture(article)
            article.feed_cover = absolute(request, picture.url("og-1200")) if picture else None
        return rows

    def item_title(self, article):
        # Plain text, escaped once by the XML writer: Django escapes titles once more by
        # default for readers that take RSS titles as HTML, but feedparser (and Atom's
        # type="text") show that second escape to the reader ("AT&amp;T").
        return article.title

    def item_link(self, article):
        return article.feed_link

    def item_guid(self, article):
        return article.feed_guid

    def item_guid_is_permalink(self, article):
        # The short address does lead to the story, but <link> is the address to show;
        # the GUID is only the story's identity (docs/feeds.md).
        return False

    def item_description(self, article):
        return article.feed_description

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        # A story scheduled ahead was last saved before it appeared.
        return max(article.updated_at, article.published_at)

    def item_author_name(self, article):
        return article.author or None

    def item_categories(self, article):
        return [name for _slug, name in article.topic_links]

    def item_enclosures(self, article):
        if not article.feed_cover:
            return []
        return [Enclosure(article.feed_cover, UNKNOWN_LENGTH, "image/jpeg")]


class AtomMixin:
    """The same feed in Atom 1.0."""

    feed_type = Atom1Feed

    def subtitle(self, subject):
        return self.description(subject)


class StoryAtomFeed(AtomMixin, StoryFeed):
    pass


class PlaceFeed(StoryFeed):
    """The newest stories of a place and of every place below it."""

    model = Place

    def description(self, subject):
        return gettext("The newest stories from %(place)s and the places within it.") % {
            "place": subject.obj.name
        }

    def story_rows(self, subject):
        # Merged from each place's newest stories (the (place, time) index), as on the
        # place's page: a province's feed does not sort all its stories.
        published = Article.objects.published()
        ids = list(published.newest_in_place(subject.obj, FEED_ITEMS).values_list("pk", flat=True))
        return published.filter(pk__in=ids).newest_first()


class PlaceAtomFeed(AtomMixin, PlaceFeed):
    pass


class TopicFeed(StoryFeed):
    """The newest stories on a topic."""

    model = Topic

    def description(self, subject):
        return gettext("The newest stories on %(topic)s.") % {"topic": subject.obj.name}

    def story_rows(self, subject):
        return Article.objects.published().tagged(subject.obj).newest_first()


class TopicAtomFeed(AtomMixin, TopicFeed):
    pass


class OrganisationFeed(StoryFeed):
    """The newest stories that mention an organisation."""

    model = Organisation

    def description(self, subject):
        return gettext("The newest stories that mention %(organisation)s.") % {
            "organisation": subject.obj.name
        }

    def story_rows(self, subject):
        return Article.objects.published().mentioning(subject.obj).newest_first()


class OrganisationAtomFeed(AtomMixin, OrganisationFeed):
    pass


# --- Where pages link to them (templatetags/feeds.py) ------------------------------------

#: The URL names of the RSS and Atom feed of each kind of subject.
FEED_URLS = {
    None: ("articles:feed-rss", "articles:feed-atom"),
    Place: ("articles:place-feed-rss", "articles:place-feed-atom"),
    Topic: ("articles:topic-feed-rss", "articles:topic-feed-atom"),
    Organisation: ("articles:organisation-feed-rss", "articles:organisation-feed-atom"),
}


def feed_urls(obj=None):
    """The (RSS, Atom) paths of the feed of ``obj`` (a place, topic or organisation; None
    for all stories)."""
    rss, atom = FEED_URLS[type(obj) if obj is not None else None]
    args = (obj.slug,) if obj is not None else ()
    return url_of(rss, *args), url_of(atom, *args)
