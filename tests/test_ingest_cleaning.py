"""The import cleaner: the two raw samples end to end, the rules of docs/import-cleaning.md, and
properties (never loses a Han character, idempotent) checked with hypothesis.

Pure text: no database.
"""

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypinyin import Style, pinyin

from articles.ingest.cleaning import clean
from articles.ingest.htmltext import looks_like_html
from articles.ingest.phrases import override_variants, simplify
from articles.ingest.pinyin import FLAG, KEEP, REMOVE, judge_annotation
from articles.ingest.textspans import split_long_line
from articles.ingest.typography import full_width
from articles.text import han_chars, to_simplified

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "articles" / "demo" / "raw"  # the two pages exactly as scraped
GOLDEN = ROOT / "articles" / "demo" / "golden"
LINHAI = "linhai-eyewear-forum"
SHANGRAO = "shangrao-optics-conference"
IMPORT_DAY = dt.date(2025, 6, 21)
ISLAND = "?qū)<摇⑵髽I(yè)"


def raw(name):
    return (RAW / f"{name}.txt").read_text(encoding="utf-8")


def golden(name):
    return (GOLDEN / f"{name}.txt").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def linhai():
    return clean(raw(LINHAI), import_date=IMPORT_DAY)


@pytest.fixture(scope="module")
def shangrao():
    return clean(raw(SHANGRAO), import_date=IMPORT_DAY)


def body(text, **kwargs):
    """The cleaned body of a one-paragraph text."""
    return "\n".join(clean(text, **kwargs).paragraphs)


# --------------------------------------------------------------------------
# The samples, end to end


def test_linhai_body_equals_the_golden_file(linhai):
    assert linhai.paragraphs == golden(LINHAI)


def test_linhai_title_credit_and_chrome(linhai):
    # The text's ASCII colon made full-width (typography).
    assert linhai.title == "浙江临海：匠心铸就“视”界之窗 创新驱动产业腾飞"
    assert linhai.credit == "临海市委宣传部"
    assert [r.text for r in linhai.removals_of("credit")] == ["(图片由临海市委宣传部授权提供)"]
    assert [r.text for r in linhai.removals_of("chrome")] == ["首页 资讯 正文", "体育正文 66 0"]
    # The title appears four times: one is the title, three are removed.
    assert len(linhai.removals_of("duplicate_title")) == 3
    assert [r.text for r in linhai.removals_of("comment_box")] == [
        "欢迎 发表评论:",
        "评论列表",
        "暂时没有评论",
        "暂无评论,快抢沙发吧~",
    ]
    assert not linhai.was_traditional
    assert linhai.original == raw(LINHAI)


def test_linhai_pinyin(linhai):
    removed = linhai.removals_of("pinyin")
    assert len(removed) == 64
    assert all(re.fullmatch(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]+\)", r.text) for r in removed)
    assert "(le)" in [r.text for r in removed]  # 进行了(le)
    assert linhai.flags_of("pinyin") == []
    assert linhai.flags_of("mojibake") == []
    text = linhai.text
    assert "台州（杜桥）国际眼镜展" in text
    assert "“TOP10”" in text and "AI儿童眼镜" in text


def test_linhai_date_is_a_suggestion_with_a_note(linhai):
    # 6月20日 has no year: the year comes from the import day, and the note says so
    # (and that it may be the date of the event rather than of publication).
    assert linhai.published_on == dt.date(2025, 6, 20)
    assert "6月20日" in linhai.date_note
    assert "导入日期" in linhai.date_note
    assert "事件日期" in linhai.date_note


def test_shangrao_body_equals_the_golden_file(shangrao):
    assert shangrao.paragraphs == golden(SHANGRAO)


def test_shangrao_pinyin_and_the_mojibake_island(shangrao):
    # 251 parenthesised pinyin runs: 250 spell the character before them (one of
    # them inside "(上饒師范學(xué)院)", which a [^)]* regex does not see, hence 249
    # in some counts), and one annotates the "I" of the mojibake island.
    assert len(shangrao.removals_of("pinyin")) == 250
    unremoved = shangrao.flags_of("pinyin")
    assert [f.text for f in unremoved] == ["(yè)"]
    (island,) = shangrao.flags_of("mojibake")
    assert island.text == ISLAND
    assert island.replacement == "专家、企业"
    assert "乱码" in island.message
    assert shangrao.source_text[island.position :].startswith(ISLAND)
    assert "领域专家、企业家" in shangrao.text


