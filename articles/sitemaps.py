"""Sitemaps for search engines (django.contrib.sitemaps): stories, events, organisations,
places and topics, listed by one sitemap index (docs/seo.md).

Cheap at 100,000 stories: a page of a section reads only the columns its addresses and
dates need (never a story's text); stories are paged by ranges of ids, not by OFFSET
and a COUNT of the archive; what the index reads of the stories (one grouped pass: the
ranges that hold published stories and the newest change of each) and the largest id
are kept under the content version like facet counts (``views.kept.cached``). Every
answer is an anonymous GET, so the page cache keeps the XML itself too.

Addresses are absolute, on SITE_URL when it is set, else on the request's own scheme
and host, as ``views.lists.absolute_url`` makes a page's. The sites framework is not
installed: the views hand the Sitemap classes that root themselves (``get_urls``'s
``site`` and ``protocol``).
"""

import datetime as dt
import re
from types import SimpleNamespace
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape as xml_escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, InvalidPage, Paginator
from django.db import models
from django.db.models import ExpressionWrapper, F, Max, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext

from .models import Article, Event, Organisation, Place, url_of
from .views.facets import topic_counts
from .views.kept import cached

#: Stories per sitemap page. The protocol allows 50,000; 10,000 keep a page near 1.5 MB
#: of XML and quick to make, and 100,000 stories take ten of them.
STORIES_PER_PAGE = 10_000
#: The other sections hold hundreds of rows; the same bound keeps every file small.
ROWS_PER_PAGE = 10_000
#: Longer page numbers are not pages; refused before any query.
MAX_PAGE_NUMBER_LENGTH = 6

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: Readers and editors live in UTC+8 (no summer time): dates are written as they see them.
BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
#: What reverse() leaves unquoted in a path (RFC 3986 sub-delimiters and / ~ : @).
_SAFE_IN_PATH = "!$&'()*+,;=/~:@"
#: A slug quote() would leave as it is (pinyin slugs are): not quoted, which is quicker.
_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_.~]*")


def site_root(request):
    """(scheme, host and any path prefix) of the site's absolute addresses: SITE_URL
    when set, else the request's, as ``absolute_url`` makes them."""
    if settings.SITE_URL:
        parts = urlsplit(settings.SITE_URL)
        return parts.scheme or "https", f"{parts.netloc}{parts.path}"
    return request.scheme, request.get_host()


def _latest(*values):
    """The latest of some datetimes, None left out; None when all are."""
    present = [v for v in values if v is not None]
    return max(present) if present else None


class IdRangePaginator(Paginator):
    """Pages of rows by ranges of ids: page n holds the rows with ids from
    ``(n - 1) × per_page + 1`` to ``n × per_page``, so a page is one range scan of the
    primary key, whatever its number, and the number of pages follows from the largest
    id (``last_id``) without counting the rows. Drafts and deleted rows leave pages a
    little short of ``per_page``, never over it; the index leaves out a range without
    any published row."""

    def __init__(self, object_list, per_page, *, last_id):
        super().__init__(object_list, per_page)
        self.count = last_id or 0  # the span of ids, in place of a COUNT

    def page(self, number):
        number = self.validate_number(number)
        low = (number - 1) * self.per_page
        rows = list(self.object_list.filter(pk__gt=low, pk__lte=low + self.per_page))
        return self._get_page(rows, number, self)


class PortalSitemap(Sitemap):
    """A section of the sitemap, made for one request (its content state and cache)."""

    #: The name in the section's address (sitemap-<section>.xml).
    section = ""
    limit = ROWS_PER_PAGE

    def __init__(self, request):
        self.request = request

    @cached_property
    def paginator(self):
        return Paginator(self.items(), self.limit)

    def lastmod(self, item):
        """None: the section has no honest date (docs/seo.md)."""
        return None

    def get_urls(self, page=1, site=None, protocol=None):
        """``Sitemap.get_urls`` without what no section here uses (priority, change
        frequency, languages): the same dicts for a page, at a fraction of the work a
        row, which counts at 10,000 rows."""
        root = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        location, lastmod = self.location, self.lastmod
        return [
            {"item": item, "location": root + location(item), "lastmod": lastmod(item)}
            for item in self.paginator.page(page).object_list
        ]

    def index_pages(self):
        """(number, newest change or None) of each page the index lists: every page,
        without a date where the section has no honest one (docs/seo.md)."""
        return [(number, None) for number in self.paginator.page_range]


class StorySitemap(PortalSitemap):
    """Published stories; lastmod is their last save, or their publication time when
    that came later (a scheduled story appears without being saved again)."""

    section = "stories"
    limit = STORIES_PER_PAGE

    def items(self):
        # The columns the addresses and dates need, no text of the story; the later of
        # the two times worked out by the database (reading a time costs more than
        # anything else done for a row).
        return (
            Article.objects.published()
            .order_by("pk")
            .annotate(changed=Greatest("updated_at", "published_at"))
            .values_list("pk", "slug", "changed")
        )

    @cached_property
    def paginator(self):
        last_id = cached(
            self.request,
            ("sitemap", "stories", "last-id"),
            lambda: Article.objects.published().aggregate(n=Max("pk"))["n"],
        )
        return IdRangePaginator(self.items(), self.limit, last_id=last_id)

    @cached_property
    def _path(self):
        """A story's path from its id and slug, from one reversed address: reversing
        10,000 addresses would cost more than the rest of the page."""
        sample = reverse("articles:article-detail", args=[987654321, "SLUGSLUGSLUG"])
        head, rest = sample.split("987654321", 1)
        middle, tail = rest.split("SLUGSLUGSLUG", 1)

        def path(pk, slug):
            if not _PLAIN_SLUG.fullmatch(slug):
                slug = quote(slug, safe=_SAFE_IN_PATH)
            return f"{head}{pk}{middle}{slug}{tail}"

        return path

    def location(self, item):
        return self._path(item[0], item[1])

    def lastmod(self, item):
        return item[2]

    def index_pages(self):
        """Pages with at least one published story, each with its newest change: a
        range of ids that holds only drafts (or deleted stories) is not listed."""
        per_page = self.limit

        def compute():
            # One grouped pass over the published stories in the database, once per change
            # of the content (and the page cache keeps the index itself).
            number = ExpressionWrapper(
                (F("pk") - 1) / per_page + 1, output_field=models.BigIntegerField()
            )
            rows = (
                Article.objects.published()
                .order_by()
                .annotate(number=number)
                .values("number")
                .annotate(newest=Max(Greatest("updated_at", "published_at")))
                .order_by("number")
                .values_list("number", "newest")
            )
            return list(rows)

        pages = cached(self.request, ("sitemap", "stories", "pages", per_page), compute)
        return pages or [(1, None)]


