"""Properties of the cleaner over any input: it never raises, never makes text up, and
its work grows linearly with the input, whatever the input's shape.

Pure text: no database. Speed is measured in bench/cleaning.py; here only the growth:
a text four times as long may take at most eight times as long (quadratic work takes
sixteen times), measured in process time, the best of three runs.
"""

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.ingest.cleaning import clean
from articles.ingest.htmltext import read_html
from articles.ingest.mojibake import KNOWN_MOJIBAKE

FAST = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def output_length(result):
    return len(result.title) + sum(len(p) for p in result.paragraphs)


def assert_never_grows(text, result):
    # t2s and the phrase overrides keep the length; the known mojibake islands are
    # replaced by shorter text; HTML loses its markup and whitespace runs.
    allowance = sum(
        text.count(island) * max(0, len(fixed) - len(island))
        for island, fixed in KNOWN_MOJIBAKE.items()
    )
    assert output_length(result) <= len(text) + allowance


# Pieces of HTML, well-formed and broken: tags with attributes, entities, comments,
# declarations, unclosed quotes and tags, the page's title and meta tags.
HTML_PIECES = [
    "<p>",
    "</p>",
    "<div class='share'>",
    "<div>",
    "</div>",
    "<h1>",
    "</h1>",
    "<br>",
    "<br/>",
    "<nav>",
    "</nav>",
    "<script>",
    "</script>",
    "<style>",
    "<title>",
    "</title>",
    "<head>",
    "<body>",
    "<span>",
    "</span>",
    "<!--",
    "-->",
    "<!doctype html>",
    "<![CDATA[",
    "]]>",
    "<![foo[",
    "<?xml ?>",
    "</",
    "<a href='",
    "'>",
    '"',
    "<",
    ">",
    "&amp;",
    "&lt;",
    "&#0;",
    "&#xD800;",
    "&nbsp;",
    "&",
    '<meta property="og:url" content="https://a.cn/1">',
    '<link rel="canonical" href="http://x\x00y">',
    "<meta name='pubdate' content='2025-06-21'>",
    "首页",
    "正文",
    "會(huì)議",
    "(图片由张三提供)",
    "\n",
    " ",
    "\u3000",
    "\u200b",
]
TEXT_PIECES = [
    "临海眼镜产业推进会召开\n",
    "會(huì)議(yì)",
    "(图片由临海市委宣传部授权提供)",
    "（李四摄）",
    "?qū)<摇⑵髽I(yè)",
    "髽I(yè)",
    "\ufffd",
    "来源：台州日报 作者：张三\n",
    "原文链接：http://a.cn/1\n",
    "2025年6月20日",
    "6月20日",
    "1900年1月1日",
    "(",
    ")",
    "“",
    "”",
    "。 ",
    "著力显著",
    "\n",
    "\r\n",
    "\x00",
    "\t",
    "首页 > 新闻 > 正文\n",
]
htmlish = st.lists(st.sampled_from(HTML_PIECES) | st.text(max_size=8), max_size=40).map("".join)
textish = st.lists(st.sampled_from(TEXT_PIECES) | st.text(max_size=8), max_size=40).map("".join)


@FAST
@given(st.text())
def test_any_text_is_cleaned_without_growing(text):
    for is_html in (False, None):
        assert_never_grows(text, clean(text, is_html=is_html))


@FAST
@given(textish)
def test_any_text_made_of_the_cleaners_cases_is_cleaned_without_growing(text):
    assert_never_grows(text, clean(text, is_html=False))


@FAST
@given(htmlish)
def test_any_html_is_cleaned_without_growing(text):
    result = clean(text, is_html=True)
    assert_never_grows(text, result)
    assert result.source_url in ("", "https://a.cn/1")  # never the link with a NUL


@FAST
@given(st.text())
def test_any_text_read_as_html(text):
    assert_never_grows(text, clean(text, is_html=True))


def test_a_marked_section_html_parser_would_crash_on():
    # html.parser raises AssertionError on <![foo[ (an unknown keyword): a 500 before.
    assert clean("<p>正文第一段。</p><![foo[ x ]]><p>第二段。</p>", is_html=True).paragraphs == [
        "正文第一段。",
        "第二段。",
    ]


def test_the_title_is_the_first_line_of_the_first_h1():
    # Before, "<h1>a<br>b</h1>" gave the title "ab" and the body "a", "b" again.
    page = read_html("<h1>浙江临海<br>匠心铸就</h1><p>正文。</p>")
    assert page.title == "浙江临海"
    result = clean("<h1>浙江临海<br>匠心铸就</h1><p>正文。</p>", is_html=True)
    assert (result.title, result.paragraphs) == ("浙江临海", ["匠心铸就", "正文。"])
    # An h1 never closed gives its first line, not the rest of the page.
    assert read_html("<h1>标题在此<p>正文。</p><p>第二段。</p>").title == "标题在此"


# --- Growth ----------------------------------------------------------------------------

# Shapes that made a stage quadratic: (the piece repeated before, the middle, the piece
# repeated after): nesting, brackets, annotations, credits, meta and title lines,
# mojibake, quotes, unterminated tags and comments.
NESTED = [
    ("<div>", "正文", "</div>"),
    ("<span><b>", "正文", "</b></span>"),
    ("<div class='share'>", "x", ""),
    ("<div>", "", "</span>"),
    ("<div>", "", "<head><body>"),
    ("(图片由张三", "", "提供)"),
    ("((", "", ""),
    ("<a b='x", "", ""),
    ("<!--", "", ""),
]
REPEATED = [
    "(a)(b)",
    "會(huì)議(yì)",
    "文字(图片由临海市委宣传部提供)",
    "来源：临海新闻网 作者：张三\n",
    "临海眼镜产业推进会召开\n",
    "领域髽I(yè)家\ufffd",
    "?qū)<摇⑵髽I(yè)",
    "x(" + "ā" * 50,
    "“a。 ",
    "著力显著",
    "<p>一二</p>",
    "临海市杜桥镇的眼镜企业迎来新订单。",
]


# Pieces that differ each time: {i} is the piece's number.
COUNTED = ["文字(图片由张三{i}提供)", "第{i}段正文。\n", "<p id='p{i}'>第{i}段</p>"]


@st.composite
def shapes(draw):
    """A function giving the shape's text at about n characters, and how to read it."""
    if draw(st.integers(0, 4)) == 0:
        piece = draw(st.sampled_from(COUNTED))
        return (lambda n: "".join(piece.format(i=i) for i in range(n // len(piece)))), None
    if draw(st.booleans()):
        before, middle, after = draw(st.sampled_from(NESTED))
        return (
            lambda n: (
                before * (n // (2 * len(before))) + middle + after * (n // (2 * len(after)))
                if after
                else before * (n // len(before)) + middle
            )
        ), True
    unit = "".join(draw(st.lists(st.sampled_from(REPEATED), min_size=1, max_size=3)))
    return (lambda n: unit * (n // len(unit))), draw(st.sampled_from([False, None]))


def seconds(text, is_html):
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        clean(text, is_html=is_html)
        best = min(best, time.process_time() - start)
    return best


@settings(max_examples=8, deadline=None, database=None)
@given(shapes())
def test_four_times_the_text_takes_at_most_eight_times_as_long(shape):
    make, is_html = shape
    n = 10_000
    small, large = seconds(make(n), is_html), seconds(make(4 * n), is_html)
    assert large < 8 * small + 0.05, (make(40)[:40], small, large)
