"""The reader's 简/繁 toggle: a cookie set by /script/hant/, pages converted with OpenCC s2t
on the way out (portal.script.TraditionalScriptMiddleware), the admin left alone."""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from articles.models import Article
from portal.script import SCRIPT_COOKIE, TRADITIONAL, convert_outside_markers

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db

TOGGLE = re.compile(r'<a class="script-toggle"[^>]*href="([^"]+)"[^>]*>([^<]*)</a>')


@pytest.fixture
def story(places):
    return ArticleFactory(
        title="临海眼镜产业发展",
        summary="浙江省光学学会成立服务站。",
        body="<p>激光与光学元件。</p>",
        place=places.linhai,
    )


def traditional(client):
    client.cookies[SCRIPT_COOKIE] = TRADITIONAL
    return client


def html_of(response, status=200):
    assert response.status_code == status, response.status_code
    return response.content.decode()


# --- Setting the cookie ---------------------------------------------------------------------


def test_choosing_traditional_sets_a_lasting_cookie_and_goes_back(client):
    response = client.get("/script/hant/?next=" + quote("/articles/?q=眼镜&page=1"))

    assert response.status_code == 302
    assert response["Location"] == "/articles/?q=" + quote("眼镜") + "&page=1"
    cookie = response.cookies[SCRIPT_COOKIE]
    assert cookie.value == TRADITIONAL
    assert int(cookie["max-age"]) >= 300 * 24 * 3600
    assert cookie["samesite"] == "Lax" and cookie["path"] == "/"


def test_choosing_simplified_deletes_the_cookie(client):
    traditional(client)
    response = client.get("/script/hans/?next=/places/")

    assert response.status_code == 302 and response["Location"] == "/places/"
    assert response.cookies[SCRIPT_COOKIE].value == ""
    assert int(response.cookies[SCRIPT_COOKIE]["max-age"]) == 0


def test_the_toggle_url_reverses(client):
    assert reverse("set-script", args=["hant"]) == "/script/hant/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "http://evil.example/articles/",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "https:evil.example",
        "ftp://testserver/",
    ],
)
def test_the_redirect_goes_only_to_local_urls(client, target):
    response = client.get("/script/hant/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[SCRIPT_COOKIE].value == TRADITIONAL


@pytest.mark.parametrize(
    ("target", "location"),
    [
        (None, "/"),
        ("", "/"),
        ("/", "/"),
        ("/events/", "/events/"),
        ("http://testserver/topics/", "http://testserver/topics/"),
    ],
)
def test_local_targets_are_kept(client, target, location):
    response = client.get("/script/hant/", {} if target is None else {"next": target})
    assert response["Location"] == location


@pytest.mark.parametrize("script", ["hank", "zh-hant", "HANT", "x" * 50])
def test_an_unknown_script_is_a_404(client, script):
    response = client.get(f"/script/{script}/")
    assert response.status_code == 404
    assert SCRIPT_COOKIE not in response.cookies


# --- Pages with the cookie ----------------------------------------------------------------------


def test_pages_without_the_cookie_are_simplified_with_a_繁_toggle(client, story):
    html = html_of(client.get("/articles/"))

    assert '<html lang="zh-Hans">' in html
    assert "临海眼镜产业发展" in html
    href, label = TOGGLE.search(html).groups()
    assert label == "繁"
    assert href.startswith("/script/hant/?next=")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/", "臨海眼鏡產業發展"),
        ("/articles/", "臨海眼鏡產業發展"),
        ("/search/?q=" + quote("眼镜"), "臨海<mark>眼鏡</mark>產業發展"),
        ("/places/linhai/", "臨海眼鏡產業發展"),
        ("/topics/", "編輯後臺"),  # the footer's 编辑后台
        ("STORY", "臨海眼鏡產業發展"),
    ],
)
def test_with_the_cookie_pages_are_traditional_and_the_toggle_reads_简(
    client, story, url, expected
):
    url = story.get_absolute_url() if url == "STORY" else url
    plain = html_of(client.get(url))
    html = html_of(traditional(client).get(url))

    assert (
        html.count('<html lang="zh-Hant">') == 1 and 'lang="zh-Hans"' not in html.split("<body")[0]
    )
    assert expected in html
    assert "编辑后台" in plain and "编辑后台" not in html and "編輯後臺" in html
    assert "临海眼镜产业发展" not in html
    href, label = TOGGLE.search(html).groups()
    assert label == "简"  # kept as written, not converted to 簡
    assert href == "/script/hans/?next=" + quote(url)


