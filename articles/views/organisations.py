"""Organisations: the directory with its filters, and one organisation."""

from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from .. import images, search
from ..filters import OrganisationFilter
from ..models import Article, Event, EventOrganiser, Organisation, OrganisationKind, Place
from .facets import FacetCounter, cached
from .lists import FilteredListMixin, page_meta


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
        return super().get_queryset().select_related("place").order_by("name")

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
        article_count = cached(
            self.request,
            ("organisation-count", organisation.pk),
            lambda: search.capped_count(articles),
        )
        return super().get_context_data(
            article_count=min(article_count, search.COUNT_CAP),
            article_count_capped=article_count > search.COUNT_CAP,
            articles=list(articles.newest_first().for_list()[:20]),
            event_roles=list(roles),
            place_trail=organisation.place.trail() if organisation.place else [],
            meta=page_meta(
                self.request,
                organisation.name,
                organisation.description
                or f"{organisation.name}: {organisation.get_kind_display()}",
                image=images.logo_image(organisation),
            ),
            **kwargs,
        )
