"""Filters readers combine on the story, organisation and event lists.

Every value arrives in the query string, so every field is validated by the
FilterSet's form: an unknown place or a date like 2025-13-45 becomes a message
on the page and a 400, never a database error.
"""

import datetime as dt

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import search
from .models import Article, Event, Organisation, OrganisationKind, Place, Topic

MAX_VALUE_LENGTH = 100


#: Rows found by slug under one content version, in this process: ``{"version": v,
#: "rows": {(model label, slug): row}}``. Places, topics and organisations change only
#: with a new version; a filtered list looks up one to three of them per request.
_FOUND = {"version": None, "rows": {}}
_FOUND_MAX = 2000


def _found_rows(state):
    if _FOUND["version"] != state.version or len(_FOUND["rows"]) > _FOUND_MAX:
        _FOUND.update(version=state.version, rows={})
    return _FOUND["rows"]


class BoundedSlugChoiceField(django_filters.fields.ModelChoiceField):
    """Looks a row up by slug, refusing absurd values before touching the database.

    With ``remember`` (for a queryset of all the model's rows, none hidden until a set
    time) and the request's content state (``content_state``, set by
    ``FacetedFilterSet``), a row found is remembered in this process until the version
    changes.
    """

    default_error_messages = {
        "invalid_choice": _("“%(value)s” is not one we know. It may have been renamed or removed.")
    }
    content_state = None

    def __init__(self, *args, remember=True, **kwargs):
        self.remember = remember
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value and len(value) > MAX_VALUE_LENGTH:
            raise forms.ValidationError(
                _("The value is too long (at most %(n)d characters).") % {"n": MAX_VALUE_LENGTH},
                code="too_long",
            )
        if not (self.remember and self.content_state and value):
            return self._look_up(value)
        rows, key = _found_rows(self.content_state), (self.queryset.model._meta.label, value)
        if key not in rows:
            rows[key] = self._look_up(value)
        return rows[key]

    def _look_up(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            if error.code == "invalid_choice":
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"] % {"value": value[:40]},
                    code="invalid_choice",
                ) from None
            raise


class SlugFilter(django_filters.ModelChoiceFilter):
    field_class = BoundedSlugChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)


class DayBoundFilter(django_filters.DateFilter):
    """A calendar day in Beijing time, compared with an indexed datetime column."""

    #: The first and last days have no bounds in UTC (0001-01-01 00:00 in Beijing is
    #: in year 0; 9999-12-31 has no next day): a date beyond these is a 400, not a 500.
    EARLIEST_DAY = dt.date.min + dt.timedelta(days=1)
    LATEST_DAY = dt.date.max - dt.timedelta(days=1)

    def __init__(self, *args, end_of_day=False, **kwargs):
        self.end_of_day = end_of_day
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        kwargs.setdefault(
            "validators",
            [MinValueValidator(self.EARLIEST_DAY), MaxValueValidator(self.LATEST_DAY)],
        )
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        if self.end_of_day:
            bound = timezone.make_aware(
                dt.datetime.combine(value + dt.timedelta(days=1), dt.time())
            )
            return qs.filter(**{f"{self.field_name}__lt": bound})
        bound = timezone.make_aware(dt.datetime.combine(value, dt.time()))
        return qs.filter(**{f"{self.field_name}__gte": bound})


