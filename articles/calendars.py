"""Events as iCalendar files (RFC 5545, the ``icalendar`` library): one event to add to a
calendar, and calendars to subscribe to of all events, of a place (with the places below
it) and of an organisation. See docs/feeds.md for the addresses and the rules.

- An event without a start time is all-day: ``DTSTART;VALUE=DATE`` on its first day and
  ``DTEND;VALUE=DATE`` the day after its last (the end is exclusive).
- A timed event is in Beijing time, ``TZID=Asia/Shanghai`` with its ``VTIMEZONE``.
- ``UID`` is ``event-<id>@<the site's host>``: editing an event, its title or its slug
  keeps it, so a calendar updates the event rather than adding another.

Like feeds, calendars are anonymous GETs served through the page cache, in a bounded
number of queries: the events, their organisers and the places above theirs, three in all.
"""

import datetime as dt
import functools
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext

from .models import Event, EventOrganiser, Organisation, OrganiserRole, Place
from .models.base import EARLIEST_DAY, LATEST_DAY
from .views.lists import absolute_url

#: Where every event happens, as far as the portal knows.
TIME_ZONE = ZoneInfo("Asia/Shanghai")
#: A subscribed calendar shows what is coming and what has just been: events that ended
#: at most this many days ago, and the ones after them.
RECENT_DAYS = 90
#: The most events in a subscribed calendar, soonest first: more than a year of the
#: portal's trade fairs, and a bounded file whatever the archive holds.
MAX_EVENTS = 500
#: How often a subscribed calendar is worth fetching again (RFC 7986, and Apple's and
#: Microsoft's older property of the same meaning).
REFRESH = dt.timedelta(hours=6)
CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODUCT_ID = "-//Optics industry news portal//Events//ZH"
#: Joins the place's names (浙江省台州市临海市) and the venue in LOCATION.
LOCATION_SEPARATOR = " · "


# --- The iCalendar objects ------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _vtimezone():
    """Asia/Shanghai as a VTIMEZONE over every date an event may have (1949-2100),
    China's summer times of 1986-1991 among them; built once (it takes some 30 ms)."""
    return icalendar.Timezone.from_tzinfo(
        TIME_ZONE, first_date=EARLIEST_DAY, last_date=LATEST_DAY + dt.timedelta(days=1)
    )


def uid_host(request):
    """The host named in UIDs: SITE_URL's, else the request's (without a port)."""
    if settings.SITE_URL:
        return urlsplit(settings.SITE_URL).hostname
    host = request.get_host()
    return split_domain_port(host)[0] or host


def event_uid(event, host):
    return f"event-{event.pk}@{host}"


def event_times(event):
    """(DTSTART, DTEND or None) of ``event``: dates for an all-day event, the end the day
    after the last day; times in Beijing for a timed one. A timed event without an end
    time ends at the end of its last day when it spans several days, and has no end
    (a moment, as RFC 5545 says of a DTSTART alone) when it is one day."""
    if event.start_time is None:
        return event.starts_on, event.last_day + dt.timedelta(days=1)
    start = dt.datetime.combine(event.starts_on, event.start_time, tzinfo=TIME_ZONE)
    if event.end_time is not None:
        end = dt.datetime.combine(event.last_day, event.end_time, tzinfo=TIME_ZONE)
    elif event.is_multi_day:
        end = dt.datetime.combine(event.last_day + dt.timedelta(days=1), dt.time(), TIME_ZONE)
    else:
        end = None
    return start, end if end is not None and end > start else None


def location(event, places_by_pk):
    """浙江省台州市临海市 · 国际会展中心: the place below its ancestors, then the venue."""
    parts = []
    if event.place_id:
        trail = [places_by_pk.get(pk) for pk in event.place.ancestor_ids()]
        parts.append("".join(p.name for p in [*trail, event.place] if p is not None))
    if event.venue.strip():
        parts.append(event.venue.strip())
    return LOCATION_SEPARATOR.join(parts)


def main_organiser(roles):
    """The organiser a calendar names: the first host, else the first organiser listed."""
    for role in roles:
        if role.role == OrganiserRole.HOST:
            return role
    return roles[0] if roles else None


