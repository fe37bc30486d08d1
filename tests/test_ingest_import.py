"""The importer's database side: drafts from the raw samples, suggestions, idempotency.

The cleaning itself is covered in test_ingest_cleaning.py; here the samples go through
``article_import`` with the demo places, organisations, events and topics loaded, and
the result is checked as an editor would find it in the admin.
"""

import datetime as dt
import re
from html import unescape
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import strip_tags

from articles.demo import load_demo
from articles.ingest.importer import (
    article_import,
    find_duplicate,
    fingerprint,
    preview_import,
    suggest_links,
)
from articles.models import Article, Event, Organisation, Place, Status, Topic

from .factories import EditorFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[1] / "articles" / "demo"
LINHAI = "linhai-eyewear-forum"
SHANGRAO = "shangrao-optics-conference"
LINHAI_TITLE = "浙江临海：匠心铸就“视”界之窗 创新驱动产业腾飞"
LINHAI_EVENT = "2025-taizhou-yanjing-ronghe-tuijinhui"
SHANGRAO_EVENT = "2025-guangxue-yuanqijian-jiaoliuhui"
ISLAND = "?qū)<摇⑵髽I(yè)"


def raw(name):
    return (DEMO / "raw" / f"{name}.txt").read_text(encoding="utf-8")


def golden(name):
    return (DEMO / "golden" / f"{name}.txt").read_text(encoding="utf-8").splitlines()


def paragraphs(body_html):
    """The body as the reader sees it: one paragraph per line, tags stripped."""
    return [
        unescape(strip_tags(p)).strip()
        for p in re.findall(r"<p(?:\s[^>]*)?>(.*?)</p>", body_html, re.S)
    ]


def names(rows, attr="name"):
    return {getattr(row, attr) for row in rows}


@pytest.fixture
def reference(db):
    """The demo's places, organisations, events and topics, without its stories."""
    load_demo()
    Article.objects.all().delete()


@pytest.fixture
def linhai(reference):
    return article_import(text=raw(LINHAI))


@pytest.fixture
def shangrao(reference):
    return article_import(text=raw(SHANGRAO))


# --- Linhai ------------------------------------------------------------------------------


def test_linhai_becomes_a_draft_never_a_published_story(linhai):
    article = linhai.article
    assert linhai.created
    assert article.status == Status.DRAFT
    assert not article.is_published
    assert not Article.objects.published().exists()
    assert Article.objects.count() == 1


def test_linhai_body_equals_the_golden_file(linhai):
    article = Article.objects.get(pk=linhai.article.pk)
    assert paragraphs(article.body) == golden(LINHAI)


def test_linhai_keeps_the_original_and_takes_title_and_credit(linhai):
    article = Article.objects.get(pk=linhai.article.pk)
    assert article.original_text == raw(LINHAI)
    assert article.title == LINHAI_TITLE
    assert article.cover_credit == "临海市委宣传部"
    assert article.import_fingerprint == fingerprint(raw(LINHAI))
    assert "(zhōngguó)" not in article.body and "首页" not in article.body


def test_linhai_suggestions(reference):
    suggestions = preview_import(text=raw(LINHAI)).suggestions

    assert suggestions.place.name == "临海市"
    assert {"临海市", "杜桥镇", "台州市", "浙江省"} <= names(suggestions.places)
    assert {
        "浙江省光学学会",
        "温州医科大学附属眼视光医院",
        "东华大学检测实验室",
        "台州眼镜产业创新联盟",
        "临海市康波眼镜有限公司",
        "盈昌集团有限公司",
        "中国·杜桥眼镜城",  # found by its alias 杜桥国际眼镜城
        "浙江大学",
        "天津医科大学眼视光学院",
        "临海市总工会",
    } <= names(suggestions.organisations)
    assert suggestions.event == Event.objects.get(slug=LINHAI_EVENT)
    assert {"眼镜", "人才", "产学研合作", "科技创新"} <= names(suggestions.topics)


def test_linhai_draft_is_linked_to_the_suggestions(linhai):
    article = linhai.article
    assert article.place.slug == "linhai"
    assert article.event.slug == LINHAI_EVENT
    assert {"浙江省光学学会", "温州医科大学附属眼视光医院"} <= names(article.organisations.all())
    assert "眼镜" in names(article.topics.all())


