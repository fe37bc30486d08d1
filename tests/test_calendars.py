"""Calendars (articles/calendars.py): every event as an .ics file, and calendars of all
events, of a place (with the places below it) and of an organisation, read back with
icalendar. All-day events end the day after their last day (RFC 5545); timed events are
in Asia/Shanghai with a VTIMEZONE; UIDs survive an edit; only published events. See
docs/feeds.md."""

import datetime as dt
from urllib.parse import quote
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone

from articles import calendars
from articles.models import Event

from .factories import EventFactory, EventOrganiserFactory, OrganisationFactory
from .helpers import count_queries

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def read(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events_of(calendar):
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


def today():
    return timezone.localdate()


@pytest.fixture
def fair(site):
    """The site's two-day event (a month from now) at 临海市, hosted by the association
    and organised by the company."""
    return site.event


# --- One event --------------------------------------------------------------------------


def test_an_event_downloads_as_one_all_day_event(client, fair):
    response = client.get(f"/events/{fair.slug}.ics")
    assert response["Content-Disposition"] == f'attachment; filename="{fair.slug}.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["version"] == "2.0" and calendar["prodid"]
    (event,) = calendar.walk("VEVENT")
    assert event["summary"] == "眼镜产业推进会"
    # Two days: DTEND is the day after the last day, both dates (VALUE=DATE).
    assert event.decoded("dtstart") == fair.starts_on
    assert event.decoded("dtend") == fair.ends_on + dt.timedelta(days=1)
    assert event["dtstart"].params.get("VALUE") == "DATE"
    assert b"DTSTART;VALUE=DATE:" in response.content
    assert event["uid"] == f"event-{fair.pk}@testserver"
    assert event.decoded("dtstamp").tzinfo is not None
    assert event["url"] == f"http://testserver/events/{fair.slug}/"
    # No timed event, no time zone needed.
    assert calendar.walk("VTIMEZONE") == []


def test_location_names_the_place_below_its_parents_then_the_venue(client, fair):
    (event,) = read(client, f"/events/{fair.slug}.ics").walk("VEVENT")
    assert event["location"] == "浙江省台州市临海市 · 国际会展中心"


def test_location_without_a_place_or_venue(client, places):
    EventFactory(title="只有场馆", place=None, venue="国际会展中心")
    EventFactory(title="只有地点", place=places.shangrao, venue="")
    EventFactory(title="都没有", place=None, venue="")
    found = events_of(read(client, "/feeds/events.ics"))
    assert found["只有场馆"]["location"] == "国际会展中心"
    assert found["只有地点"]["location"] == "江西省上饶市"
    assert "location" not in found["都没有"]


def test_the_organiser_is_the_host_and_every_organiser_is_in_the_description(client, fair):
    (event,) = read(client, f"/events/{fair.slug}.ics").walk("VEVENT")
    organiser = event["organizer"]
    assert organiser.params["CN"] == "中国测试光学协会"
    assert str(organiser) == "http://testserver/organisations/ceshixiehui/"
    description = str(event["description"])
    assert "中国测试光学协会" in description and "浙江测试眼镜有限公司" in description
    assert f"http://testserver/events/{fair.slug}/" in description


def test_without_a_host_the_first_organiser_is_named(client, places):
    event = EventFactory(title="协办活动")
    EventOrganiserFactory(event=event, organisation__name="协办单位甲", role="supporter")
    EventOrganiserFactory(event=event, organisation__name="承办单位乙", role="organiser")
    (vevent,) = read(client, f"/events/{event.slug}.ics").walk("VEVENT")
    assert vevent["organizer"].params["CN"] == "协办单位甲"
    description = str(vevent["description"])
    # By role, in the order of the roles: 承办 before 协办.
    assert description.index("承办单位乙") < description.index("协办单位甲")


def test_an_event_without_organisers_has_no_organizer(client, places):
    event = EventFactory(title="无主办", description="第一行\n第二行", website="https://x.example/")
    (vevent,) = read(client, f"/events/{event.slug}.ics").walk("VEVENT")
    assert "organizer" not in vevent
    assert str(vevent["description"]).startswith("第一行\n第二行\n")
    assert "https://x.example/" in str(vevent["description"])


# --- Dates and times ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "start_time", "end_time", "expected"),
    [
        # One day, no time: all day, ends the next day.
        (0, None, None, ("date", 0, "date", 1)),
        # Three days: ends the day after the third.
        (2, None, None, ("date", 0, "date", 3)),
        # One day with times: both in Beijing time.
        (0, dt.time(9, 30), dt.time(17, 0), (dt.time(9, 30), 0, dt.time(17, 0), 0)),
        # Two days with times: starts the first day, ends the last.
        (1, dt.time(9, 0), dt.time(12, 0), (dt.time(9, 0), 0, dt.time(12, 0), 1)),
        # A start time alone: a moment on one day…
        (0, dt.time(14, 0), None, (dt.time(14, 0), 0, None, None)),
        # …and the end of the last day for several days.
        (2, dt.time(14, 0), None, (dt.time(14, 0), 0, dt.time(0, 0), 3)),
        # An end time alone does not make a timed event.
        (0, None, dt.time(17, 0), ("date", 0, "date", 1)),
    ],
)
def test_dates_and_times(client, places, days, start_time, end_time, expected):
    first = dt.date(2031, 5, 20)
    event = EventFactory(
        starts_on=first,
        ends_on=first + dt.timedelta(days=days) if days else None,
        start_time=start_time,
        end_time=end_time,
    )
    response = client.get(f"/events/{event.slug}.ics")
    calendar = icalendar.Calendar.from_ical(response.content)
    (vevent,) = calendar.walk("VEVENT")
    start_kind, start_day, end_kind, end_day = expected

    def check(name, kind, day):
        value = vevent.decoded(name)
        when = first + dt.timedelta(days=day)
        if kind == "date":
            assert value == when and not isinstance(value, dt.datetime)
        else:
            assert value == dt.datetime.combine(when, kind, SHANGHAI)
            assert vevent[name].params["TZID"] == "Asia/Shanghai"

    check("dtstart", start_kind, start_day)
    if end_kind is None:
        assert "dtend" not in vevent
    else:
        check("dtend", end_kind, end_day)
    timed = start_kind != "date"
    assert bool(calendar.walk("VTIMEZONE")) == timed
    if timed:
        (zone,) = calendar.walk("VTIMEZONE")
        assert zone["tzid"] == "Asia/Shanghai"
        assert b"DTSTART;TZID=Asia/Shanghai:2031052" in response.content


