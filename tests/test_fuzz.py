"""Property-based tests (hypothesis): no query string, cookie or date a browser or robot
can send makes a reader page answer 500. Bad input is a 400 (or 404) page; everything
else is a page.
"""

import datetime as dt
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Article, Event

from .test_admin import admin_url, story_form

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

LISTS = ["/articles/", "/search/", "/organisations/", "/events/", "/topics/眼镜/", "/places/"]
PARAMETERS = ["q", "place", "topic", "organisation", "event", "date_from", "date_to", "sort"]
PARAMETERS += ["page", "kind", "next", "utm_source"]

#: Values a robot tries: anything printable, control characters, numbers, dates, slugs.
values = st.one_of(
    st.text(max_size=120),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(str),
    st.sampled_from(["zhejiang", "眼镜", "newest", "popular", "company", "0", "-1", "²"]),
    st.binary(max_size=20).map(lambda b: b.decode("latin-1")),
)
queries = st.lists(st.tuples(st.sampled_from(PARAMETERS), values), max_size=6)


def acceptable(status):
    return status < 500 and status in (200, 301, 302, 400, 404)


@FUZZ
@given(path=st.sampled_from(LISTS), query=queries)
def test_no_query_string_makes_a_list_answer_500(client, site, path, query):
    response = client.get(f"{path}?{urlencode(query)}")
    assert acceptable(response.status_code), (path, query, response.status_code)


@FUZZ
@given(
    script=values,
    language=values,
    session=st.text(max_size=60),
    path=st.sampled_from(["/", "/articles/", "/places/zhejiang/", "/healthz"]),
)
def test_no_cookie_makes_a_page_answer_500(client, site, script, language, session, path):
    for name, value in (("script", script), ("django_language", language), ("sessionid", session)):
        client.cookies[name] = value.encode("ascii", "ignore").decode()[:200]
    response = client.get(path)
    assert acceptable(response.status_code), (path, response.status_code)


@FUZZ
@given(
    first=st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    last=st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
)
def test_date_filters_at_any_edge_are_a_page_or_a_400(client, site, first, last):
    response = client.get(f"/articles/?date_from={first}&date_to={last}")
    assert response.status_code in (200, 400)


#: What an editor types in the admin: a wall-clock time in Beijing, any year the form takes.
typed_times = st.datetimes(
    min_value=dt.datetime(1, 1, 1),  # noqa: DTZ001 - a typed time has no zone
    max_value=dt.datetime(9999, 12, 31, 23, 59, 59),  # noqa: DTZ001
)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(moment=typed_times)
def test_any_publication_time_typed_in_the_admin_is_saved_or_refused_never_a_500(
    superuser_client, places, moment
):
    data = story_form(
        places,
        title="边界日期测试",
        published_at_0=f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}",
        published_at_1=moment.strftime("%H:%M:%S"),
    )
    response = superuser_client.post(admin_url(Article, "add"), data)
    assert response.status_code in (200, 302)
    in_range = dt.date(1949, 1, 1) <= moment.date() <= dt.date(2100, 12, 31)
    if response.status_code == 302:
        assert in_range
    Article.objects.all().delete()
    assert superuser_client.get("/articles/").status_code == 200


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(day=st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_any_event_day_is_saved_or_refused_never_a_500(superuser_client, db, day):
    response = superuser_client.post(
        admin_url(Event, "add"),
        {
            "title": "边界大会",
            "starts_on": f"{day.year:04d}-{day.month:02d}-{day.day:02d}",
            "status": "published",
            "published_at_0": "2025-06-01",
            "published_at_1": "09:00:00",
            "organiser_roles-TOTAL_FORMS": "0",
            "organiser_roles-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code in (200, 302)
    Event.objects.all().delete()
    assert superuser_client.get("/events/").status_code == 200