def test_linhai_flags_the_guessed_year_but_no_mojibake(linhai):
    kinds = [flag["kind"] for flag in linhai.article.import_flags]
    assert "mojibake" not in kinds
    # 6月20日 has no year: the year comes from the import day, and the editor is told.
    (date_flag,) = [f for f in linhai.article.import_flags if f["kind"] == "date"]
    assert "6月20日" in date_flag["message"]
    today = timezone.localdate()
    year = today.year if dt.date(today.year, 6, 20) <= today else today.year - 1
    assert timezone.localtime(linhai.article.published_at).date() == dt.date(year, 6, 20)


def test_primary_place_is_the_deepest_place_in_the_title(reference):
    linhai, duqiao = Place.objects.get(slug="linhai"), Place.objects.get(slug="duqiao")
    # 杜桥镇 is deeper and named more often in the body; the title names 临海 and 浙江.
    suggestions = suggest_links(title="浙江临海举行眼镜大会", text="杜桥镇杜桥镇杜桥镇，临海市。")
    assert suggestions.place == linhai
    assert duqiao in suggestions.places


def test_primary_place_without_one_in_the_title_is_the_most_mentioned(reference):
    linhai, duqiao = Place.objects.get(slug="linhai"), Place.objects.get(slug="duqiao")
    assert suggest_links(title="眼镜大会", text="临海市，临海，杜桥镇。").place == linhai
    # A tie goes to the deeper place.
    assert suggest_links(title="眼镜大会", text="临海市与杜桥镇。").place == duqiao
    assert suggest_links(title="眼镜大会", text="没有地名。").place is None


def test_a_second_event_makes_the_event_an_open_choice(reference):
    text = "2025全国光学元器件行业科技创新与发展交流会之后，将举办2027温州国际眼镜展。"
    suggestions = suggest_links(title="", text=text)
    assert len(suggestions.events) == 2
    assert suggestions.event is None


# --- Shangrao ----------------------------------------------------------------------------


def test_shangrao_body_equals_the_golden_file(shangrao):
    article = Article.objects.get(pk=shangrao.article.pk)
    assert paragraphs(article.body) == golden(SHANGRAO)
    assert article.status == Status.DRAFT
    assert article.original_text == raw(SHANGRAO)


def test_shangrao_mojibake_is_flagged_for_the_editor(shangrao):
    article = Article.objects.get(pk=shangrao.article.pk)
    mojibake = [f for f in article.import_flags if f["kind"] == "mojibake"]
    assert len(mojibake) == 1
    assert mojibake[0]["text"] == ISLAND
    assert "乱码" in mojibake[0]["message"]
    assert shangrao.flags == article.import_flags
    # The page has no title: the draft says so instead of inventing one.
    assert "title" in {f["kind"] for f in article.import_flags}
    assert article.title


def test_shangrao_suggestions_and_links(shangrao):
    article = shangrao.article
    assert article.place.name == "上饶市"
    assert {
        "上饶师范学院",
        "凤凰光学股份有限公司",
        "江西省光学镜头镜片产品质量监督检验中心",
        "上饶市恒泰光学设备制造有限公司",
        "上饶市科学技术局",  # written 上饶市科技局, its short name
        "中国光学光电子行业协会光学元件和光学仪器分会",
        "晶科能源股份有限公司",
    } <= names(article.organisations.all())
    # 中国光学光电子行业协会 only occurs inside the longer names of its branches.
    assert "中国光学光电子行业协会" not in names(article.organisations.all())
    assert article.event.slug == SHANGRAO_EVENT
    assert {"光学元件", "光学玻璃", "人才"} <= names(article.topics.all())


# --- Idempotency -----------------------------------------------------------------------------


def test_importing_the_same_text_again_changes_nothing(linhai):
    first = Article.objects.get(pk=linhai.article.pk)
    flags, organisations = first.import_flags, set(first.organisations.all())

    again = article_import(text=raw(LINHAI), editor=EditorFactory())

    assert not again.created
    assert again.article.pk == first.pk
    assert again.flags == []
    assert Article.objects.count() == 1
    now = Article.objects.get(pk=first.pk)
    assert now.updated_at == first.updated_at
    assert (now.title, now.body, now.import_flags, now.editor) == (
        first.title,
        first.body,
        flags,
        None,
    )
    assert set(now.organisations.all()) == organisations