class EventSitemap(PortalSitemap):
    """Published events; lastmod is the last change recorded in their history, or their
    publication time when that came later."""

    section = "events"

    def items(self):
        changes = Event.history.model.objects.filter(id=OuterRef("pk")).order_by("-history_date")
        return (
            Event.objects.published()
            .order_by("pk")
            .annotate(changed=Subquery(changes.values("history_date")[:1]))
            .values_list("slug", "published_at", "changed")
        )

    def location(self, item):
        return url_of("articles:event-detail", item[0])

    def lastmod(self, item):
        return _latest(item[1], item[2])

    def index_pages(self):
        pages = self.paginator
        return [
            (n, _latest(*(self.lastmod(item) for item in pages.page(n).object_list)))
            for n in pages.page_range
        ]


class OrganisationSitemap(PortalSitemap):
    """Every organisation (the directory has no drafts). No lastmod: its page is mostly
    the newest stories that mention it, and their times are not worth a grouped query
    over the archive for each sitemap (docs/seo.md)."""

    section = "organisations"

    def items(self):
        return Organisation.objects.order_by("pk").values_list("slug", flat=True)

    def location(self, item):
        return url_of("articles:organisation-detail", item)


class PlaceSitemap(PortalSitemap):
    """Every place of the tree, provinces first. No lastmod (as organisations)."""

    section = "places"

    def items(self):
        return Place.objects.order_by("path").values_list("slug", flat=True)

    def location(self, item):
        return url_of("articles:place-detail", item)


class TopicSitemap(PortalSitemap):
    """Topics with at least one published story (an empty topic is an empty page), from
    the counts the topic list keeps. No lastmod (as organisations)."""

    section = "topics"

    def items(self):
        return sorted(option.value for option in topic_counts(self.request))

    def location(self, item):
        return url_of("articles:topic-detail", item)


#: The sections, in the order the index lists them.
SECTIONS = {
    sitemap.section: sitemap
    for sitemap in (StorySitemap, EventSitemap, OrganisationSitemap, PlaceSitemap, TopicSitemap)
}


def _xml(root, rows):
    """An XML document of the protocol: ``rows`` are (loc, lastmod or "") written as
    ``<url>`` or ``<sitemap>`` elements of ``root`` (urlset or sitemapindex). Written
    here rather than by a template: a template takes about a second for 10,000 rows."""
    element = "sitemap" if root == "sitemapindex" else "url"
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NAMESPACE}">\n']
    for loc, lastmod in rows:
        date = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        parts.append(f"<{element}><loc>{xml_escape(loc)}</loc>{date}</{element}>\n")
    parts.append(f"</{root}>\n")
    response = HttpResponse("".join(parts), content_type="application/xml; charset=utf-8")
    # The sitemaps themselves are for robots, not for search results.
    response["X-Robots-Tag"] = "noindex"
    return response


def index(request):
    """The sitemap index: every page of every section, with its newest change where the
    section has one."""
    scheme, host = site_root(request)
    entries = []
    for section, sitemap_class in SECTIONS.items():
        sitemap = sitemap_class(request)
        location = f"{scheme}://{host}{reverse('sitemap-section', args=[section])}"
        for number, lastmod in sitemap.index_pages():
            page = location if number == 1 else f"{location}?p={number}"
            entries.append((page, _w3c(lastmod)))
    return _xml("sitemapindex", entries)


def section(request, section):
    """One page of one section: ``?p=`` numbers the pages from 1, as the index lists."""
    sitemap_class = SECTIONS.get(section)
    if sitemap_class is None:
        raise Http404(gettext("There is no sitemap “%(name)s”.") % {"name": section[:50]})
    raw = request.GET.get("p") or "1"
    if len(raw) > MAX_PAGE_NUMBER_LENGTH or not (raw.isascii() and raw.isdigit()):
        raise Http404(gettext("“%(page)s” is not a page number.") % {"page": raw[:20]})
    scheme, host = site_root(request)
    sitemap = sitemap_class(request)
    try:
        urls = sitemap.get_urls(page=int(raw), site=SimpleNamespace(domain=host), protocol=scheme)
    except (EmptyPage, InvalidPage):
        raise Http404(
            gettext("There is no page %(page)s of this sitemap.") % {"page": raw}
        ) from None
    return _xml("urlset", [(url["location"], _w3c(url["lastmod"])) for url in urls])


def _w3c(value):
    """A datetime as the protocol's W3C datetime in Beijing time, to the second
    (2025-06-20T09:30:00+08:00); "" for None."""
    if value is None:
        return ""
    return value.astimezone(BEIJING).replace(microsecond=0).isoformat()
