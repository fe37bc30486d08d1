"""Structured data for search engines (JSON-LD, schema.org) and the pictures of link
previews (OpenGraph), built in Python from what a page has already read: no query of
its own. See docs/seo.md.

- ``news_article``: a story (``NewsArticle``);
- ``event``: an event (``Event``);
- ``organisation``: an organisation (``Organization``);
- ``breadcrumbs``: the trail the page shows (``BreadcrumbList``);
- ``share_images``: og:image and its size and description, the default share picture
  when the page has none of its own.

``json_ld`` writes one of them as ``<script type="application/ld+json">``: data, never
run, so the Content-Security-Policy (script-src 'self') does not apply to it; ``<``,
``>`` and ``&`` are escaped so that no text (a title holding ``</script>``) can end the
element.
"""

import datetime as dt
import json
from dataclasses import dataclass

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from . import images
from .text import to_traditional
from .views import lists

SCHEMA = "https://schema.org"
#: Readers and editors live in UTC+8, with no summer time.
BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
#: Google shows at most 110 characters of a headline.
HEADLINE_CHARS = 110
#: Below this on a side, WeChat and others ignore a link preview's picture.
SHARE_MIN_SIDE = 300

#: ``request.script`` of a reader who chose 繁 (portal.script.TRADITIONAL; the site shell
#: sits above this layer).
TRADITIONAL = "hant"

_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class ShareImage:
    """A picture of a link preview: its address (absolute) and what og:image says of it."""

    url: str
    width: int | None = None
    height: int | None = None
    alt: str = ""
    type: str = ""

    @property
    def large_enough(self):
        known = bool(self.width and self.height)
        return known and min(self.width, self.height) >= SHARE_MIN_SIDE


#: The default share pictures (static/img/, drawn once and kept in the repository): wide
#: for most previews, square for those that crop to a square (WeChat). (path, width, height)
DEFAULT_SHARE_IMAGES = (
    ("img/share-1200x630.png", 1200, 630),
    ("img/share-600x600.png", 600, 600),
)
#: The site's mark, for ``publisher.logo`` (at least 112 px, on a transparent ground).
LOGO = ("img/logo-512.png", 512, 512)


def reads_traditional(request):
    """Whether the reader chose 繁: portal.script's middleware converts the page's text
    afterwards but leaves scripts and most attributes alone, so the text here (JSON-LD,
    og:image:alt) is converted where it is made, to say what the page says."""
    return getattr(request, "script", None) == TRADITIONAL


