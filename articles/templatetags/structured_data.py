"""``{% load structured_data %}``: JSON-LD and og:image tags for the reader pages, from
what the page's context already holds (articles/structured.py, docs/seo.md)."""

from django import template

from .. import structured

register = template.Library()


def _meta(context):
    return context.get("meta") or {}


@register.simple_tag(takes_context=True)
def share_image_meta(context):
    """og:image with its type, size and description: the page's own picture
    (``meta.image``), else the default share pictures (base.html)."""
    return structured.share_image_meta(
        context.get("request"), _meta(context).get("image"), context.get("article")
    )


@register.simple_tag(takes_context=True)
def news_article_json_ld(context, article):
    description = _meta(context).get("description", "")
    request = context["request"]
    return structured.json_ld(structured.news_article(request, article, description), request)


@register.simple_tag(takes_context=True)
def event_json_ld(context, event, organisers_by_role=(), trail=()):
    """``organisers_by_role``: the page's (label, organisations) pairs."""
    organisers = [org for _label, orgs in organisers_by_role for org in orgs]
    request = context["request"]
    return structured.json_ld(structured.event(request, event, organisers, trail), request)


@register.simple_tag(takes_context=True)
def organisation_json_ld(context, organisation, trail=()):
    request = context["request"]
    return structured.json_ld(structured.organisation(request, organisation, trail), request)


@register.simple_tag(takes_context=True)
def breadcrumbs_json_ld(context, trail):
    """The breadcrumbs the page shows (includes/breadcrumbs.html), then the page itself,
    named by its title and addressed by its canonical link."""
    meta, request = _meta(context), context["request"]
    data = structured.breadcrumbs(
        request,
        trail or (),
        meta.get("title", ""),
        meta.get("canonical") or context.get("canonical_url", ""),
    )
    return structured.json_ld(data, request)
