"""What a page may put into a story: links the site can store and open, values cut to
their columns, a bounded body, dates the site takes. Each cut or refusal is a flag the
editor sees; none is a 500 (an og:url of 600 characters was one on PostgreSQL).
"""

import datetime as dt

import pytest
from django.utils import timezone

from articles.ingest.cleaning import clean
from articles.ingest.importer import article_import, preview_import
from articles.ingest.limits import BAD_URL, MAX_URL, fit_body, html_size, usable_url
from articles.models import Article
from articles.models.base import EARLIEST_DAY, LATEST_DAY
from articles.models.stories import MAX_BODY_CHARS

LONG_URL = "https://news.example.com/" + "a" * (MAX_URL - 20)


def page(url="", body="<p>近日，临海市杜桥镇的眼镜企业迎来新订单。</p>", head=""):
    meta = f'<meta property="og:url" content="{url}">' if url else ""
    return (
        f"<html><head><title>台州眼镜产业迎来新机遇</title>{meta}{head}</head>"
        f"<body><h1>台州眼镜产业迎来新机遇</h1>{body}</body></html>"
    )


# --- Links ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "usable"),
    [
        ("https://news.example.com/2025/06/21/1.html", True),
        ("HTTP://NEWS.EXAMPLE.COM/1", True),
        ("https://临海新闻网.cn/新闻/1.html", True),
        ("https://news.example.com/" + "a" * (MAX_URL - 25), True),  # exactly 500
        (LONG_URL, False),
        ("https://news.example.com/a\x00b", False),
        ("https://news.example.com/a b", False),
        ("https://news.example.com/a\u3000b", False),
        ("https://news.example.com/a\u200bb", False),
        ("https://news.example.com/a\nb", False),
        ("javascript:alert(1)", False),
        ("ftp://files.example.com/1", False),
        ("https:///path-only", False),
        ("https://[::1/", False),
        ("", False),
    ],
)
def test_usable_url(url, usable):
    assert usable_url(url) is usable


@pytest.mark.parametrize("url", [LONG_URL, "https://news.example.com/a\x00b", "https://a b.cn/"])
def test_an_unusable_og_url_is_left_out_with_a_flag(url):
    result = clean(page(url), is_html=True)
    assert result.source_url == ""
    (flag,) = result.flags_of("url")
    assert flag.message == BAD_URL
    assert "\x00" not in flag.text and len(flag.text) <= 81


def test_a_link_in_the_text_still_wins_over_a_bad_og_url():
    text = page(LONG_URL, body="<p>原文链接：https://news.example.com/1.html</p><p>正文。</p>")
    result = clean(text, is_html=True)
    assert result.source_url == "https://news.example.com/1.html"
    assert result.flags_of("url") == []  # the bad one would not have been used anyway


def test_a_relative_canonical_link_is_ignored_as_before():
    result = clean(page(head='<link rel="canonical" href="/news/1.html">'), is_html=True)
    assert (result.source_url, result.flags_of("url")) == ("", [])


@pytest.mark.django_db
def test_a_nul_in_the_og_url_is_no_500_at_preview():
    # The duplicate check looked the link up: PostgreSQL refuses a NUL in a query.
    preview = preview_import(text=page("https://news.example.com/a\x00b"), is_html=True)
    assert preview.duplicate is None
    assert preview.cleaned.source_url == ""
    assert [f.kind for f in preview.cleaned.flags] == ["url"]


@pytest.mark.django_db
def test_an_og_url_over_500_characters_saves_a_story_without_it():
    outcome = article_import(text=page(LONG_URL), is_html=True)  # varchar(500): a 500 before

    article = Article.objects.get(pk=outcome.article.pk)
    assert article.source_url == ""
    assert BAD_URL in [flag["message"] for flag in article.import_flags]
    # The editor cannot bring it back by clearing the field: the importer falls back
    # to the page's link, which it no longer takes.
    other = page(LONG_URL, body="<p>另一篇文章的正文。</p>")
    again = article_import(text=other, is_html=True, overrides={"source_url": ""})
    assert again.created and again.article.source_url == ""


@pytest.mark.django_db
def test_a_bad_link_given_with_the_page_is_left_out_with_a_flag():
    preview = preview_import(text=page(), is_html=True, source_url="javascript:alert(1)")
    assert preview.source_url == ""
    assert [f.kind for f in preview.cleaned.flags] == ["url"]


# --- Fields ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_field_is_cut_to_its_column_with_a_flag():
    h1 = "标" * 300
    text = (
        f"<html><body><h1>{h1}</h1>"
        f"<p>来源：{'源' * 110}</p><p>作者：{'作' * 110}</p><p>原标题：{'原' * 210}</p>"
        f"<p>近日，临海市杜桥镇的眼镜企业迎来新订单。(图片由{'图' * 39}提供)</p>"
        f"<p>责任编辑：{'编' * 110}</p></body></html>"
    )
    article = article_import(text=text, is_html=True).article
    article.refresh_from_db()
    assert article.title == "标" * 200
    assert (article.source, article.author, article.source_editor) == (
        "源" * 100,
        "作" * 100,
        "编" * 100,
    )
    assert article.original_title == ""  # a line of over 120 characters is not meta
    cut = [f for f in article.import_flags if f["kind"] == "length"]
    labels = [f["message"].split("超过")[0] for f in cut]
    assert labels == ["标题", "来源", "作者", "原文的责任编辑"]
    assert cut[0]["text"] == "标" * 80 + "…"
    assert cut[1]["text"] == "源" * 10


