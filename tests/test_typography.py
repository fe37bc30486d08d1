"""Chinese typography: ASCII punctuation between Han characters made full-width.

The rules of docs/import-cleaning.md ("Full-width punctuation") by example; properties over
any text (Latin runs, numbers, URLs and parentheses around Latin stay byte for byte, only
marks beside Chinese change, a second pass changes nothing); the importer's step; the
``fix_typography`` command on both databases.
"""

import re
import time

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from articles import search
from articles.ingest.cleaning import clean
from articles.ingest.typography import (
    FULL_WIDTH,
    TYPOGRAPHY_REASON,
    apply_fixes,
    find_fixes,
    full_width,
)
from articles.ingest.typography_html import fix_html, html_text, passages
from articles.models import Article, ContentVersion

from .factories import ArticleFactory

FAST = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- The rules by example ---------------------------------------------------------------------

CONVERTED = [
    ("近日,2025全国光学元器件", "近日，2025全国光学元器件"),
    ("浙江临海:匠心铸就“视”界之窗", "浙江临海：匠心铸就“视”界之窗"),
    ("2025年10月,上饶", "2025年10月，上饶"),
    ("共3家,其中", "共3家，其中"),
    ("提升50%,亚妮眼镜", "提升50%，亚妮眼镜"),
    ("专家的支持;产学研合作", "专家的支持；产学研合作"),
    ("李林波说:“这次活动", "李林波说：“这次活动"),
    ("“两新”,融合", "“两新”，融合"),
    ("他说:“好.”,然后", "他说：“好。”，然后"),
    ("真的吗?!我不信", "真的吗？！我不信"),
    ("太好了!", "太好了！"),
    ("是什么? AI", "是什么？AI"),
    ("会议召开.会议以", "会议召开。会议以"),
    ("会议召开. 会议以", "会议召开。会议以"),
    ("会议在上饶召开.", "会议在上饶召开。"),
    ("近日, 2025全国", "近日，2025全国"),
    ("台州(杜桥)国际眼镜展", "台州（杜桥）国际眼镜展"),
    ("台州 (杜桥) 国际眼镜展", "台州（杜桥）国际眼镜展"),
    ("实验室(上饶师范学院)联合主办", "实验室（上饶师范学院）联合主办"),
    ("公司(股票代码:600071)", "公司（股票代码：600071）"),
    ("(一)加强组织", "（一）加强组织"),
    ("会议(2025年)召开", "会议（2025年）召开"),
    ("长三角(G60科创走廊)", "长三角（G60科创走廊）"),
    ("(“杜桥”)", "（“杜桥”）"),
    ("（AI)", "（AI）"),
    ("(临海(Linhai))", "（临海(Linhai)）"),
    ("(临海),杜桥", "（临海），杜桥"),
    ("网址:https://www.cioe.cn", "网址：https://www.cioe.cn"),
    ("时间:09:00", "时间：09:00"),
    ("访问http://x.cn/a?id=1,了解更多", "访问http://x.cn/a?id=1，了解更多"),
    ("邮箱:info@linhai.cn.", "邮箱：info@linhai.cn."),
    ("作者:张三,李四", "作者：张三，李四"),
]

KEPT = [
    "长三角G60科创走廊建设",
    "2025年",
    "人工智能(AI)技术",
    "临海(Linhai)眼镜",
    "3.5mm镜片",
    "覆盖职工6.3万人",
    "2025.11.07上午09:00召开",
    "2025-11-07",
    "比例为3:1",
    "第1,2名",
    "价格为1,000元",
    "A,B两种",
    "v1.2.3版本",
    "Python 3.11版",
    "报告.pdf",
    "《报告》.pdf",
    "No.1工厂",
    "1.加强组织",
    "会议...结束",
    "真的吗?AI",
    "领域?qū",
    "眼镜展(CIOE 2025)。",
    "比例(1:2)。",
    "中国(zhōngguó)眼镜",
    "http://临海.cn/a,b",
    "见https://zh.wikipedia.org/wiki/Foo_(bar),",
    "said, “hello,” she",
    "中&amp;文",
    "Hello, world!",
    "",
]


@pytest.mark.parametrize(("text", "fixed"), CONVERTED)
def test_ascii_punctuation_of_chinese_becomes_full_width(text, fixed):
    assert full_width(text) == fixed


