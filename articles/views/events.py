"""Events: upcoming and past, by place, and one event."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, ListView

from ..filters import EventFilter
from ..models import Article, Event, OrganiserRole, Place
from .facets import FacetCounter
from .kept import cached
from .lists import FilteredListMixin, PublishableDetailMixin, page_meta, place_trail

#: Stories listed on an event's page; the rest are one link away (the filtered list).
STORIES = 10


class EventListView(FilteredListMixin, ListView):
    """Upcoming events first, soonest first; past events after them, paginated."""

    template_name = "articles/event_list.html"
    filterset_class = EventFilter
    paginate_by = 20
    context_object_name = "past_events"
    meta_title = _("Events")
    meta_description = _(
        "Conferences, trade fairs and forums of the optics industry, upcoming and past."
    )

    def base_queryset(self):
        return Event.objects.published()

    def get_queryset(self):
        return super().get_queryset().past().select_related("place")

    def facet_counter(self):
        return FacetCounter(self.request, self.filterset, list_name="events")

    def upcoming_key(self):
        return ("events-upcoming", self.filterset.key_without(None))

    def kept_keys(self):
        return [self.facet_counter().key("place"), self.upcoming_key()]

    def facets(self):
        return [self.facet_counter().place(Place.objects.filter(depth__lte=1), title=_("Place"))]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not kwargs.get("filter_errors"):
            base = self.filterset.qs if self.filterset.is_bound else self.filterset.queryset
            context["upcoming_events"] = cached(
                self.request,
                self.upcoming_key(),
                lambda: list(base.upcoming().select_related("place")),
            )
        return context


class EventDetailView(PublishableDetailMixin, DetailView):
    template_name = "articles/event_detail.html"
    context_object_name = "event"
    not_found_message = _("No event found.")

    def get_queryset(self):
        return Event.objects.select_related("place")

    def get_object(self, queryset=None):
        return self.check_visible(super().get_object(queryset))

    def get_context_data(self, **kwargs):
        event = self.object
        roles = list(event.organiser_roles.select_related("organisation"))
        # One more than shown says whether to link to the rest.
        articles = list(
            Article.objects.published().covering(event).newest_first().for_list()[: STORIES + 1]
        )
        by_role = [
            (label, [r.organisation for r in roles if r.role == value])
            for value, label in OrganiserRole.choices
        ]
        return super().get_context_data(
            organisers_by_role=[(label, orgs) for label, orgs in by_role if orgs],
            articles=articles[:STORIES],
            more_stories=len(articles) > STORIES,
            place_trail=place_trail(self.request, event.place),
            today=timezone.localdate(),
            meta=page_meta(
                self.request,
                event.title,
                event.description or event.title,
                noindex=self.is_preview,
            ),
            **kwargs,
        )