def test_whitespace_changes_do_not_make_a_new_story(linhai):
    first = Article.objects.get(pk=linhai.article.pk)
    mangled = "\r\n\n  " + raw(LINHAI).replace("\n", "\r\n \u3000").replace("。", "。 ") + "\n\n"

    again = article_import(text=mangled)

    assert not again.created
    assert again.article.pk == first.pk
    assert Article.objects.count() == 1
    assert Article.objects.get(pk=first.pk).updated_at == first.updated_at


def test_an_editors_edit_is_not_overwritten_by_a_reimport(linhai):
    article = linhai.article
    article.title = "编辑改过的标题"
    article.status = Status.PUBLISHED
    article.save()

    again = article_import(text=raw(LINHAI), overrides={"title": "别的标题"})

    assert not again.created
    article.refresh_from_db()
    assert (article.title, article.status) == ("编辑改过的标题", Status.PUBLISHED)


def test_the_same_source_url_with_another_text_is_a_duplicate(reference):
    url = "https://news.example.com/2025/06/20/linhai.html"
    first = article_import(text=raw(LINHAI), source_url=url)
    assert first.article.source_url == url

    other = article_import(text="另一篇文章\n完全不同的正文，讲的是别的事情。", source_url=url)

    assert not other.created
    assert other.article.pk == first.article.pk
    assert Article.objects.count() == 1
    # Another link and another text make a new story.
    assert article_import(
        text="另一篇文章\n完全不同的正文，讲的是别的事情。",
        source_url="https://news.example.com/2025/06/21/other.html",
    ).created
    assert Article.objects.count() == 2


def test_a_source_url_found_in_the_text_also_finds_the_duplicate(reference):
    url = "https://news.example.com/a/123.html"
    first = article_import(text=f"标题一则\n原文链接：{url}\n正文第一段，说的是眼镜产业。")
    assert first.article.source_url == url

    other = article_import(text=f"标题二则\n原文链接：{url}\n正文改写过了，内容不同。")

    assert not other.created and other.article.pk == first.article.pk


def test_find_duplicate_and_fingerprint():
    assert fingerprint("甲 乙\n丙") == fingerprint("甲乙丙") == fingerprint("\u3000甲乙\r\n丙 ")
    assert fingerprint("甲乙丙") != fingerprint("甲乙丁")
    assert find_duplicate(fingerprint_=fingerprint("甲乙丙")) is None
    assert find_duplicate(fingerprint_=fingerprint("甲乙丙"), source_url="https://x.cn/1") is None


# --- What the editor decides -------------------------------------------------------------------


def test_overrides_win_over_suggestions_and_none_clears_one(reference):
    topic = Topic.objects.get(name="激光")
    organisation = Organisation.objects.get(slug="shunyu")
    when = dt.datetime(2025, 6, 21, 10, tzinfo=dt.UTC)

    outcome = article_import(
        text=raw(LINHAI),
        overrides={
            "title": "编辑写的标题",
            "summary": "编辑写的摘要",
            "place": None,
            "event": None,
            "organisations": [organisation],
            "topics": [topic],
            "published_at": when,
            "cover_credit": "",
        },
    )

    article = Article.objects.get(pk=outcome.article.pk)
    assert (article.title, article.summary, article.place, article.event) == (
        "编辑写的标题",
        "编辑写的摘要",
        None,
        None,
    )
    assert list(article.organisations.all()) == [organisation]
    assert list(article.topics.all()) == [topic]
    assert article.published_at == when
    assert article.cover_credit == ""
    assert article.status == Status.DRAFT
    # The editor's date answers the date note.
    assert "date" not in {f["kind"] for f in article.import_flags}


def test_without_accepting_suggestions_the_draft_has_no_links(reference):
    article = article_import(text=raw(SHANGRAO), accept_suggestions=False).article
    assert article.place is None and article.event is None
    assert not article.organisations.exists() and not article.topics.exists()
    # Flags do not depend on the links.
    assert "mojibake" in {f["kind"] for f in article.import_flags}


def test_a_future_date_still_gives_a_draft(reference):
    later = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
    article = article_import(text=raw(LINHAI), overrides={"published_at": later}).article
    assert article.status == Status.DRAFT
    assert not Article.objects.published().exists()