def test_shangrao_keeps_real_parentheses_and_converts(shangrao):
    assert "应用光学技术江西省重点实验室（上饶师范学院）联合主办" in shangrao.text
    assert "着力解决" in shangrao.text  # phrases.txt: 著力 → 着力
    assert shangrao.was_traditional
    # No title line in this page: the caller asks the editor.
    assert shangrao.title == ""
    assert [f.kind for f in shangrao.flags_of("title")] == ["title"]
    assert shangrao.published_on is None
    assert shangrao.date_note


def test_shangrao_island_without_the_repair_table_is_flagged_and_kept():
    result = clean(raw(SHANGRAO), repair_known_mojibake=False)
    (island,) = result.flags_of("mojibake")
    assert island.text == ISLAND
    assert island.replacement == ""
    assert to_simplified(ISLAND) in result.text  # never dropped silently
    assert len(result.flags_of("pinyin")) == 1


def test_the_samples_lose_all_annotations_but_one(linhai, shangrao):
    removed = len(linhai.removals_of("pinyin")) + len(shangrao.removals_of("pinyin"))
    left = len(linhai.flags_of("pinyin")) + len(shangrao.flags_of("pinyin"))
    assert (removed, left) == (314, 1)


@pytest.mark.parametrize("name", [LINHAI, SHANGRAO])
def test_no_real_parenthesis_is_lost(name):
    text = raw(name)
    result = clean(text, import_date=IMPORT_DAY)
    real = re.compile(r"[(（](?![a-zāáǎàēéěèīíǐìōóǒòūúǔùü])")
    credits = result.removals_of("credit")
    assert len(real.findall(result.text)) == len(real.findall(text)) - len(credits) >= 1


@pytest.mark.parametrize("name", [LINHAI, SHANGRAO])
def test_removal_positions_point_into_the_source_text(name):
    result = clean(raw(name), import_date=IMPORT_DAY)
    for removal in result.removals:
        assert result.source_text[removal.position :].startswith(removal.text), removal


@pytest.mark.parametrize("name", [LINHAI, SHANGRAO])
def test_cleaning_the_cleaned_text_changes_nothing(name):
    first = clean(raw(name), import_date=IMPORT_DAY)
    again = clean(first.as_text(), import_date=IMPORT_DAY)
    assert (again.title, again.paragraphs) == (first.title, first.paragraphs)
    assert again.removals == []
    assert again.flags_of("pinyin") == again.flags_of("mojibake") == []


def test_removals_say_where_they_were(linhai):
    first = linhai.removals_of("pinyin")[0]
    assert first.text == "(zhōngguó)"
    assert first.context.endswith("6月20日,中国")


# --------------------------------------------------------------------------
# The rules of docs/import-cleaning.md

DESIGN_REMOVED = [
    ("會(huì)議在上饒召開。", "会议在上饶召开。"),
    ("服务平台(fúwùpíngtái)等载体。", "服务平台等载体。"),
    ("进行了(le)集中授牌。", "进行了集中授牌。"),
    ("中国（zhōngguó）眼镜。", "中国眼镜。"),  # full-width brackets
    ("中国(zho\u0304ngguo\u0301)眼镜。", "中国眼镜。"),  # decomposed tone marks
    ("战略(zhànlüè)合作。", "战略合作。"),  # ü
]

DESIGN_KEPT = [
    "全国(AI)儿童眼镜。",
    "设备(AR/VR)展示。",
    "临海(Linhai)眼镜。",
    "台州(台州)眼镜展。",
    "成立于2025年(2025)。",
    "某某光学有限公司(Co., Ltd.)。",
]


@pytest.mark.parametrize(("text", "cleaned"), DESIGN_REMOVED)
def test_design_annotations_are_removed(text, cleaned):
    assert body(text) == cleaned