def test_s2t_keeps_mainland_words(client, story):
    html = html_of(traditional(client).get(story.get_absolute_url()))
    # s2t, not s2twp: 激光 stays 激光 (s2twp would write 雷射), 光学 becomes 光學.
    assert "激光與光學元件" in html
    assert "雷射" not in html
    assert "浙江省光學學會" in html


def test_a_traditional_query_on_a_traditional_page_finds_the_simplified_story(client, story):
    response = traditional(client).get("/search/?q=" + quote("眼鏡產業"))
    html = html_of(response)

    assert [a.pk for a in response.context["articles"]] == [story.pk]
    assert "<mark>眼鏡產業</mark>" in html  # highlighted, then converted with the page


def test_the_stored_story_is_never_converted(client, story):
    html_of(traditional(client).get(story.get_absolute_url()))
    assert Article.objects.get(pk=story.pk).title == "临海眼镜产业发展"


def test_an_unknown_cookie_value_means_simplified(client, story):
    client.cookies[SCRIPT_COOKIE] = "klingon"
    html = html_of(client.get("/articles/"))
    assert '<html lang="zh-Hans">' in html and "临海眼镜产业发展" in html


def test_error_pages_are_converted_too(client, story):
    html = html_of(traditional(client).get("/articles/999999-nothing/"), status=404)
    assert '<html lang="zh-Hant">' in html


@pytest.mark.parametrize(
    "url", ["/", "/articles/", "/search/?q=" + quote("眼镜"), "/places/", "/robots.txt"]
)
@pytest.mark.parametrize("with_cookie", [False, True])
def test_responses_vary_on_cookie(client, story, url, with_cookie):
    if with_cookie:
        traditional(client)
    response = client.get(url)
    assert response.status_code == 200
    vary = [v.strip().lower() for v in response.get("Vary", "").split(",")]
    assert "cookie" in vary


def test_non_html_responses_are_left_alone(client, story):
    response = traditional(client).get("/robots.txt")
    assert response.content == client.get("/robots.txt").content


def test_content_length_matches_the_converted_body(client, story):
    response = traditional(client).get("/articles/")
    if response.has_header("Content-Length"):
        assert int(response["Content-Length"]) == len(response.content)


# --- The admin is never converted -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/articles/article/",
        "/admin/articles/article/?q=" + quote("眼镜"),
        "CHANGE",
    ],
)
def test_the_admin_is_never_converted(superuser_client, story, url):
    if url == "CHANGE":
        url = f"/admin/articles/article/{story.pk}/change/"
    plain = html_of(superuser_client.get(url))
    converted = html_of(traditional(superuser_client).get(url))

    for html in (plain, converted):
        assert "臨海" not in html and "學" not in html
        assert 'lang="zh-Hant"' not in html
    if "article" in url:
        assert "临海眼镜产业发展" in converted


def test_the_admin_login_page_is_never_converted(client):
    html = html_of(traditional(client).get("/admin/login/"))
    assert 'lang="zh-Hant"' not in html
    assert "登錄" not in html and "帳號" not in html


# --- The converter --------------------------------------------------------------------------------


def test_text_between_keep_markers_is_left_as_written():
    keep, end = "<!--keep-script-->", "<!--/keep-script-->"
    html = f"光学{keep}简 光学{end}光学{keep}简{end}"
    assert convert_outside_markers(html) == f"光學{keep}简 光学{end}光學{keep}简{end}"