class FacetedFilterSet(django_filters.FilterSet):
    """A FilterSet that can also filter with all but one of its filters.

    Facet counts use it: the counts next to the places are those of the stories
    matching every other active filter, so a reader sees what each choice gives.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        state = getattr(self.request, "content_state", None)
        for field in self.form.fields.values():
            if isinstance(field, BoundedSlugChoiceField):
                field.content_state = state

    def qs_without(self, excluded):
        """The base queryset narrowed by every active filter except ``excluded``."""
        queryset = self.queryset
        if not self.is_bound:
            return queryset
        for name, value in self.form.cleaned_data.items():
            if name != excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def key_without(self, excluded):
        """The active filters except ``excluded`` as plain values: what counts over
        ``qs_without(excluded)`` depend on, for cache keys. Ordering filters are left out."""
        if not self.is_bound or not self.is_valid():
            return ()
        ordering = getattr(self.Meta, "ordering_only", ())
        return tuple(
            (name, getattr(value, "pk", value) if not isinstance(value, str) else value)
            for name, value in sorted(self.form.cleaned_data.items())
            if name != excluded and name not in ordering and value not in (None, "")
        )

    def search_terms(self):
        """The terms of the text filter ``q`` in use, if the FilterSet has one."""
        if "q" not in self.filters or not self.is_bound or not self.is_valid():
            return []
        return search.parse_query(self.form.cleaned_data.get("q") or "")

    def selected(self, name):
        """The value of filter ``name`` as the reader sent it, "" when it is not in use."""
        if not self.is_bound:
            return ""
        return (self.data.get(name) or "")[:MAX_VALUE_LENGTH]

    def filter_place(self, queryset, name, value):
        """A place filter includes every place below it (临海 is inside 台州)."""
        return queryset.in_place(value)

    @cached_property
    def active(self):
        """(name, label, value) for every filter in use, for the 'remove' chips."""
        if not self.is_bound or not self.is_valid():
            return []
        chips = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", [], ()) or name in getattr(self.Meta, "ordering_only", ()):
                continue
            field = self.form.fields[name]
            if hasattr(field, "choices") and not hasattr(value, "pk"):
                value = dict(field.choices).get(value, value)
            chips.append((name, field.label, value))
        return chips


class ArticleFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class ArticleFilter(FacetedFilterSet):
    q = django_filters.CharFilter(
        label=_("Words"), method="filter_text", max_length=MAX_VALUE_LENGTH
    )
    place = SlugFilter(label=_("Place"), queryset=Place.objects.all(), method="filter_place")
    topic = SlugFilter(label=_("Topic"), queryset=Topic.objects.all(), method="filter_topic")
    organisation = SlugFilter(
        label=_("Organisation"), queryset=Organisation.objects.all(), field_name="organisations"
    )
    event = SlugFilter(
        label=_("Event"),
        # A callable, so "published" is decided per request, not at import time; not
        # remembered, as an event may be taken down at a set time without a new version.
        queryset=lambda request: Event.objects.published(),
        field_name="event",
        remember=False,
    )
    date_from = DayBoundFilter(label=_("From"), field_name="published_at")
    date_to = DayBoundFilter(label=_("To"), field_name="published_at", end_of_day=True)
    sort = django_filters.ChoiceFilter(
        label=_("Sort"),
        choices=[("newest", _("Newest first")), ("popular", pgettext_lazy("sort", "Most read"))],
        method="filter_sort",
        empty_label=None,
    )

    class Meta:
        model = Article
        fields = []
        form = ArticleFilterForm
        #: Filters that only order the list: no chip to remove, no part of count keys.
        ordering_only = ("sort",)

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.form.fields["q"].widget.attrs.update({"type": "search", "maxlength": MAX_VALUE_LENGTH})

    def filter_topic(self, queryset, name, value):
        return queryset.tagged(value)

    def filter_text(self, queryset, name, value):
        # Bigram index: exact like a substring scan, traditional queries find simplified text.
        return search.search(queryset, value)

    def filter_sort(self, queryset, name, value):
        return queryset.most_read() if value == "popular" else queryset.newest_first()

    def filter_queryset(self, queryset):
        # Django-filter skips filters with an empty value; the list is newest first by default.
        return super().filter_queryset(queryset.newest_first())


class OrganisationFilter(FacetedFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=OrganisationKind.choices)
    place = SlugFilter(label=_("Place"), queryset=Place.objects.all(), method="filter_place")

    class Meta:
        model = Organisation
        fields = []


class EventFilter(FacetedFilterSet):
    place = SlugFilter(label=_("Place"), queryset=Place.objects.all(), method="filter_place")

    class Meta:
        model = Event
        fields = []