def test_a_timed_event_is_at_the_same_instant_in_any_calendar(client, places):
    event = EventFactory(starts_on=dt.date(2031, 5, 20), ends_on=None, start_time=dt.time(9))
    (vevent,) = read(client, f"/events/{event.slug}.ics").walk("VEVENT")
    assert vevent.decoded("dtstart").astimezone(dt.UTC) == dt.datetime(
        2031, 5, 20, 1, tzinfo=dt.UTC
    )


# --- Identity and publishing ----------------------------------------------------------------


def test_uids_stay_the_same_when_an_event_is_edited(client, fair):
    (before,) = read(client, "/feeds/events.ics").walk("VEVENT")
    event = Event.objects.get(pk=fair.pk)
    event.title = "眼镜产业推进大会"
    event.slug = "yanjing-tuijin-dahui"
    event.starts_on += dt.timedelta(days=7)
    event.ends_on += dt.timedelta(days=7)
    event.save()
    (after,) = read(client, "/feeds/events.ics").walk("VEVENT")
    assert after["summary"] == "眼镜产业推进大会"
    assert after["uid"] == before["uid"] == f"event-{fair.pk}@testserver"
    assert read(client, "/events/yanjing-tuijin-dahui.ics").walk("VEVENT")[0]["uid"] == after["uid"]


def test_uids_name_the_host_of_site_url(client, settings, fair):
    settings.SITE_URL = "https://news.example.cn"
    (event,) = read(client, "/feeds/events.ics").walk("VEVENT")
    assert event["uid"] == f"event-{fair.pk}@news.example.cn"
    assert event["url"] == f"https://news.example.cn/events/{fair.slug}/"


def test_drafts_and_scheduled_events_stay_out(client, fair):
    draft = EventFactory(title="草稿活动", draft=True, place=fair.place)
    scheduled = EventFactory(title="定时活动", scheduled=True, place=fair.place)
    taken_down = EventFactory(
        title="撤下的活动",
        place=fair.place,
        published_at=timezone.now() - dt.timedelta(days=2),
        unpublish_at=timezone.now() - dt.timedelta(hours=1),
    )
    EventOrganiserFactory(event=draft, organisation=fair.organisers.first())
    for url in (
        "/feeds/events.ics",
        "/places/linhai/events.ics",
        "/organisations/ceshixiehui/events.ics",
    ):
        assert set(events_of(read(client, url))) == {"眼镜产业推进会"}, url
    for event in (draft, scheduled, taken_down):
        assert client.get(f"/events/{event.slug}.ics").status_code == 404


def test_even_staff_get_no_draft_as_a_file(editor_client, places):
    draft = EventFactory(title="草稿活动", draft=True)
    assert editor_client.get(f"/events/{draft.slug}.ics").status_code == 404


# --- Subscribed calendars ----------------------------------------------------------------


def test_a_place_calendar_includes_the_places_below_it(client, places):
    EventFactory(title="杜桥活动", place=places.duqiao)
    EventFactory(title="临海活动", place=places.linhai)
    EventFactory(title="上饶活动", place=places.zone)
    EventFactory(title="没有地点的活动", place=None)
    assert set(events_of(read(client, "/places/zhejiang/events.ics"))) == {"杜桥活动", "临海活动"}
    assert set(events_of(read(client, "/places/linhai/events.ics"))) == {"杜桥活动", "临海活动"}
    assert set(events_of(read(client, "/places/duqiao/events.ics"))) == {"杜桥活动"}
    assert set(events_of(read(client, "/places/jiangxi/events.ics"))) == {"上饶活动"}
    assert set(events_of(read(client, "/feeds/events.ics"))) == {
        "杜桥活动",
        "临海活动",
        "上饶活动",
        "没有地点的活动",
    }