@pytest.mark.parametrize("text", DESIGN_KEPT)
def test_design_parentheses_are_kept(text):
    result = clean(text)
    assert result.text == full_width(text)
    assert result.removals == []


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("光學元件", "光学元件"),  # t2s, not tw2sp (which gives 组件)
        ("核心技術", "核心技术"),  # not 内核
        ("激光器", "激光器"),  # not 雷射
        ("著力解決", "着力解决"),  # phrases.txt
        ("著名企業", "著名企业"),
        ("效果顯著力度大", "效果显著力度大"),  # 显著 is protected: no 显着
        ("有著作問世", "有著作问世"),
        ("隨著產業發展", "随着产业发展"),
    ],
)
def test_traditional_to_simplified(traditional, simplified):
    assert simplify(traditional) == simplified
    result = clean(traditional + "。")
    assert result.text == simplified + "。"
    assert result.was_traditional == (to_simplified(traditional) != traditional)


def test_design_chrome_comment_boxes_and_credit():
    text = "\n".join(
        [
            "首页 > 新闻 > 正文",
            "临海眼镜产业推进会召开",
            "体育正文 66 0",
            "临海眼镜产业推进会召开",
            "推进会在临海举行。(图片由临海市委宣传部授权提供)",
            "分享到: 微信 微博 QQ空间",
            "责任编辑:王五",
            "欢迎 发表评论:",
            "暂无评论,快抢沙发吧~",
        ]
    )
    result = clean(text)
    assert result.title == "临海眼镜产业推进会召开"
    assert result.paragraphs == ["推进会在临海举行。"]
    assert result.credit == "临海市委宣传部"
    assert result.editor_name == "王五"
    kinds = Counter(r.kind for r in result.removals)
    assert kinds == {
        "chrome": 2,
        "duplicate_title": 1,
        "credit": 1,
        "share": 1,
        "meta": 1,
        "comment_box": 2,
    }


CHROME_LINES = [
    ("首页 > 新闻 > 正文", "chrome"),
    ("当前位置：首页 > 新闻中心 > 正文", "chrome"),
    ("您的位置:首页»资讯»正文", "chrome"),
    ("阅读:1234", "chrome"),
    ("浏览次数：56次", "chrome"),
    ("上一篇：光学产业迎来新机遇", "chrome"),
    ("【打印】【关闭】", "chrome"),
    ("返回顶部", "chrome"),
    ("相关阅读", "chrome"),
    ("分享到:", "share"),
    ("微信 微博 QQ空间", "share"),
    ("扫一扫，分享到朋友圈", "share"),
    ("发表评论", "comment_box"),
    ("已有0条评论", "comment_box"),
    ("登录后发表评论", "comment_box"),
    ("评论(0)", "comment_box"),
    ("网友评论", "comment_box"),
    ("責任編輯：王五", "meta"),
]
NOT_CHROME = [
    "首页设计大赛获奖名单公布了。",
    "分享经验的交流会在临海召开。",
    "评论员文章指出光学产业很重要。",
    "阅读全文请点击。",
    "微信公众号发布了消息。",
    "相关企业纷纷表示支持。",
    "正文如下。",
]


@pytest.mark.parametrize(("line", "kind"), CHROME_LINES)
def test_chrome_lines_are_removed(line, kind):
    result = clean(f"临海眼镜产业推进会\n{line}\n正文第一段。")
    assert [(r.kind, r.text) for r in result.removals] == [(kind, line)]
    assert result.paragraphs == ["正文第一段。"]


@pytest.mark.parametrize("line", NOT_CHROME)
def test_body_lines_like_chrome_are_kept(line):
    result = clean(f"临海眼镜产业推进会\n{line}\n正文第一段。")
    assert result.removals == []
    assert result.paragraphs == [line, "正文第一段。"]


# --------------------------------------------------------------------------
# Further cases: removed and kept parentheses