def test_a_date_the_page_states_is_not_a_flag(places):
    """Only what the editor has to check is flagged: a page's own date is not."""
    text = (
        "台州眼镜产业迎来新机遇\n2025年3月5日 来源：台州日报\n"
        "近日，临海市杜桥镇的眼镜企业迎来新订单。\n"
    )
    outcome = article_import(text=text)
    assert outcome.flags == []
    assert outcome.article.source == "台州日报"
    assert outcome.article.published_at.date() == dt.date(2025, 3, 5)
    # Without any date the editor has to fill one in.
    assert [f["kind"] for f in article_import(text="一个标题\n正文没有日期。").flags] == ["date"]


CREDITED = (
    "光学产业交流会在上饶召开\n"
    "原标题：全国光学元器件交流会召开\n"
    "2025年3月5日 来源：上饶日报\n"
    "作者：张三\n"
    "近日，全国光学元器件交流会在上饶召开。\n"
    "责任编辑：李四\n"
)


def test_author_source_editor_and_original_title_are_stored(places):
    article = Article.objects.get(pk=article_import(text=CREDITED).article.pk)
    assert (article.author, article.source_editor, article.original_title) == (
        "张三",
        "李四",
        "全国光学元器件交流会召开",
    )
    assert article.title == "光学产业交流会在上饶召开"
    assert paragraphs(article.body) == ["近日，全国光学元器件交流会在上饶召开。"]
    assert article.source == "上饶日报"


def test_the_editors_author_source_editor_and_original_title_win(places):
    overrides = {"author": "王五", "source_editor": "", "original_title": "编辑改过的原标题"}
    article = article_import(text=CREDITED, overrides=overrides).article
    article.refresh_from_db()
    assert (article.author, article.source_editor, article.original_title) == (
        "王五",
        "",
        "编辑改过的原标题",
    )


def test_html_import(places):
    page = (
        "<html><head><title>上饶光学产业再添新项目</title></head><body>"
        "<p>首页 资讯 正文</p><h1>上饶光学产业再添新项目</h1>"
        "<p>2025-04-01 来源：上饶日报</p>"
        "<p>近日，上饶经开区投产新的镜头(jìngtóu)生产线。</p><p>A &amp; B 公司参与。</p>"
        "<script>alert(1)</script></body></html>"
    )
    article = article_import(text=page, is_html=True).article
    assert article.title == "上饶光学产业再添新项目"
    assert paragraphs(article.body) == ["近日，上饶经开区投产新的镜头生产线。", "A & B 公司参与。"]
    assert "<script" not in article.body and "alert" not in article.body
    assert article.original_text == page
    assert article.place == places.shangrao


def test_body_text_is_escaped_not_trusted(places):
    text = "一个标题\n正文里有<script>alert(1)</script>和<b>标记</b>。\n"
    article = Article.objects.get(pk=article_import(text=text, is_html=False).article.pk)
    assert "<script" not in article.body
    assert "<b>" not in article.body


# --- Queries -----------------------------------------------------------------------------------


def count_queries(func):
    """Statements run by ``func``, not counting savepoints."""
    with CaptureQueriesContext(connection) as queries:
        func()
    return sum(
        not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
        for q in queries.captured_queries
    )


def test_preview_queries_do_not_grow_with_the_reference_data(reference):
    text = raw(LINHAI)
    few = count_queries(lambda: preview_import(text=text))
    OrganisationFactory.create_batch(30)
    many = count_queries(lambda: preview_import(text=text, source_url="https://x.cn/1"))
    assert few <= 6
    assert many <= few + 1  # + the look-up by source URL


def test_import_queries_are_bounded(reference):
    outcomes = []
    n = count_queries(lambda: outcomes.append(article_import(text=raw(LINHAI))))
    n_topics = outcomes[0].article.topics.count()
    # The preview (≤ 6), the insert and its search index, all organisations in one insert;
    # taggit adds each topic on its own (two or three queries a topic); the story, its
    # organisations and its topics each change the content version once (one UPDATE).
    # The history keeps the new story and then its organisations: a version each (an
    # insert and a read of the fields it leaves out), and the organisations' rows.
    history = 7
    assert n <= 12 + 3 * n_topics + 4 + history, n
    assert outcomes[0].article.organisations.count() >= 10
    # A duplicate costs no more than the preview.
    assert count_queries(lambda: article_import(text=raw(LINHAI))) <= 7
