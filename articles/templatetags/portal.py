from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def with_param(context, name, value=None):
    """The current URL's query with ``name`` set to ``value`` (or removed if None).

    Django's ``{% querystring %}`` takes literal keys only; facets need the key
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