MORE_REMOVED = [
    ("中国(zhōng guó)眼镜。", "spaced syllables"),
    ("中国(zhōng-guó)眼镜。", "hyphenated syllables"),
    ("西安(xī'ān)召开。", "apostrophe"),
    ("战略(zhànlve)合作。", "v for ü"),
    ("女(nǚ)工。", "ǚ"),
    ("女(nv3)工。", "tone numbers with v"),
    ("中国(zhong1guo2)眼镜。", "tone numbers"),
    ("绿色(lu\u0308\u0300se\u0300)发展。", "decomposed ü with a tone"),
    ("我们(wǒmen)的。", "neutral tone in a word"),
    ("朋友(péngyou)们。", "neutral syllable without mark"),
    ("长(cháng)江。", "heteronym cháng"),
    ("长(zhǎng)大。", "heteronym zhǎng"),
    ("行(háng)业。", "heteronym háng"),
    ("会(kuài)计。", "heteronym kuài"),
    ("一(yí)个。", "tone sandhi reading of 一"),
    ("的(de)力量。", "neutral 的"),
    ("鏡片(jìngpiàn)廠。", "traditional characters"),
    ("臺灣(táiwān)。", "traditional, 2 characters"),
    ("近距离(jìnjùlí)感受。", "3 characters"),
    ("服务平台建设(fúwùpíngtáijiànshè)。", "6 characters"),
    ("上饶光学产业园区(shàngráoguāngxuéchǎnyèyuánqū)。", "8 characters"),
    ("一(yī)二(èr)三(sān)。", "one after another"),
    ("中国(zhōngguó)(zhōngguó)眼镜。", "repeated annotation"),
    ("实验室(上饶师范学(xué)院)。", "annotation inside a real parenthesis"),
    ("“两新(liǎngxīn)”融合。", "inside quotes"),
    ("中国（zhōngguó)眼镜。", "mixed brackets"),
    ("浙江(zhèjiāng)台州。", "plain"),
]

MORE_KEPT = [
    ("眼镜(eyeglasses)产业。", "English word"),
    ("激光(laser)器。", "English gloss"),
    ("红外(IR)分会。", "acronym"),
    ("上饶(SR)经开区。", "capital letters"),
    ("销售榜(TOP10)。", "acronym with digits"),
    ("眼镜展(CIOE 2025)。", "name and year"),
    ("学院(xué)。", "spells 学, not the character just before it"),
    ("中国(guózhōng)。", "wrong order"),
    ("中国(zhōngguó xx)。", "extra letters"),
    ("(zhōngguó)开头。", "nothing before it"),
    ("AI(ài)眼镜。", "after Latin text"),
    ("临海(Línhǎi)眼镜。", "capitalised: an intended gloss"),
    ("中国(Zhōngguó)。", "capitalised"),
    ("好(hao)。", "toneless where the reading has a tone"),
    ("西安(xi'an)。", "toneless"),
    ("眼镜(yanjing)店。", "toneless word"),
    ("价格(¥100)。", "currency"),
    ("温度(25℃)。", "unit"),
    ("第一(1)。", "digit"),
    ("比例(1:2)。", "ratio"),
    ("公司(股票代码:600071)。", "Chinese and digits"),
    ("凤凰光学(600071.SH)。", "stock code"),
    ("网站(www.example.com)。", "web address"),
    ("中国 (zhōngguó)眼镜。", "space before the bracket"),
    ("上饶经开区光学产业(shàngráojīngkāiqūguāngxuéchǎnyè)。", "9 characters: beyond the window"),
    ("镜片(a)厂。", "single letter"),
    ("光学(optics, photonics)。", "comma"),
    ("中国(zhōngguóó)。", "almost pinyin"),
]


@pytest.mark.parametrize(("text", "why"), MORE_REMOVED, ids=[w for _t, w in MORE_REMOVED])
def test_more_annotations_are_removed(text, why):
    result = clean(text)
    assert not re.search(r"[(（][a-z]", result.text), why
    assert result.removals_of("pinyin"), why
    assert han_fold(result.text) == han_fold(text)


@pytest.mark.parametrize(("text", "why"), MORE_KEPT, ids=[w for _t, w in MORE_KEPT])
def test_more_parentheses_are_kept(text, why):
    result = clean(text)
    assert result.text == full_width(to_simplified(text)), why
    assert result.removals == [], why


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("学院(xué)。", True),  # toned but wrong: flagged
        ("AI(ài)眼镜。", True),
        ("临海(Línhǎi)眼镜。", True),
        ("好(hao)。", True),  # toneless but spells it: flagged
        ("眼镜(yanjing)店。", True),
        ("临海(Linhai)眼镜。", False),  # a romanised name
        ("眼镜(eyeglasses)产业。", False),
        ("红外(IR)分会。", False),
    ],
)
def test_unverified_pinyin_is_flagged(text, flagged):
    flags = clean(text).flags_of("pinyin")
    assert bool(flags) == flagged
    for flag in flags:
        assert flag.message and flag.text in text