@pytest.mark.parametrize("text", KEPT)
def test_latin_numbers_urls_dates_and_latin_parentheses_stay(text):
    # (The Han part of a Chinese domain is not a URL to this module: "临海.cn" is Latin
    # after the dot, so nothing there converts anyway.)
    assert full_width(text) == text


def test_a_dot_between_han_characters_is_a_full_stop_only_where_the_text_has_none():
    assert full_width("卡尔.蔡司来华") == "卡尔。蔡司来华"
    assert full_width("卡尔.蔡司来华。") == "卡尔.蔡司来华。"  # a name's dot, left for the editor
    assert full_width("卡尔.蔡司来华", full_stops=True) == "卡尔.蔡司来华"
    # A visible sentence end converts either way.
    assert full_width("会议召开.”下午。") == "会议召开。”下午。"
    assert full_width("会议召开.\n下午。") == "会议召开。\n下午。"


def test_brackets_do_not_pair_across_lines_and_unpaired_ones_stay():
    assert full_width("台州(杜桥\n国际)眼镜") == "台州(杜桥\n国际)眼镜"
    assert full_width("台州(杜桥") == "台州(杜桥"
    assert full_width("杜桥)国际") == "杜桥)国际"


def test_a_run_of_spaces_stays():
    assert full_width("近日,  2025全国") == "近日，  2025全国"


def test_fixes_say_what_changed_and_where():
    text = "近日, 2025全国(上饶)召开"
    fixes = find_fixes(text)
    assert [(text[f.start : f.end], f.new) for f in fixes] == [
        (", ", "，"),
        ("(", "（"),
        (")", "）"),
    ]
    assert apply_fixes(text, fixes) == full_width(text)
    assert passages(text, fixes, context=2) == [
        ("近日, 20…", "近日，20…"),
        ("…全国(上饶)召开", "…全国（上饶）召开"),
    ]


# --- Properties over any text ----------------------------------------------------------------

HAN = st.sampled_from("临海杜桥眼镜光学中国上饶年月日家说") | st.characters(
    min_codepoint=0x4E00, max_codepoint=0x9FFF
)
PIECES = [
    "http://x.cn/a?b=1,2",
    "https://zh.wikipedia.org/wiki/A_(b)",
    "www.linhai.gov.cn",
    "a@b.cn",
    "&amp;",
    "&#44;",
    "3.5mm",
    "09:00",
    "2025.11.07",
    "(AI)",
    "G60",
    "...",
    "?!",
    "\U00020000",
    "\u3400",
]
CHARS = st.one_of(
    HAN,
    HAN,
    st.sampled_from("aAzmGIH0123456789"),
    st.sampled_from(",.:;!?()"),
    st.sampled_from(",.:;!?()"),
    st.sampled_from("，。：；！？（）、【】《》「」"),
    st.sampled_from("“”‘’\"'"),
    st.sampled_from(["  ", " ", " ", "\n", "\u3000", "\t"]),
    st.sampled_from("@/&#%-_=+…·<>"),
    st.sampled_from(PIECES),
)
texts = st.lists(CHARS, max_size=60).map("".join)
NOT_CHINESE = st.lists(
    st.sampled_from("aAzmGIH0123456789,.:;!?()\"' \n@/&#%-_=+…·“”‘’")
    | st.sampled_from(PIECES[:12]),
    max_size=60,
).map("".join)

_MARKS_AND_SPACES = re.compile(r"[ ,.:;!?()，。：；！？（）]")
_LATIN = re.compile(r"[A-Za-z0-9]+")
_TO_ASCII = str.maketrans({v: k for k, v in FULL_WIDTH.items()})


@FAST
@given(texts)
def test_only_marks_and_the_spaces_beside_them_change(text):
    fixes = find_fixes(text)
    out = apply_fixes(text, fixes)
    assert out == full_width(text)
    # Everything but marks and spaces is the same, in the same order: Latin runs and
    # numbers byte for byte.
    assert _MARKS_AND_SPACES.sub("", out) == _MARKS_AND_SPACES.sub("", text)
    assert _LATIN.findall(out) == _LATIN.findall(text)
    removed = 0
    for fix in fixes:
        old = text[fix.start : fix.end]
        marks = old.strip(" ")
        # One mark (or a run of ! and ?) and at most one space on each side, made full-width.
        assert old in (marks, f" {marks}", f"{marks} ", f" {marks} ")
        assert marks and set(marks) <= set(FULL_WIDTH)
        assert fix.new == "".join(FULL_WIDTH[c] for c in marks)
        removed += len(old) - len(fix.new)
    # One mark for one mark: only the spaces taken along make the text shorter.
    assert len(out) == len(text) - removed