def test_an_organisation_calendar_lists_each_of_its_events_once(client, places):
    organisation = OrganisationFactory(name="一家协会")
    both = EventFactory(title="既主办又承办")
    EventOrganiserFactory(event=both, organisation=organisation, role="host")
    EventOrganiserFactory(event=both, organisation=organisation, role="organiser")
    EventOrganiserFactory(event__title="只是协办", organisation=organisation, role="supporter")
    EventFactory(title="别人的活动")
    calendar = read(client, f"/organisations/{organisation.slug}/events.ics")
    assert sorted(str(e["summary"]) for e in calendar.walk("VEVENT")) == [
        "只是协办",
        "既主办又承办",
    ]
    assert "一家协会" in str(calendar["x-wr-calname"])


def test_a_subscribed_calendar_holds_recent_and_upcoming_events(client, places):
    day = today()
    EventFactory(title="早已结束", starts_on=day - dt.timedelta(days=200), ends_on=None)
    EventFactory(
        title="刚结束",
        starts_on=day - dt.timedelta(days=calendars.RECENT_DAYS + 2),
        ends_on=day - dt.timedelta(days=calendars.RECENT_DAYS - 1),
    )
    EventFactory(title="一个月前", starts_on=day - dt.timedelta(days=30), ends_on=None)
    EventFactory(title="明年", starts_on=day + dt.timedelta(days=365), ends_on=None)
    found = events_of(read(client, "/feeds/events.ics"))
    assert set(found) == {"刚结束", "一个月前", "明年"}
    starts = [e.decoded("dtstart") for e in read(client, "/feeds/events.ics").walk("VEVENT")]
    assert starts == sorted(starts)


def test_a_subscribed_calendar_is_named_and_says_how_often_to_refresh(client, fair):
    response = client.get("/feeds/events.ics")
    assert "Content-Disposition" not in response
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]).endswith(" - 光学产业资讯")
    assert calendar["name"] == calendar["x-wr-calname"]
    assert calendar.decoded("refresh-interval") == calendars.REFRESH
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT6H" in response.content
    assert b"X-PUBLISHED-TTL:PT6H" in response.content
    place = read(client, "/places/linhai/events.ics")
    assert "临海市" in str(place["x-wr-calname"])


def test_a_subscribed_calendar_is_bounded(client, places, monkeypatch):
    monkeypatch.setattr(calendars, "MAX_EVENTS", 3)
    for n in range(5):
        EventFactory(title=f"活动{n}", starts_on=today() + dt.timedelta(days=n), ends_on=None)
    assert set(events_of(read(client, "/feeds/events.ics"))) == {"活动0", "活动1", "活动2"}


@pytest.mark.parametrize(
    "url",
    [
        "/events/nothing.ics",
        "/places/nowhere/events.ics",
        "/organisations/nobody/events.ics",
        f"/places/{quote('临海')}/events.ics",
    ],
)
def test_a_calendar_of_nothing_is_a_404(client, fair, url):
    assert client.get(url).status_code == 404


# --- Cost and caching -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # The events with their places, their organisers, the places above theirs.
        ("/feeds/events.ics", 3),
        # …and the place or the organisation.
        ("/places/zhejiang/events.ics", 4),
        ("/organisations/ceshixiehui/events.ics", 4),
        ("/events/yanjing-tuijinhui.ics", 3),
    ],
)
def test_queries_do_not_grow_with_the_events(client, site, url, expected):
    assert count_queries(client, url) == expected
    for place in (site.places.duqiao, site.places.linhai, site.places.zone):
        for _ in range(4):
            event = EventFactory(place=place, start_time=dt.time(9))
            EventOrganiserFactory(event=event, organisation=site.association)
            EventOrganiserFactory(event=event, role="organiser")
    assert count_queries(client, url) == expected


def test_calendars_are_served_from_the_page_cache(client, settings, fair):
    settings.PAGE_CACHE_SECONDS = 300
    for url in ("/feeds/events.ics", f"/events/{fair.slug}.ics"):
        first = client.get(url)
        assert first["X-Page-Cache"] == "miss" and not first.cookies
        again = client.get(url)
        assert again["X-Page-Cache"] == "hit" and again.content == first.content
        assert again["Content-Type"] == "text/calendar; charset=utf-8"
    assert again["Content-Disposition"] == first["Content-Disposition"]


# --- Linked from the pages --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "calendar"),
    [
        ("/events/", "/feeds/events.ics"),
        ("/events/?place=linhai", "/places/linhai/events.ics"),
        ("/places/linhai/", "/places/linhai/events.ics"),
        ("/organisations/ceshixiehui/", "/organisations/ceshixiehui/events.ics"),
        ("/events/yanjing-tuijinhui/", "/events/yanjing-tuijinhui.ics"),
    ],
)
def test_pages_link_their_calendars(client, site, page, calendar):
    html = client.get(page).content.decode()
    assert f'<a class="subscribe-link" href="{calendar}" type="text/calendar">' in html