def test_judge_annotation_directly():
    assert judge_annotation("zhōngguó", "在中国")[0] == REMOVE
    assert judge_annotation("AI", "全国")[0] == KEEP
    assert judge_annotation("yè", "髽I")[0] == FLAG


# --------------------------------------------------------------------------
# Titles, paragraphs, meta lines, credits, dates, HTML


def test_a_long_line_is_split_after_full_stops_but_not_inside_quotes():
    sentence = "这是一个足够长的句子，用来凑出段落的长度，" * 4
    line = (
        f"{sentence}他说：“第一句。 第二句。” {sentence}结束。 “大国工匠 互聘共享”活动{sentence}。"
    )
    spans = split_long_line(line)
    pieces = [line[a:b] for a, b in spans]
    assert pieces == [
        f"{sentence}他说：“第一句。 第二句。”",
        f"{sentence}结束。",
        f"“大国工匠 互聘共享”活动{sentence}。",
    ]


def test_a_short_line_is_not_split():
    assert body("第一句。 第二句。") == "第一句。 第二句。"


def test_a_lone_short_line_is_body_not_title():
    result = clean("临海眼镜产业推进会召开")
    assert result.title == ""
    assert result.paragraphs == ["临海眼镜产业推进会召开"]


def test_meta_lines_go_to_fields():
    text = "\n".join(
        [
            "光学产业交流会在上饶召开",
            "2025-11-07 09:30 来源:上饶日报 作者:张三",
            "原标题:全国光学元器件交流会召开",
            "近日,交流会在上饶召开。",
            "原文链接:https://www.srxww.com/2025/1107/123.html",
            "责任编辑:李四",
        ]
    )
    result = clean(text)
    assert result.title == "光学产业交流会在上饶召开"
    assert result.paragraphs == ["近日，交流会在上饶召开。"]
    assert result.source == "上饶日报"
    assert result.author == "张三"
    assert result.original_title == "全国光学元器件交流会召开"
    assert result.source_url == "https://www.srxww.com/2025/1107/123.html"
    assert result.editor_name == "李四"
    assert result.published_on == dt.date(2025, 11, 7)
    assert "2025-11-07" in result.date_note


def test_urls_caption_lines_and_event_sites():
    text = "\n".join(
        [
            "https://www.example.cn/news/1.html",
            "光学博览会开幕",
            "博览会在深圳开幕。",
            "图：开幕式现场。",
            "网址:https://www.cioe.cn",
        ]
    )
    result = clean(text)
    assert result.source_url == "https://www.example.cn/news/1.html"  # bare, in the header
    assert result.paragraphs == [
        "博览会在深圳开幕。",
        "图：开幕式现场。",
        "网址：https://www.cioe.cn",
    ]
    assert result.credit == ""


def test_a_time_line_in_the_body_stays():
    # An event notice may well have 时间：… in its body.
    text = "光学展会通知发布\n展会将在深圳举行。\n时间:9月10日至12日\n地点:深圳国际会展中心"
    result = clean(text)
    assert result.paragraphs == [
        "展会将在深圳举行。",
        "时间：9月10日至12日",
        "地点：深圳国际会展中心",
    ]


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("(图片由临海市委宣传部授权提供)", "临海市委宣传部"),
        ("（图片由上饶日报提供）", "上饶日报"),
        ("图片来源:视觉中国", "视觉中国"),
        ("图片来源：视觉中国", "视觉中国"),
        ("摄影:王五", "王五"),
        ("(新华社记者 张三 摄)", "新华社记者 张三"),
        ("（李四摄）", "李四"),
        ("(圖片由臨海市委宣傳部提供)", "临海市委宣传部"),
    ],
)
def test_credits(line, credit):
    result = clean(f"推进会在临海举行。\n{line}")
    assert result.credit == credit
    assert result.paragraphs == ["推进会在临海举行。"]
    assert result.removals_of("credit")