@FAST
@given(texts)
def test_each_converted_mark_stands_beside_chinese(text):
    out, shift = full_width(text), 0
    chinese = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f（）【】《》「」、]")
    for fix in find_fixes(text):
        at = fix.start - shift  # where the full-width mark is in the output
        line_start = out.rfind("\n", 0, at) + 1
        line_end = out.find("\n", at) if "\n" in out[at:] else len(out)
        line = out[line_start:line_end]
        if fix.new in "（）":
            assert chinese.search(line), (text, fix)
        else:
            near = (
                out[max(line_start, at - 3) : at]
                + out[at + len(fix.new) : min(line_end, at + len(fix.new) + 3)]
            )
            assert chinese.search(near), (text, fix)
        shift += (fix.end - fix.start) - len(fix.new)


@FAST
@given(texts)
def test_fixing_twice_changes_nothing_the_second_time(text):
    once = full_width(text)
    assert full_width(once) == once
    assert find_fixes(once) == []
    headline = full_width(text, headline=True)
    assert full_width(headline, headline=True) == headline
    assert set(headline) <= set(text) | set("，：；（）")  # no 。！？ made


@FAST
@given(NOT_CHINESE)
def test_text_without_chinese_stays_byte_for_byte(text):
    assert full_width(text) == text


@FAST
@given(
    texts,
    st.from_regex(
        # Parentheses in a URL come in pairs (wiki/Foo_(bar)).
        r"https?://[a-z]{1,8}\.cn(/[A-Za-z0-9_.,;:!?=&%-]{0,12}(\([a-z0-9_,]{0,5}\))?)*/[a-z0-9]",
        fullmatch=True,
    ),
    texts,
)
def test_urls_stay_byte_for_byte(before, url, after):
    assert url in full_width(before + url + after)


@FAST
@given(texts, st.from_regex(r"[A-Za-z0-9][A-Za-z0-9 ,.:;!?'-]{0,10}", fullmatch=True), texts)
def test_parentheses_around_latin_stay_byte_for_byte(before, latin, after):
    assert f"({latin})" in full_width(f"{before}({latin}){after}")


TOKENS = ["2025.11.07", "09:00", "3.5mm", "6.3万", "1,000", "v1.2.3", "3:1", "2025-11-07",
          "G60科创走廊", "2025年", "(AI)", "(Linhai)", "第1,2名"]  # fmt: skip


@FAST
@given(texts, st.sampled_from(TOKENS), texts)
def test_numbers_dates_times_and_versions_stay(before, token, after):
    assert token in full_width(before + token + after)


# --- HTML ------------------------------------------------------------------------------------

