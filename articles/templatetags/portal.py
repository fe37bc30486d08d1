"""Template tags of the reader pages.

``article_items``, ``event_items``, ``organisation_items``, ``chips`` and ``facets`` render
the loops the lists repeat in Python: measured, the template engine spent about a quarter of a
millisecond per story item resolving its variables, more than the rest of a page. The
markup is the one the templates had; change it here and in the CSS together.
"""

from django import template
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from ..models import OrganisationKind, url_of
from ..models.story_queries import topic_links
from ..views.facets import FacetOption
from ..views.kept import cached_many, item_key
from .pictures import thumbnail_html

register = template.Library()


@register.simple_tag(takes_context=True)
def with_param(context, name, value=None):
    """The current URL's query with ``name`` set to ``value`` (or removed if None).

    Django's ``{% querystring %}`` takes literal keys only; filter chips need the key
    from a variable. Changing a filter always goes back to the first page.
    """
    request = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    if value in (None, ""):
        query.pop(name, None)
    else:
        query[name] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else request.path


@register.simple_tag(takes_context=True)
def article_items(context, articles, heading="h3", compact=False):
    """A list item per story: title, date, place, source, summary (or a search snippet)
    and topics; ``compact`` leaves out the summary and topics (related stories).

    A story's item is the same on every list it appears in (the lists, the front page,
    its place's, topics' and organisations' pages, search results but for their
    highlighted title and snippet), so its parts are kept under the content version and
    the interface language, all of a page's in one cache read; the topics of the items
    made afresh are read in one query (``topic_links``)."""
    articles = list(articles)

    def key(article):
        return item_key(article.pk, heading, compact)

    def make(keys):
        items = [by_key[k] for k in keys]
        if not compact:
            topic_links(items)
        source, topics_label = escape(gettext("Source")), escape(gettext("Topics"))
        return {key(a): _item_parts(a, heading, compact, source, topics_label) for a in items}

    by_key = {key(a): a for a in articles}
    parts = cached_many(context.get("request"), list(by_key), make)
    return mark_safe("".join(_article_item(a, parts[key(a)]) for a in articles))  # noqa: S308


def _article_item(article, parts):
    """The item from its kept parts, with the search's highlighted title and snippet
    when the story has them."""
    before, after_title, summary, end = parts
    title = getattr(article, "title_html", None) or escape(article.title)
    snippet = getattr(article, "snippet", None)
    if snippet:
        summary = f'<p class="summary snippet">{snippet}</p>'
    middle = f"\n{summary}" if summary else ""
    return f"{before}{title}{after_title}{middle}\n{end}"


def _item_parts(article, heading, compact, source_label, topics_label):
    """A story's item around its title and summary: (before the title, after it, the
    summary paragraph or "", the rest)."""
    local = timezone.localtime(article.published_at)
    day = escape(formats.date_format(local))
    meta = [f'<time datetime="{local.replace(microsecond=0).isoformat()}">{day}</time>']
    if article.place_id:
        place = article.place
        meta.append(f'· <a href="{escape(place.get_absolute_url())}">{escape(place.name)}</a>')
    if article.source:
        meta.append(f"· {source_label}: {escape(article.source)}")
    href = escape(article.get_absolute_url())
    before = "\n".join(
        [
            '<article class="article-item">',
            thumbnail_html(article, href),
            f'<{heading} class="article-item-title"><a href="{href}">',
        ]
    )
    after_title = f'</a></{heading}>\n<p class="meta">{" ".join(meta)}</p>'
    summary = ""
    if article.summary and not compact:
        summary = f'<p class="summary">{escape(article.summary)}</p>'
    end = []
    if not compact and article.topic_links:
        links = "".join(
            f'<li><a href="{escape(url_of("articles:topic-detail", slug))}">{escape(name)}</a></li>'
            for slug, name in article.topic_links
        )
        end.append(f'<ul class="tags" aria-label="{topics_label}">{links}</ul>')
    end.append("</article>")
    return before, after_title, summary, "\n".join(end)


@register.simple_tag
def chips(items):
    """A chip per place (its story count in ``n``) or ``FacetOption`` (its ``href``): a
    link with its count, none when the count is 0."""
    parts = []
    for item in items:
        if isinstance(item, FacetOption):
            href, label, count = item.href, item.label, item.count
        else:
            href, label, count = item.get_absolute_url(), item.name, getattr(item, "n", 0)
        number = f' <span class="count">{count}</span>' if count else ""
        parts.append(f'<li><a href="{escape(href)}">{escape(label)}{number}</a></li>')
    return mark_safe("".join(parts))  # noqa: S308


@register.simple_tag
def facets(groups):
    """The facets of a list (articles.views.facets.Facet): a collapsible list of links
    per facet, the selected option marked, counts where they were counted."""
    return mark_safe("".join(_facet(group) for group in groups if group.options))  # noqa: S308


def _facet(facet):
    items = []
    for option in facet.options:
        depth = f' class="depth-{option.depth}"' if option.depth else ""
        current = ' aria-current="true" class="selected"' if option.value == facet.selected else ""
        count = "" if option.count is None else f' <span class="count">{option.count}</span>'
        label = escape(option.label)
        items.append(f'<li{depth}><a href="{escape(option.href)}"{current}>{label}{count}</a></li>')
    note = ""
    if not facet.counted:
        note = '<p class="facet-note">{}</p>'.format(
            escape(
                ngettext(
                    "Found among the first %(n)d result.",
                    "Found among the first %(n)d results.",
                    facet.cap,
                )
                % {"n": facet.cap}
            )
        )
    return (
        f'<details class="facet" open><summary><h2>{escape(facet.title)}</h2></summary>{note}'
        f"<ul>{''.join(items)}</ul></details>"
    )


@register.simple_tag
def event_items(events):
    """A list item per event: its dates, title, place and venue."""
    return mark_safe("".join(_event_item(event) for event in events))  # noqa: S308


@register.simple_tag
def event_item(event):
    """One event's list item (an organisation's events, each with its role below)."""
    return mark_safe(_event_item(event))  # noqa: S308


def _day(value):
    return f'<time datetime="{value.isoformat()}">{escape(formats.date_format(value))}</time>'


def _event_item(event):
    dates = _day(event.starts_on)
    if event.is_multi_day:
        dates += f" – {_day(event.ends_on)}"
    where = []
    if event.place_id:
        place = event.place
        where.append(f'<a href="{escape(place.get_absolute_url())}">{escape(place.name)}</a>')
    if event.venue:
        where.append(escape(event.venue))
    meta = f'<p class="meta">{" · ".join(where)}</p>' if where else ""
    return (
        f'<article class="event-item">\n<p class="event-date">{dates}</p>\n'
        f'<h3 class="event-item-title"><a href="{escape(event.get_absolute_url())}">'
        f"{escape(event.title)}</a></h3>\n{meta}</article>\n"
    )


@register.simple_tag
def organisation_items(organisations, heading="h3"):
    """A list item per organisation: its name, kind and place."""
    # Translated once: get_kind_display() rebuilds the choices (and translates every
    # label) on each call.
    kinds = {value: escape(label) for value, label in OrganisationKind.choices}
    return mark_safe(  # noqa: S308
        "".join(
            f'<article class="organisation-item">\n<{heading} class="organisation-item-title">'
            f'<a href="{escape(o.get_absolute_url())}">{escape(o.name)}</a></{heading}>\n'
            f'<p class="meta">{kinds.get(o.kind) or escape(o.kind)}'
            f"{' · ' + escape(o.place.name) if o.place_id else ''}</p>\n</article>\n"
            for o in organisations
        )
    )
