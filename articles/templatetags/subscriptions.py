"""Links to the feeds and calendars (articles/feeds.py, articles/calendars.py).

``{% feed_links obj %}`` in a page's ``feeds`` block gives feed readers the RSS and Atom
feeds (autodiscovery); ``{% feed_link obj %}`` and ``{% calendar_link obj %}`` are the
links readers see. ``obj`` is a place, topic or organisation (an event too, for the
calendar), or nothing for the whole site. Addresses are reversed once and remembered
(``url_of``); no tag reads the database.
"""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ..feeds import feed_urls
from ..models import Event, Organisation, Place, url_of

register = template.Library()

#: The feed icon (a dot and two arcs) and a calendar page; decorative, the text says it.
FEED_ICON = mark_safe(
    '<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">'
    '<circle cx="3" cy="13" r="2"/>'
    '<path d="M1 6.5A8.5 8.5 0 0 1 9.5 15h-2A6.5 6.5 0 0 0 1 8.5zM1 1.5A13.5 13.5 0 0 1 '
    '14.5 15h-2A11.5 11.5 0 0 0 1 3.5z"/></svg>'
)
CALENDAR_ICON = mark_safe(
    '<svg class="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">'
    '<path d="M4 0h2v2h4V0h2v2h3v14H1V2h3zM3 6v8h10V6z"/>'
    '<path d="M5 8h2v2H5zM9 8h2v2H9z"/></svg>'
)


def _name(obj):
    return obj.name if obj is not None else settings.SITE_NAME


@register.simple_tag
def feed_links(obj=None):
    """``<link rel="alternate">`` to the RSS and Atom feeds of ``obj``, for the head."""
    rss, atom = feed_urls(obj or None)
    name = _name(obj or None)
    return format_html(
        '<link rel="alternate" type="application/rss+xml" title="{}" href="{}">\n'
        '  <link rel="alternate" type="application/atom+xml" title="{}" href="{}">',
        gettext("%(name)s (RSS)") % {"name": name},
        rss,
        gettext("%(name)s (Atom)") % {"name": name},
        atom,
    )


@register.simple_tag
def feed_link(obj=None):
    """The visible link to the RSS feed of ``obj``."""
    rss, _atom = feed_urls(obj or None)
    return format_html(
        '<a class="subscribe-link" href="{}" type="application/rss+xml">{}{}</a>',
        rss,
        FEED_ICON,
        gettext("Subscribe (RSS)"),
    )


@register.simple_tag
def calendar_link(obj=None):
    """The visible link to the calendar of ``obj``: one event to add, or the events of a
    place, an organisation or the whole site to subscribe to."""
    if isinstance(obj, Event):
        href, label = url_of("articles:event-calendar", obj.slug), gettext("Add to calendar")
    elif isinstance(obj, Place):
        href, label = url_of("articles:place-calendar", obj.slug), gettext("Subscribe (calendar)")
    elif isinstance(obj, Organisation):
        href = url_of("articles:organisation-calendar", obj.slug)
        label = gettext("Subscribe (calendar)")
    else:
        href, label = url_of("articles:events-calendar"), gettext("Subscribe (calendar)")
    return format_html(
        '<a class="subscribe-link" href="{}" type="text/calendar">{}{}</a>',
        href,
        CALENDAR_ICON,
        label,
    )