HTML_PIECES = [
    "<p>",
    "</p>",
    "<b>",
    "</b>",
    "<br>",
    '<a href="http://x.cn/a,b" title="临海,杜桥:(中)">',
    "</a>",
    "<h2>",
    "</h2>",
    "<code>",
    "</code>",
    "<!-- 临海,杜桥 -->",
    "&amp;",
    "&nbsp;",
    "&#44;",
    "&lt;",
]
html_fragments = st.lists(st.sampled_from(HTML_PIECES) | CHARS, max_size=50).map("".join)
# Markup as HTML reads it: a "<" starts a tag only before a letter or "/" and a letter
# ("<临,>" is text), a comment, or a character reference.
_MARKUP = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>]*>|&[#a-z0-9]+;", re.S)


@FAST
@given(html_fragments)
@example("<临,>")  # "<" before a Han character is text, and so is its comma
def test_html_changes_its_text_only(html):
    fixed = fix_html(html)
    assert _MARKUP.findall(fixed.html) == _MARKUP.findall(html)
    assert _MARKS_AND_SPACES.sub("", fixed.html) == _MARKS_AND_SPACES.sub("", html)
    assert html_text(fixed.html).text == full_width(html_text(html).text)
    assert fix_html(fixed.html).html == fixed.html


@FAST
@given(
    st.lists(st.sampled_from(["<", "<a", "<!--", "-->", "'", '"', ">", "<p>", "&"]) | CHARS).map(
        "".join
    )
)
def test_any_html_is_read_without_error(html):
    fixed = fix_html(html)
    assert _MARKS_AND_SPACES.sub("", fixed.html) == _MARKS_AND_SPACES.sub("", html)


def test_html_text_is_read_across_inline_tags_and_ends_at_blocks():
    html = (
        '<p>临海 <b>,</b> 杜桥<a href="http://x.cn/a,b">(链接)</a></p><p>,AI</p>'
        "<p>中<code>中,中</code>中,中&amp;,</p>"
    )
    assert fix_html(html).html == (
        '<p>临海<b>，</b>杜桥<a href="http://x.cn/a,b">（链接）</a></p><p>,AI</p>'
        "<p>中<code>中,中</code>中，中&amp;,</p>"
    )


# --- Linear time ------------------------------------------------------------------------------

SHAPES = {
    "han-commas": "中,",
    "han-spaced": "中 , ",
    "dots": "中.",
    "questions": "中?!",
    "parentheses": "(a)(b)",
    "han-parentheses": "(中)",
    "open": "中(",
    "close": "中)",
    "quotes": "中”,“中",
    "urls": "中http://a.cn/b?c=1,",
    "letters": "a.b_c-d@",
    "sentence": "临海市杜桥镇的眼镜企业迎来新订单,浙江省光学学会(专家)到场指导.",
}


def seconds(function, text):
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        function(text)
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("unit", SHAPES.values(), ids=SHAPES.keys())
def test_four_times_the_text_takes_at_most_eight_times_as_long(unit):
    n = 20_000
    small, large = unit * (n // len(unit)), unit * (4 * n // len(unit))
    assert seconds(full_width, large) < 8 * seconds(full_width, small) + 0.05
    nested_small = "(" * (n // 2) + "中" + ")" * (n // 2)
    nested_large = "(" * (2 * n) + "中" + ")" * (2 * n)
    assert seconds(full_width, nested_large) < 8 * seconds(full_width, nested_small) + 0.05


@pytest.mark.parametrize("unit", ["<b>中</b>,", "<p>中,中</p>", "中&#44;", "<a", "<!--"])
def test_html_four_times_as_long_takes_at_most_eight_times_as_long(unit):
    n = 20_000
    small, large = (
        "<p>中,</p>" + unit * (n // len(unit)),
        "<p>中,</p>" + unit * (4 * n // len(unit)),
    )
    assert seconds(fix_html, large) < 8 * seconds(fix_html, small) + 0.05


# --- The importer's step ---------------------------------------------------------------------


def test_the_cleaner_makes_title_body_and_fields_full_width():
    text = "\n".join(
        [
            "浙江临海:匠心铸就“视”界之窗",
            "来源:临海新闻网 作者:张三,李四",
            "原标题:临海:眼镜产业推进会召开",
            "近日,2025全国光学元器件行业交流会在上饶召开(见http://x.cn/a,b).",
            "会议以“精密光学 赋能智造”为主题,汇聚(AI)力量。",
        ]
    )
    result = clean(text)
    assert result.title == "浙江临海：匠心铸就“视”界之窗"
    assert result.paragraphs == [
        "近日，2025全国光学元器件行业交流会在上饶召开（见http://x.cn/a,b）。",
        "会议以“精密光学 赋能智造”为主题，汇聚(AI)力量。",
    ]
    assert (result.author, result.original_title) == ("张三，李四", "临海：眼镜产业推进会召开")
    assert result.punctuation_fixed == 8
    # Not removals: the review page strikes nothing for them.
    assert {r.kind for r in result.removals} == {"meta"}


def test_a_title_keeps_its_sentence_marks():
    # The cleaner tells a title by them: "。" at its end or inside makes a line a sentence.
    assert full_width("是吗?真的.", headline=True) == "是吗?真的."
    assert full_width("浙江临海:匠心(视)界 创新!", headline=True) == "浙江临海：匠心（视）界 创新!"
    result = clean("临海眼镜产业推进会召开.\n会议在临海举行.")
    assert result.title == "临海眼镜产业推进会召开."
    assert result.paragraphs == ["会议在临海举行。"]
    again = clean(result.as_text())
    assert (again.title, again.paragraphs) == (result.title, result.paragraphs)


def test_removal_contexts_are_the_text_as_written():
    result = clean("会议召开,会(huì)议在上饶。")
    (removal,) = result.removals_of("pinyin")
    assert removal.context == "会议召开,会"  # found in the original as it stands
    assert result.paragraphs == ["会议召开，会议在上饶。"]


def test_cleaning_the_cleaned_text_again_gives_the_same_text():
    result = clean("台州(杜桥)国际眼镜展开幕\n近日,2025全国光学元器件交流会在上饶召开.")
    again = clean(result.as_text())
    assert (again.title, again.paragraphs) == (result.title, result.paragraphs)
    assert again.punctuation_fixed == 0


# --- The command ------------------------------------------------------------------------------

BODY = (
    "<p>近日,2025全国光学元器件交流会在上饶召开.</p>"
    '<p>详见<a href="https://example.com/a,b?x=1:2">台州(杜桥)</a>,3.5mm镜片.</p>'
)


@pytest.fixture
def stories(db):
    untidy = ArticleFactory(
        title="浙江临海:匠心铸就“视”界之窗", summary="近日,交流会召开.", body=BODY
    )
    tidy = ArticleFactory(title="杜桥眼镜产业创新联盟成立", summary="摘要。", body="<p>正文。</p>")
    other = ArticleFactory(title="上饶:光学产业", summary="", body="<p>上饶(江西)召开</p>")
    return untidy, tidy, other


def rows():
    return list(Article.objects.order_by("pk").values_list("pk", "title", "summary", "body"))


def test_the_command_lists_what_it_would_change_and_changes_nothing(stories, capsys):
    untidy, tidy, other = stories
    before, versions = rows(), [s.history.count() for s in stories]

    call_command("fix_typography")

    out = capsys.readouterr().out
    assert rows() == before
    assert [s.history.count() for s in stories] == versions
    assert f"#{untidy.pk} 浙江临海:匠心铸就“视”界之窗" in out
    assert "  title: 浙江临海:匠心铸就“视”界之窗 → 浙江临海：匠心铸就“视”界之窗" in out
    assert "  summary: 近日,交流会召开. → 近日，交流会召开。" in out
    assert (
        "  body: 近日,2025全国光学元器件交流会在上饶召开. ¶ 详见台州(杜桥),3.5mm镜片. → "
        "近日，2025全国光学元器件交流会在上饶召开。 ¶ 详见台州（杜桥），3.5mm镜片。\n"
    ) in out
    assert f"#{other.pk} 上饶:光学产业" in out
    assert f"#{tidy.pk} " not in out
    assert "2 stories would change" in out and "--apply" in out


def test_the_command_applies_through_save_with_history(stories, capsys, monkeypatch):
    untidy, tidy, other = stories
    indexed = []
    real_index = search.index_article
    monkeypatch.setattr(search, "index_article", lambda a: (indexed.append(a.pk), real_index(a)))
    version = ContentVersion.current().version
    tidy_row = Article.objects.filter(pk=tidy.pk).values_list("title", "updated_at").get()

    call_command("fix_typography", "--apply")

    untidy.refresh_from_db()
    assert untidy.title == "浙江临海：匠心铸就“视”界之窗"
    assert untidy.summary == "近日，交流会召开。"
    assert untidy.body == (
        "<p>近日，2025全国光学元器件交流会在上饶召开。</p>"
        '<p>详见<a href="https://example.com/a,b?x=1:2">台州（杜桥）</a>，3.5mm镜片。</p>'
    )
    assert untidy.source_url == "https://example.com/news/1.html"
    latest = untidy.history.first()
    assert latest.history_change_reason == TYPOGRAPHY_REASON
    assert latest.title == untidy.title
    assert Article.objects.get(pk=other.pk).body == "<p>上饶（江西）召开</p>"
    assert Article.objects.filter(pk=tidy.pk).values_list("title", "updated_at").get() == tidy_row
    assert tidy.history.count() == 1
    assert sorted(indexed) == sorted([untidy.pk, other.pk])
    assert ContentVersion.current().version != version
    assert "Saved 2 stories" in capsys.readouterr().out

    call_command("fix_typography", "--apply")  # nothing left to fix
    assert "Saved 0 stories" in capsys.readouterr().out
    assert untidy.history.count() == 2


def test_the_command_limits_itself_to_the_ids_given(stories, capsys):
    untidy, _tidy, other = stories

    call_command("fix_typography", "--apply", "--id", str(other.pk), "999999")

    captured = capsys.readouterr()
    assert "No story #999999." in captured.err
    assert Article.objects.get(pk=other.pk).body == "<p>上饶（江西）召开</p>"
    assert Article.objects.get(pk=untidy.pk).title == "浙江临海:匠心铸就“视”界之窗"
