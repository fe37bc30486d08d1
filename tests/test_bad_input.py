"""Requests a browser or a robot can make: never a 500, always a 400 or 404 that says why.

The test client re-raises a view's exception, so a 500 would fail these tests loudly.
"""

from urllib.parse import quote

import pytest
from django.utils.html import escape
from django.utils.translation import gettext, override

from .factories import ArticleFactory, EventFactory, OrganisationFactory, TopicFactory

pytestmark = pytest.mark.django_db


def message(msgid, **params):
    """The message as a reader sees it (in the site's language, HTML-escaped)."""
    with override("zh-hans"):
        text = gettext(msgid)
    return escape(text % params if params else text)


def get(client, url, status):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def story(places):
    return ArticleFactory(place=places.duqiao)


# --- Filter values -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "value"),
    [
        ("/articles/?place=atlantis", "atlantis"),
        ("/articles/?topic=" + quote("不存在"), "不存在"),
        ("/articles/?organisation=nobody", "nobody"),
        ("/articles/?event=never", "never"),
        ("/organisations/?place=atlantis", "atlantis"),
        ("/events/?place=atlantis", "atlantis"),
    ],
)
def test_unknown_filter_values_are_a_400_naming_the_value(client, story, url, value):
    html = get(client, url, 400)
    assert (
        message("“%(value)s” is not one we know. It may have been renamed or removed.", value=value)
        in html
    )
    assert 'role="alert"' in html
    assert '<meta name="robots" content="noindex">' in html


@pytest.mark.parametrize("value", ["2025-13-45", "2025-02-30", "yesterday", "20250620x", "-1"])
@pytest.mark.parametrize("name", ["date_from", "date_to"])
def test_impossible_dates_are_a_400(client, story, name, value):
    html = get(client, f"/articles/?{name}={value}", 400)
    assert 'role="alert"' in html
    with override("zh-hans"):
        label = gettext("From" if name == "date_from" else "To")
    assert escape(label) in html


def test_a_range_ending_before_it_starts_is_a_400(client, story):
    html = get(client, "/articles/?date_from=2025-06-20&date_to=2025-06-01", 400)
    assert message("The end date is before the start date.") in html