@pytest.mark.parametrize("text", ["无人机(航拍)画面。", "这是(拍摄)现场。", "他(摄)了。"])
def test_not_credits(text):
    result = clean(text)
    assert result.credit == ""
    assert result.text == full_width(text)


@pytest.mark.parametrize(
    ("text", "import_date", "expected", "note_has"),
    [
        ("6月20日,会议举行。", dt.date(2025, 6, 21), dt.date(2025, 6, 20), "导入日期"),
        # in the future with the import year: the year before
        ("12月28日,会议举行。", dt.date(2026, 1, 5), dt.date(2025, 12, 28), "上一年"),
        ("6月20日,会议举行。", None, None, "没有年份"),
        ("2024年6月20日,会议举行。", dt.date(2025, 6, 21), dt.date(2024, 6, 20), "事件日期"),
        ("近日,会议举行。", dt.date(2025, 6, 21), None, "没有找到日期"),
        (
            "会议举行\n原文链接:https://news.example.cn/2024/0620/1.html\n6月19日,会议举行。",
            dt.date(2025, 6, 21),
            dt.date(2024, 6, 20),
            "网址",
        ),
        (
            "会议举行了\n来源:临海新闻网 2024年6月21日\n6月19日,会议举行。",
            dt.date(2025, 6, 21),
            dt.date(2024, 6, 21),
            "时间",
        ),
    ],
)
def test_dates(text, import_date, expected, note_has):
    result = clean(text, import_date=import_date)
    assert result.published_on == expected
    assert note_has in result.date_note


def test_html():
    html = """<!DOCTYPE html><html><head><title>浙江临海：匠心铸就 - 临海新闻网</title>
    <meta property="og:url" content="https://www.example.cn/art/2025/6/21/1.html">
    <script>var x = "<p>脚本</p>";</script><style>p {color: red}</style></head>
    <body><nav>首页 新闻 政务</nav>
    <div class="breadcrumb">首页 &gt; 新闻 &gt; 正文</div>
    <article><h1>浙江临海(línhǎi)：匠心铸就&ldquo;视&rdquo;界之窗</h1>
    <div class="info">来源：临海新闻网 2025-06-21 09:30</div>
    <p>&#12288;&#12288;6月20日，中国(zhōngguó)眼镜产业&nbsp;活动举行。</p>
    <p>第二段<br>第三段，(AI)保留。</p>
    <p>(图片由临海市委宣传部提供)</p>
    <div class="share-box">分享到：微信 微博</div></article>
    <div id="comments"><h3>评论列表</h3><p>网友：很好</p></div>
    <footer>版权所有 临海新闻网</footer></body></html>"""
    result = clean(html)
    assert result.title == "浙江临海：匠心铸就“视”界之窗"
    assert result.paragraphs == ["6月20日，中国眼镜产业 活动举行。", "第二段", "第三段，(AI)保留。"]
    assert result.source == "临海新闻网"
    assert result.source_url == "https://www.example.cn/art/2025/6/21/1.html"
    assert result.credit == "临海市委宣传部"
    assert result.published_on == dt.date(2025, 6, 21)
    removed = " ".join(r.text for r in result.removals)
    assert "脚本" not in result.text and "color" not in result.text
    assert "网友：很好" in removed and "版权所有" in removed and "分享到" in removed
    assert result.original == html


def test_html_with_an_unclosed_head():
    html = "<html><head><title>标题在这里啊</title><body><p>正文第一段。</p></body></html>"
    result = clean(html)
    assert (result.title, result.paragraphs) == ("标题在这里啊", ["正文第一段。"])


def test_html_is_detected_and_plain_text_is_not():
    assert looks_like_html("<p>一段</p>")
    assert not looks_like_html("温度<5℃时,领域?qū)<摇⑵髽I(yè)家")
    assert clean("<p>第一段。</p><p>第二段。</p>").paragraphs == ["第一段。", "第二段。"]
    assert clean("<p>第一段。</p>", is_html=False).paragraphs == ["<p>第一段。</p>"]


def test_mojibake_detection():
    assert [f.text for f in clean("领域髽I(yè)家。").flags_of("mojibake")] == ["髽I(yè)"]
    assert clean("文字\ufffd\ufffd乱码。").flags_of("mojibake")
    for fine in ["做X光检查。", "A股上涨。", "温度<5℃时。", "是否可行?他说。", "张喆和李堃。"]:
        assert clean(fine).flags_of("mojibake") == [], fine