def json_ld(data, request=None):
    """``data`` as a ``<script type="application/ld+json">`` element, safe in HTML; in
    traditional characters for a reader who chose them."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if reads_traditional(request):
        # OpenCC changes Han characters only: the JSON stays JSON, addresses stay ASCII.
        text = to_traditional(text)
    text = text.translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


def absolute_url(request, path):
    """``path`` on this site (``views.lists.absolute_url``); the path alone when a
    template is drawn without a request."""
    if request is None and not settings.SITE_URL:
        return path
    return lists.absolute_url(request, path)


def _context(data):
    return {"@context": SCHEMA, **data}


def _time(value):
    """A datetime in Beijing time, to the second (2025-06-20T09:30:00+08:00)."""
    return value.astimezone(BEIJING).replace(microsecond=0).isoformat()


def _static(request, path):
    return absolute_url(request, static(path))


def default_share_images(request):
    alt = gettext("The name and mark of %(site)s") % {"site": settings.SITE_NAME}
    return [
        ShareImage(_static(request, path), width, height, alt, "image/png")
        for path, width, height in DEFAULT_SHARE_IMAGES
    ]


def share_images(request, image=None, article=None):
    """The pictures of a page's link preview, best first: the page's own (``image``, the
    absolute address ``page_meta`` made), with the size and description of a story's
    cover (``article``) when it is that; then the default pictures when the page has
    none, or when the size of its own is unknown or under 300 px on a side."""
    found = []
    if image:
        width = height = None
        alt = ""
        if article is not None and (path := images.og_image(article)) and image.endswith(path):
            width, height = images.cover_picture(article).size("og-1200")
            alt = article.cover_alt
        found.append(ShareImage(image, width, height, alt))
    if not found or not found[0].large_enough:
        found += default_share_images(request)
    return found


def share_image_meta(request, image=None, article=None):
    """The og:image tags of a page (``share_images``), as HTML."""
    rows = []
    for picture in share_images(request, image, article):
        rows.append(("og:image", picture.url))
        if picture.type:
            rows.append(("og:image:type", picture.type))
        if picture.width and picture.height:
            rows += [("og:image:width", picture.width), ("og:image:height", picture.height)]
        if picture.alt:
            alt = to_traditional(picture.alt) if reads_traditional(request) else picture.alt
            rows.append(("og:image:alt", alt))
    return format_html_join(
        "\n  ", '<meta property="{}" content="{}">', ((name, value) for name, value in rows)
    )


# --- The site as publisher -------------------------------------------------------------------


def publisher(request):
    """The portal as an Organization, with its logo."""
    home = absolute_url(request, reverse("articles:home"))
    path, width, height = LOGO
    return {
        "@type": "Organization",
        "@id": f"{home}#publisher",
        "name": settings.SITE_NAME,
        "url": home,
        "logo": {
            "@type": "ImageObject",
            "url": _static(request, path),
            "width": width,
            "height": height,
        },
    }


# --- Stories -----------------------------------------------------------------------------------


def headline(title):
    title = " ".join(title.split())
    if len(title) <= HEADLINE_CHARS:
        return title
    return title[: HEADLINE_CHARS - 1].rstrip() + "…"


def news_article(request, article, description=""):
    """A story as ``NewsArticle``: headline, dates, pictures, author, publisher, the page."""
    url = absolute_url(request, article.get_absolute_url())
    cover = images.og_image(article)
    pictures = (
        [absolute_url(request, cover)]
        if cover
        else [picture.url for picture in default_share_images(request)]
    )
    if article.author.strip():
        author = {"@type": "Person", "name": article.author.strip()}
    elif article.source.strip():
        author = {"@type": "Organization", "name": article.source.strip()}
        if article.source_url:
            author["url"] = article.source_url
    else:
        author = {key: value for key, value in publisher(request).items() if key != "logo"}
    modified = max(article.updated_at, article.published_at) if article.updated_at else None
    data = {
        "@type": "NewsArticle",
        "headline": headline(article.title),
        "datePublished": _time(article.published_at),
        "dateModified": _time(modified or article.published_at),
        "image": pictures,
        "author": [author],
        "publisher": publisher(request),
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "inLanguage": "zh-CN",
    }
    if description:
        data["description"] = description
    if article.source.strip() and author.get("@type") == "Person":
        data["sourceOrganization"] = {"@type": "Organization", "name": article.source.strip()}
    return _context(data)


# --- Places, organisations, events -------------------------------------------------------------


def postal_address(trail, street=""):
    """A PostalAddress from a place's trail (province first): the province is the
    region, the city below it the locality, the places below that (county, town, zone)
    and ``street`` the street address, written as a Chinese address is."""
    address = {"@type": "PostalAddress", "addressCountry": "CN"}
    if trail:
        address["addressRegion"] = trail[0].name
    if len(trail) > 1:
        address["addressLocality"] = trail[1].name
    street = " ".join(part for part in ("".join(p.name for p in trail[2:]), street) if part)
    if street:
        address["streetAddress"] = street
    return address


def organisation_ref(request, organisation):
    """An organisation where another item names it (an event's organiser)."""
    page = absolute_url(request, organisation.get_absolute_url())
    return {
        "@type": "Organization",
        "@id": f"{page}#organization",
        "name": organisation.name,
        "url": organisation.website or page,
    }


def organisation(request, organisation, trail=()):
    """An organisation's page as ``Organization``."""
    data = organisation_ref(request, organisation)
    if organisation.short_name and organisation.short_name != organisation.name:
        data["alternateName"] = organisation.short_name
    data["mainEntityOfPage"] = absolute_url(request, organisation.get_absolute_url())
    logo = images.logo_image(organisation)
    if logo:
        data["logo"] = {"@type": "ImageObject", "url": absolute_url(request, logo)}
    if trail:
        data["address"] = postal_address(list(trail))
    if organisation.description.strip():
        data["description"] = " ".join(organisation.description.split())[:500]
    return _context(data)


def _event_time(day, time):
    """A date alone, or a date and time in Beijing time (2025-06-20T09:00:00+08:00)."""
    if time is None:
        return day.isoformat()
    return dt.datetime.combine(day, time, tzinfo=BEIJING).isoformat()


def event(request, event, organisers=(), trail=()):
    """An event's page as ``Event``; ``organisers`` the organisations in the order the page
    lists them, ``trail`` its place's trail (province first)."""
    trail = list(trail)
    location = {"@type": "Place", "address": postal_address(trail, event.venue.strip())}
    name = event.venue.strip() or (trail[-1].name if trail else "")
    if name:
        location["name"] = name
    data = {
        "@type": "Event",
        "name": event.title,
        "startDate": _event_time(event.starts_on, event.start_time),
        "endDate": _event_time(event.last_day, event.end_time),
        "eventStatus": f"{SCHEMA}/EventScheduled",
        "eventAttendanceMode": f"{SCHEMA}/OfflineEventAttendanceMode",
        "location": location,
        "description": " ".join((event.description or event.title).split())[:500],
        "image": [picture.url for picture in default_share_images(request)],
        "url": absolute_url(request, event.get_absolute_url()),
    }
    seen, organizers = set(), []
    for org in organisers:
        if org.pk not in seen:
            seen.add(org.pk)
            organizers.append(organisation_ref(request, org))
    if organizers:
        data["organizer"] = organizers
    if event.website:
        data["sameAs"] = event.website
    return _context(data)


# --- Breadcrumbs -------------------------------------------------------------------------------


def breadcrumbs(request, trail, current_name="", current_url=""):
    """The breadcrumbs a page shows (the front page, then ``trail``, objects with a name
    and an address), ending with the page itself when ``current_name`` is given."""
    crumbs = [(gettext("Home"), reverse("articles:home"))]
    crumbs += [(item.name, item.get_absolute_url()) for item in trail]
    elements = [
        {
            "@type": "ListItem",
            "position": position,
            "name": name,
            "item": absolute_url(request, url),
        }
        for position, (name, url) in enumerate(crumbs, start=1)
    ]
    if current_name:
        last = {"@type": "ListItem", "position": len(elements) + 1, "name": current_name}
        if current_url:
            last["item"] = current_url
        elements.append(last)
    return _context({"@type": "BreadcrumbList", "itemListElement": elements})
