"""Small readers of rendered pages shared by several test modules."""


def facet(response, name, *, by="value"):
    """``{value: count}`` (or ``{label: count}`` with ``by="label"``) of the facet ``name``
    on a list page; ``{}`` when the page shows no such facet."""
    for group in response.context["facets"]:
        if group.name == name:
            return {getattr(option, by): option.count for option in group.options}
    return {}