def description(event, roles, page_url):
    """The event's description, then its organisers by role, its website and its page."""
    lines = [event.description.strip()] if event.description.strip() else []
    by_role = {}
    for role in roles:
        by_role.setdefault(role.role, []).append(role.organisation.name)
    organisers = [
        gettext("%(role)s: %(names)s") % {"role": label, "names": "、".join(by_role[value])}
        for value, label in OrganiserRole.choices
        if value in by_role
    ]
    if organisers:
        lines += ["", *organisers] if lines else organisers
    if event.website:
        lines.append(gettext("Website: %(url)s") % {"url": event.website})
    lines.append(gettext("More: %(url)s") % {"url": page_url})
    return "\n".join(lines)


def vevent(request, event, places_by_pk, host, stamp):
    """The VEVENT of ``event``, whose ``organiser_roles`` are prefetched."""
    roles = list(event.organiser_roles.all())
    page_url = absolute_url(request, event.get_absolute_url())
    component = icalendar.Event()
    component.add("uid", event_uid(event, host))
    component.add("dtstamp", stamp)
    start, end = event_times(event)
    component.add("dtstart", start)
    if end is not None:
        component.add("dtend", end)
    component.add("summary", event.title)
    where = location(event, places_by_pk)
    if where:
        component.add("location", where)
    main = main_organiser(roles)
    if main is not None:
        # A calendar address is a URI; organisations have no mail address here, so
        # their page on the site names them.
        organiser = icalendar.vCalAddress(
            absolute_url(request, main.organisation.get_absolute_url())
        )
        organiser.params["cn"] = main.organisation.name
        component.add("organizer", organiser)
    component.add("description", description(event, roles, page_url))
    component.add("url", page_url)
    return component


def calendar_of(request, events, *, name=None):
    """A VCALENDAR of ``events``; ``name`` makes it a calendar to subscribe to."""
    events = list(events)
    ancestor_ids = {pk for e in events if e.place_id for pk in e.place.ancestor_ids()}
    places_by_pk = Place.objects.in_bulk(ancestor_ids) if ancestor_ids else {}
    host = uid_host(request)
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
        # An unknown property would be written as text ("6:00:00"): give it its type.
        calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    if any(event.start_time is not None for event in events):
        calendar.add_component(_vtimezone())
    for event in events:
        calendar.add_component(vevent(request, event, places_by_pk, host, stamp))
    return calendar


def calendar_response(calendar, filename=None):
    response = HttpResponse(calendar.to_ical(), content_type=CONTENT_TYPE)
    if filename:
        response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def with_details(events):
    """Events with their place and organisers, read in two queries whatever their number."""
    return events.select_related("place").prefetch_related(
        Prefetch(
            "organiser_roles",
            queryset=EventOrganiser.objects.select_related("organisation").order_by("order", "pk"),
        )
    )


def recent_and_upcoming(events, today=None):
    """Events that ended at most RECENT_DAYS ago and all after them, soonest first, at
    most MAX_EVENTS."""
    since = (today or timezone.localdate()) - dt.timedelta(days=RECENT_DAYS)
    return with_details(
        events.filter(
            Q(ends_on__gte=since) | Q(ends_on__isnull=True, starts_on__gte=since)
        ).order_by("starts_on", "start_time", "pk")
    )[:MAX_EVENTS]


# --- The views ------------------------------------------------------------------------


def event_calendar(request, slug):
    """One published event as a file to add to a calendar."""
    events = with_details(Event.objects.published().filter(slug=slug))
    event = next(iter(events), None)
    if event is None:
        raise Http404(gettext("No event found."))
    return calendar_response(calendar_of(request, [event]), filename=f"{event.slug}.ics")


def events_calendar(request):
    """Every published event, recent and upcoming."""
    name = f"{gettext('Events')} - {settings.SITE_NAME}"
    events = recent_and_upcoming(Event.objects.published())
    return calendar_response(calendar_of(request, events, name=name))


def place_calendar(request, slug):
    """The events of a place and of the places below it."""
    place = get_object_or_404(Place, slug=slug)
    name = gettext("Events in %(place)s") % {"place": place.name}
    events = recent_and_upcoming(Event.objects.published().in_place(place))
    return calendar_response(calendar_of(request, events, name=f"{name} - {settings.SITE_NAME}"))


def organisation_calendar(request, slug):
    """The events an organisation hosts, organises or supports, whatever its role."""
    organisation = get_object_or_404(Organisation, slug=slug)
    name = gettext("Events of %(organisation)s") % {"organisation": organisation.name}
    roles = EventOrganiser.objects.filter(organisation=organisation).values("event_id")
    events = recent_and_upcoming(Event.objects.published().filter(pk__in=roles))
    return calendar_response(calendar_of(request, events, name=f"{name} - {settings.SITE_NAME}"))