@pytest.mark.django_db
def test_long_meta_values_are_cut_to_their_columns(monkeypatch):
    # The cleaner never finds values this long today; the importer cuts whatever it is
    # given, so a change to the cleaner cannot make a story that fails to save.
    from articles.ingest import importer

    real = importer.clean

    def long_values(*args, **kwargs):
        result = real(*args, **kwargs)
        result.source, result.author, result.editor_name = "源" * 101, "作" * 101, "编" * 101
        result.original_title, result.credit = "原" * 201, "图" * 201
        return result

    monkeypatch.setattr(importer, "clean", long_values)
    article = article_import(text="一个标题在这里\n正文第一段。").article
    article.refresh_from_db()
    assert (len(article.source), len(article.author), len(article.source_editor)) == (100,) * 3
    assert (len(article.original_title), len(article.cover_credit)) == (200, 200)
    labels = [f["message"].split("超过")[0] for f in article.import_flags if f["kind"] == "length"]
    assert labels == ["来源", "作者", "原文的责任编辑", "原标题", "图片来源"]


# --- The body --------------------------------------------------------------------------------


def test_fit_body_counts_the_sanitised_html():
    assert html_size("a&b<c>\u00a0\x00") == len("<p>a&amp;b&lt;c&gt;&nbsp;</p>")
    paragraphs = ["甲" * 90, "乙&" * 50, "丙" * 90]
    kept, flag = fit_body(paragraphs, 250)
    # <p>甲…</p> is 97 characters; the next paragraph gets the 146 left inside its tags.
    assert kept == ["甲" * 90, "乙&" * 24 + "乙"]
    assert sum(html_size(p) for p in kept) == 249
    assert flag.message.startswith("正文超过 250 字符，已截断")
    assert fit_body(paragraphs, 10_000) == (paragraphs, None)


@pytest.mark.django_db
def test_a_body_over_the_bound_is_cut_with_a_flag():
    paragraph = "眼镜产业发展迅速，临海市杜桥镇企业众多 & 规模不断扩大。" * 40
    text = "大型文章标题\n" + "\n".join([paragraph] * 200)
    assert len(text) > MAX_BODY_CHARS

    outcome = article_import(text=text)

    article = Article.objects.get(pk=outcome.article.pk)
    assert MAX_BODY_CHARS - len(paragraph) * 6 < len(article.body) <= MAX_BODY_CHARS
    article.full_clean()  # the editor can save it as it is
    (flag,) = [f for f in article.import_flags if f["kind"] == "length"]
    assert flag["message"] == "正文超过 200,000 字符，已截断；原文完整保存在“原始文本”中。"
    assert article.original_text == text


@pytest.mark.django_db
def test_one_huge_paragraph_is_cut_inside():
    text = "一个标题在这里\n" + "很长的一段没有换行的文字" * 30_000
    body = article_import(text=text).article.body
    assert MAX_BODY_CHARS - 20 < len(body) <= MAX_BODY_CHARS
    assert body.startswith("<p>很长的一段") and body.endswith("</p>")


# --- Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("一个标题在这里\n发布时间：1900-01-01\n正文第一段。", dt.date(1900, 1, 1)),
        ("一个标题在这里\n正文：1935年3月5日，会议举行。", dt.date(1935, 3, 5)),
        ("一个标题在这里\n原文链接：https://a.cn/2099/12/31/1.html\n正文。", None),
    ],
)
def test_a_date_outside_the_sites_range_is_not_suggested(text, found):
    unchecked = clean(text)
    if found:
        assert unchecked.published_on == found
    result = clean(text, date_range=(EARLIEST_DAY, LATEST_DAY))
    if found:
        assert result.published_on is None
        assert "不在本站允许的范围内" in result.date_note
        assert "1949-01-01 至 2100-12-31" in result.date_note
        assert not result.date_from_page
    else:
        assert result.published_on == dt.date(2099, 12, 31)


@pytest.mark.django_db
def test_the_importer_flags_a_date_out_of_range():
    outcome = article_import(text="一个标题在这里\n发布时间：1900-01-01\n正文第一段。")
    (flag,) = [f for f in outcome.flags if f["kind"] == "date"]
    assert "不在本站允许的范围内" in flag["message"]
    assert outcome.article.published_at.year == timezone.now().year


# --- HTML never closed -------------------------------------------------------------------------


def test_a_tag_never_closed_takes_the_rest_with_a_flag():
    text = "<p>第一段。</p><img alt='x><p>" + "后面的正文。" * 50
    result = clean(text, is_html=True)
    assert result.paragraphs == ["第一段。"]
    (flag,) = result.flags_of("html")
    assert "没有结束" in flag.message and flag.text.startswith("<img alt='x>")
    # A page cut off inside its last tag loses nothing worth a flag.
    assert clean("<p>第一段。</p><im", is_html=True).flags_of("html") == []