def test_empty_input():
    result = clean("")
    assert (result.title, result.paragraphs, result.removals) == ("", [], [])


# --------------------------------------------------------------------------
# Properties


def fold(char):
    """A Han character as t2s reads it alone, with 着/著 (phrases.txt) as one."""
    simple = to_simplified(char)
    return min({simple} | override_variants().get(simple, frozenset()))


def han_fold(text):
    return Counter(fold(c) for c in han_chars(text))


# Han characters, traditional ones and heteronyms among them; none of the words
# page chrome, meta or credit lines are made of (首页, 评论, 来源, 图片 …).
HAN = (
    "中国眼镜产业光学会议了的长行重乾隆著力名显台湾"
    + "發展業學會議長臺灣鏡頭乐们子么着一不和地得为将好"
)
LATIN = "abcdefghijklmnopqrstuvwxyzAIRVTOPāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ"
PUNCT = "。，,.、：:“”！？!? ()（）-'"


@st.composite
def annotated(draw):
    """Han characters followed by one of their readings in brackets."""
    chars = draw(st.text(alphabet=HAN, min_size=1, max_size=3))
    syllables = [
        draw(st.sampled_from(pinyin(c, style=Style.TONE, heteronym=True)[0])) for c in chars
    ]
    opening, closing = draw(st.sampled_from(["()", "（）", "(）"]))
    separator = draw(st.sampled_from(["", " "]))
    return f"{chars}{opening}{separator.join(syllables)}{closing}"


token = st.one_of(
    st.text(alphabet=HAN, min_size=1, max_size=5),
    annotated(),
    st.text(alphabet=LATIN + "0123456789", min_size=1, max_size=8),
    st.text(alphabet=LATIN + "0123456789 ", min_size=0, max_size=8).map(lambda s: f"({s})"),
    st.sampled_from([*PUNCT, "。 ", "。” ", "！ ", "“", "”"]),
)
short_line = st.lists(token, min_size=1, max_size=40).map("".join)
# 20 to 40 Han characters, cheaper to draw than st.text(min_size=20).
filler = st.tuples(st.integers(0, len(HAN) - 1), st.integers(20, 40)).map(
    lambda t: (HAN * 3)[t[0] : t[0] + t[1]]
)
sentence = st.tuples(
    filler,
    st.lists(token, max_size=10).map("".join),
    st.sampled_from(["。", "。”", "！", "？", "”。"]),
).map("".join)
# Long enough to be split into paragraphs (at blanks after 。！？), or not.
long_line = st.lists(sentence, min_size=2, max_size=8).map(" ".join)
single_line = st.one_of(short_line, long_line)

LINES = [
    "首页 资讯 正文",
    "体育正文 66 0",
    "欢迎 发表评论:",
    "评论列表",
    "来源:临海新闻网",
    "责任编辑:王五",
    "(图片由临海市委宣传部授权提供)",
    "2025-06-21 09:30",
]
multi_line = st.lists(
    st.one_of(short_line, st.sampled_from(LINES), long_line), min_size=1, max_size=6
).map("\n".join)
PROPERTY = settings(
    max_examples=200,
    deadline=None,
    database=None,  # no .hypothesis folder in the project
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(single_line)
def test_property_a_single_line_keeps_every_han_character(text):
    result = clean(text)
    assert result.title == ""
    assert han_fold("".join(result.paragraphs)) == han_fold(text)


@PROPERTY
@given(single_line)
def test_property_cleaning_is_idempotent(text):
    first = clean(text)
    again = clean(first.as_text())
    assert (again.title, again.paragraphs) == (first.title, first.paragraphs)


@PROPERTY
@given(multi_line)
def test_property_every_han_character_is_kept_or_accounted_for(text):
    result = clean(text)
    removed = "".join(r.text for r in result.removals if r.kind != "pinyin")
    kept = result.title + "".join(result.paragraphs)
    assert han_fold(kept + removed) == han_fold(text)
    assert not any(han_chars(r.text) for r in result.removals_of("pinyin"))
    again = clean(result.as_text())
    assert (again.title, again.paragraphs) == (result.title, result.paragraphs)
