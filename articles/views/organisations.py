"""Organisations: the directory with its filters, and one organisation."""

import string
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from .. import images, search
from ..filters import OrganisationFilter
from ..models import Article, Event, EventOrganiser, Organisation, OrganisationKind, Place
from ..text import sort_letter
from .facets import FacetCounter
from .kept import cached, cached_each
from .lists import FilteredListMixin, page_meta, trail_computes, trail_of

#: The jump index: "#" (names that begin with a digit, which sort first) and A to Z.
LETTERS = ("#", *string.ascii_uppercase)


def letter_anchor(letter):
    """The id of the heading a letter's organisations start under."""
    return "letter-other" if letter == "#" else f"letter-{letter}"


@dataclass
class JumpLetter:
    letter: str
    #: where its first organisation is: "#letter-B" on this page, "?page=3#letter-B"
    #: on another; "" when no organisation of the list starts with the letter
    href: str


class OrganisationListView(FilteredListMixin, ListView):
    template_name = "articles/organisation_list.html"
    filterset_class = OrganisationFilter
    paginate_by = 30
    context_object_name = "organisations"
    meta_title = _("Organisations")
    meta_description = _(
        "Companies, associations, universities, testing centres and parks of the optics industry."
    )

    def base_queryset(self):
        return Organisation.objects.all()

    def get_queryset(self):
        return super().get_queryset().select_related("place").order_by("sort_key", "pk")

    @cached_property
    def letter_counts(self):
        """{letter: organisations of the filtered list filed under it}: one grouped query
        on the first character of the sort key, kept under the content version."""

        def compute():
            rows = (
                self.object_list.order_by()
                .annotate(initial=Substr("sort_key", 1, 1))
                .values_list("initial")
                .annotate(n=Count("pk"))
            )
            counts = dict.fromkeys(LETTERS, 0)
            for initial, n in rows:
                counts[sort_letter(initial)] += n
            return counts

        if self.filterset.is_bound and not self.filterset.is_valid():
            return dict.fromkeys(LETTERS, 0)  # a 400 page: nothing listed, nothing kept
        key = ("organisation-letters", self.filterset.key_without(None))
        return cached(self.request, key, compute)

    def get_paginator(self, queryset, per_page, **kwargs):
        # The letters add up to the count: the paginator need not count again.
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = sum(self.letter_counts.values())
        return paginator

    def jump_index(self, page):
        """A ``JumpLetter`` per letter: "#" only when some name begins with a digit."""
        others = [(k, v) for k, vs in self.request.GET.lists() if k != "page" for v in vs]
        index, before = [], 0
        for letter in LETTERS:
            n = self.letter_counts[letter]
            href = ""
            if n:
                number = before // page.paginator.per_page + 1
                anchor = f"#{letter_anchor(letter)}"
                if number == page.number:
                    href = anchor
                else:
                    query = urlencode(others + ([("page", number)] if number > 1 else []))
                    href = f"?{query}{anchor}" if query else f"{self.request.path}{anchor}"
            if n or letter != "#":
                index.append(JumpLetter(letter, href))
            before += n
        return index

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        if page is None or kwargs.get("filter_errors"):
            return context
        groups = []
        for organisation in context["organisations"]:
            letter = sort_letter(organisation.sort_key)
            if not groups or groups[-1][0] != letter:
                groups.append((letter, letter_anchor(letter), []))
            groups[-1][2].append(organisation)
        context["letter_groups"] = groups
        context["jump_index"] = self.jump_index(page)
        return context

    def facets(self):
        counter = FacetCounter(self.request, self.filterset, list_name="organisations")
        return [
            counter.choice("kind", OrganisationKind.choices, title=_("Kind")),
            counter.place(Place.objects.filter(depth__lte=1), title=_("Place")),
        ]


class OrganisationDetailView(DetailView):
    template_name = "articles/organisation_detail.html"
    context_object_name = "organisation"
    queryset = Organisation.objects.select_related("place")

    def get_context_data(self, **kwargs):
        organisation = self.object
        roles = (
            EventOrganiser.objects.filter(
                organisation=organisation, event__in=Event.objects.published()
            )
            .select_related("event", "event__place")
            .order_by("-event__starts_on")
        )
        articles = Article.objects.published().mentioning(organisation)
        # What the page lists, the same for every reader until something changes, in one
        # cache request (docs/caching.md).
        key = organisation.pk
        computes = {
            ("organisation-count", key): lambda: search.capped_count(articles),
            ("organisation-page", key): lambda: {
                "articles": list(articles.newest_first().for_list()[:20]),
                "event_roles": list(roles),
            },
        }
        kept = cached_each(self.request, {**computes, **trail_computes(organisation.place)})
        article_count = kept["organisation-count", key]
        return super().get_context_data(
            **kept["organisation-page", key],
            article_count=min(article_count, search.COUNT_CAP),
            article_count_capped=article_count > search.COUNT_CAP,
            place_trail=trail_of(kept, organisation.place),
            meta=page_meta(
                self.request,
                organisation.name,
                organisation.description
                or f"{organisation.name}: {organisation.get_kind_display()}",
                image=images.logo_image(organisation),
            ),
            **kwargs,
        )