@pytest.mark.parametrize(
    "query",
    [
        "date_from=0001-01-01",
        "date_to=0001-01-01",
        "date_from=9999-12-31",
        "date_to=9999-12-31",
        "date_from=0001-01-01&date_to=9999-12-31",
    ],
)
def test_dates_at_the_ends_of_the_calendar_do_not_crash(client, story, query):
    """Beijing midnight of 0001-01-01 is in year 0 in UTC, and 9999-12-31 has no next day."""
    response = client.get(f"/articles/?{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert 'role="alert"' in response.content.decode()


def test_unknown_choices_are_a_400(client, story):
    get(client, "/articles/?sort=random", 400)
    get(client, "/organisations/?kind=bakery", 400)


# --- Page numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "1e3", "%C2%B2", "%D9%A1x", "0x10", " "])
@pytest.mark.parametrize("path", ["/articles/", "/organisations/", "/events/", "/topics/t/"])
def test_page_numbers_that_are_not_numbers_are_a_400(client, story, path, value):
    ArticleFactory(topics=[TopicFactory(name="t")])
    html = get(client, f"{path}?page={value}", 400)
    assert 'role="alert"' in html


@pytest.mark.parametrize("path", ["/articles/", "/organisations/", "/events/"])
@pytest.mark.parametrize("value", ["0", "99999", "999999999999999999999999"])
def test_pages_past_the_end_are_a_400_saying_how_many_there_are(client, story, path, value):
    OrganisationFactory()
    EventFactory()
    html = get(client, f"{path}?page={value}", 400)
    assert 'role="alert"' in html
    if value == "99999":
        assert (
            message(
                "There is no page %(page)s: the list has %(pages)d page(s).", page="99999", pages=1
            )
            in html
        )


def test_page_abc_names_the_value(client, story):
    html = get(client, "/articles/?page=abc", 400)
    assert message("“%(page)s” is not a page number.", page="abc") in html


def test_page_one_and_an_empty_page_are_fine(client, story):
    get(client, "/articles/?page=1", 200)
    get(client, "/articles/?page=", 200)


# --- Long and odd values ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["q", "place", "topic", "organisation", "event", "date_from"])
def test_a_5000_character_value_is_a_400(client, story, name):
    html = get(client, f"/articles/?{name}={'x' * 5000}", 400)
    assert message("The address is too long.") in html


@pytest.mark.parametrize("name", ["q", "place", "topic", "organisation", "event"])
def test_a_value_too_long_for_a_filter_is_a_400(client, story, name):
    """Short enough for the middleware, too long for any slug or search."""
    html = get(client, f"/articles/?{name}={'镜' * 150}", 400)
    assert 'role="alert"' in html


def test_a_5000_character_chinese_value_is_a_400(client, story):
    get(client, "/articles/?q=" + quote("眼镜" * 2500), 400)


@pytest.mark.parametrize(
    "path",
    [
        "/places/" + "x" * 5000 + "/",
        "/topics/" + quote("镜" * 5000) + "/",
        "/organisations/" + "x" * 5000 + "/",
        "/events/" + "x" * 5000 + "/",
        "/articles/99999999-" + "x" * 5000 + "/",
    ],
)
def test_a_5000_character_path_is_a_404(client, story, path):
    get(client, path, 404)


def test_a_5000_character_slug_of_a_story_redirects_to_the_canonical_url(client, story):
    response = client.get(f"/articles/{story.pk}-{'x' * 5000}/")
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


@pytest.mark.parametrize(
    "url",
    [
        "/articles/?q=%00",
        "/articles/?place=duqiao%00",
        "/articles/?topic=a%00b",
        "/articles/?page=1%00",
        "/articles/?%00=1",
        "/organisations/?place=%00",
        "/events/?place=%00",
        "/places/duqiao%00/",
        "/topics/%00/",
        "/organisations/a%00/",
        "/events/%00x/",
        "/articles/1-a%00b/",
        "/%00",
    ],
)
def test_nul_characters_are_a_400(client, story, url):
    html = get(client, url, 400)
    assert message("The address contains a character that is not allowed.") in html


@pytest.mark.parametrize(
    "url",
    [
        "/articles/99999999999999999999-x/",
        "/articles/99999999999999999999/",
        "/articles/9223372036854775808-x/",
        "/articles/9223372036854775807-x/",
        "/articles/0-x/",
        "/articles/000-x/",
    ],
)
def test_huge_or_odd_story_ids_are_a_404(client, story, url):
    html = get(client, url, 404)
    assert 'href="/articles/"' in html


def test_leading_zeros_in_an_id_redirect_to_the_canonical_url(client, story):
    response = client.get(f"/articles/{story.pk:09d}-x/")
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


@pytest.mark.parametrize(
    "query",
    [
        "place=duqiao&place=atlantis",
        "q=" + quote("<script>alert(1)</script>"),
        "q=" + quote('"><img src=x onerror=alert(1)>'),
        "place=" + quote("<b>x</b>"),
        "q=" + quote("%%%"),
        "q=" + quote("' OR 1=1 --"),
        "q=" + quote('眼镜 AND (光学) NOT "x" *'),
        "unknown=1&page=1",
    ],
)
def test_odd_query_strings_are_answered_and_escaped(client, story, query):
    response = client.get(f"/articles/?{query}")
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x onerror" not in html
    assert "<b>x</b>" not in html


def test_a_filter_error_keeps_the_page_usable(client, story):
    """The list is shown empty with the error and a link that removes all filters."""
    response = client.get("/articles/?place=atlantis&topic=" + quote("不存在"))
    html = response.content.decode()

    assert response.status_code == 400
    assert html.count("atlantis") >= 1 and "不存在" in html
    assert 'href="/articles/"' in html
    assert story.title not in html
