"""The admin's 导入文章 page: paste or upload, review the cleaned draft, save a draft.

Every bad submission (wrong file type, too big, empty, bad link, missing title) gets a
400 page that says what was wrong and keeps what the editor entered; never a 500.
"""

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from articles.demo import load_demo
from articles.ingest.cleaning import clean
from articles.ingest.uploads import MAX_UPLOAD_BYTES, UndecodableUpload, decode_upload
from articles.models import Article, Event, Organisation, Place, Status, Topic

from .factories import EditorFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:articles_article_import")
CHANGELIST = reverse("admin:articles_article_changelist")
REVIEW = "admin/articles/article/import_review.html"
SOURCE = "admin/articles/article/import.html"
DEMO = Path(__file__).resolve().parents[1] / "articles" / "demo"
LINHAI = (DEMO / "raw" / "linhai-eyewear-forum.txt").read_text(encoding="utf-8")
SHANGRAO = (DEMO / "raw" / "shangrao-optics-conference.txt").read_text(encoding="utf-8")
LINHAI_GOLDEN = (DEMO / "golden" / "linhai-eyewear-forum.txt").read_text(encoding="utf-8")
LINHAI_TITLE = "浙江临海：匠心铸就“视”界之窗 创新驱动产业腾飞"
ISLAND = "?qū)<摇⑵髽I(yè)"

SHORT = (
    "台州眼镜产业迎来新机遇\n"
    "2025年3月5日 来源：台州日报\n"
    "近日，临海市杜桥镇的眼镜企业(qǐyè)迎来新订单。浙江省光学学会专家到场指导。\n"
    "企业负责人表示，今年产能将提升三成。\n"
)
SHORT_BODY = "近日，临海市杜桥镇的眼镜企业迎来新订单。浙江省光学学会专家到场指导。"
PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>上饶光学产业再添新项目</title>"
    "</head><body><p>首页 资讯 正文</p><h1>上饶光学产业再添新项目</h1>"
    "<p>2025-04-01 来源：上饶日报</p>"
    "<p>近日，凤凰光学股份有限公司在上饶经开区投产新的镜头生产线。</p>"
    "<p>上饶师范学院参与了技术攻关。</p></body></html>"
)


CREDITED = (
    "光学产业交流会在上饶召开\n"
    "原标题：全国光学元器件交流会召开\n"
    "2025年3月5日 来源：上饶日报\n"
    "作者：张三\n"
    "近日，全国光学元器件交流会在上饶召开。\n"
    "责任编辑：李四\n"
)
# Neither UTF-8 (0x81 cannot start a character) nor GB 18030 (0x81 must be followed by
# 0x30-0x39 or 0x40-0xfe, not a space).
UNDECODABLE = b"\x81\x20\xff"


@pytest.fixture
def reference(db):
    """The demo's places, organisations, events and topics, without its stories."""
    load_demo()
    Article.objects.all().delete()


@pytest.fixture
def editor_client(client, reference):
    user = EditorFactory()
    client.force_login(user)
    client.user = user
    return client


def preview(client, **data):
    return client.post(URL, {"step": "preview", **data})


def review_data(form, **changes):
    """What the browser posts back when the editor accepts the review form as shown."""
    data = {"step": "save"}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def page_text(response):
    return response.content.decode()


def message_levels(response):
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


# --- Who may import ------------------------------------------------------------------------


def test_an_editor_and_a_superuser_open_the_page(editor_client, superuser_client):
    for client in (editor_client, superuser_client):
        response = client.get(URL)
        assert response.status_code == 200
        assert response.templates[0].name == SOURCE
        html = page_text(response)
        assert 'name="text"' in html and 'name="file"' in html and 'enctype="multipart' in html


def test_a_staff_user_without_add_permission_gets_403(client, db):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(user)

    assert client.get(URL).status_code == 403
    assert preview(client, text=SHORT).status_code == 403
    assert client.post(URL, {"step": "save", "raw": SHORT, "title": "x"}).status_code == 403
    assert not Article.objects.exists()
    # The list opens, without the import link.
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert URL not in page_text(response)


def test_anonymous_and_readers_are_sent_to_the_login(client, db):
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory())
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_changelist_links_to_the_import_page(editor_client):
    response = editor_client.get(CHANGELIST)
    assert response.status_code == 200
    assert f'href="{URL}"' in page_text(response)


# --- Review ------------------------------------------------------------------------------------


def test_preview_shows_the_cleaned_draft_the_removals_and_the_suggestions(editor_client):
    response = preview(editor_client, text=LINHAI)

    assert response.status_code == 200
    assert response.templates[0].name == REVIEW
    html = page_text(response)
    # The cleaned draft: the title and every paragraph of the golden text.
    assert f"<h3>{escape(LINHAI_TITLE)}</h3>" in html
    for paragraph in LINHAI_GOLDEN.splitlines():
        assert f"<p>{escape(paragraph)}</p>" in html
    # The original, each removal struck through.
    preview_ = response.context["preview"]
    assert html.count('<del class="removed ') == len(preview_.cleaned.removals) > 50
    assert re.search(r'<del class="removed removed-pinyin"[^>]*>\(zhōngguó\)</del>', html)
    assert re.search(r'<del class="removed removed-\w+"[^>]*>首页 资讯 正文</del>', html)
    # The date note (no year in 6月20日) is shown for checking.
    assert escape(preview_.cleaned.date_note) in html
    # Nothing is saved by looking.
    assert not Article.objects.exists()


def test_preview_prefills_the_form_with_the_suggestions(editor_client):
    response = preview(editor_client, text=LINHAI)
    form = response.context["form"]
    initial = form.initial

    assert initial["raw"] == LINHAI
    assert initial["title"] == LINHAI_TITLE
    assert initial["cover_credit"] == "临海市委宣传部"
    assert initial["published_at"].endswith("-06-20T09:00")
    assert initial["place"] == Place.objects.get(slug="linhai").pk
    assert initial["event"] == Event.objects.get(slug="2025-taizhou-yanjing-ronghe-tuijinhui").pk
    suggested = set(
        Organisation.objects.filter(pk__in=initial["organisations"]).values_list("name", flat=True)
    )
    assert {"浙江省光学学会", "温州医科大学附属眼视光医院", "东华大学检测实验室"} <= suggested
    assert set(Topic.objects.filter(pk__in=initial["topics"]).values_list("name", flat=True)) >= {
        "眼镜",
        "人才",
    }
    # The organisation choices are the suggested ones; each shown checked.
    assert set(form.fields["organisations"].queryset) == set(
        Organisation.objects.filter(pk__in=initial["organisations"])
    )
    html = page_text(response)
    assert re.search(
        rf'<input type="checkbox" name="organisations" value="{initial["organisations"][0]}"'
        r"[^>]*checked",
        html,
    )
    assert re.search(rf'<option value="{initial["place"]}" selected>临海市</option>', html)


def test_preview_of_shangrao_flags_the_mojibake(editor_client):
    response = preview(editor_client, text=SHANGRAO)
    assert response.status_code == 200
    html = page_text(response)
    assert "乱码" in html and escape(ISLAND) in html
    form = response.context["form"]
    assert form.initial["title"] == ""  # the page has none: the editor writes one
    assert form.initial["place"] == Place.objects.get(slug="shangrao").pk


# --- Save ----------------------------------------------------------------------------------------


def test_saving_the_suggestions_creates_a_linked_draft(editor_client):
    form = preview(editor_client, text=LINHAI).context["form"]

    response = editor_client.post(URL, review_data(form))

    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    assert article.status == Status.DRAFT
    assert article.title == LINHAI_TITLE
    assert article.place.slug == "linhai"
    assert article.event.slug == "2025-taizhou-yanjing-ronghe-tuijinhui"
    assert set(article.organisations.values_list("pk", flat=True)) == set(
        form.initial["organisations"]
    )
    assert set(article.topics.values_list("pk", flat=True)) == set(form.initial["topics"])
    assert article.cover_credit == "临海市委宣传部"
    assert article.original_text.replace("\r\n", "\n") == LINHAI
    assert article.editor == editor_client.user
    # The editor accepted the proposed date: nothing is left to check.
    assert article.import_flags == []
    assert [level for level, _message in message_levels(response)] == [messages.SUCCESS]
    # The change page opens.
    assert editor_client.get(response["Location"]).status_code == 200


def test_saving_again_redirects_to_the_same_story_with_a_warning(editor_client):
    form = preview(editor_client, text=LINHAI).context["form"]
    first = editor_client.post(URL, review_data(form))
    assert [level for level, _message in message_levels(first)] == [messages.SUCCESS]
    editor_client.get(first["Location"])  # the change page shows (and uses up) the message
    article = Article.objects.get()
    updated_at = article.updated_at

    again = editor_client.post(URL, review_data(form, title="另一个标题"))

    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert [level for level, _message in message_levels(again)] == [messages.WARNING]
    assert Article.objects.count() == 1
    article.refresh_from_db()
    assert (article.title, article.updated_at) == (LINHAI_TITLE, updated_at)
    # A new preview of the same page says it exists.
    response = preview(editor_client, text=LINHAI)
    assert response.context["preview"].duplicate == article
    assert reverse("admin:articles_article_change", args=[article.pk]) in page_text(response)


def test_the_editors_changes_are_saved(editor_client):
    form = preview(editor_client, text=SHANGRAO).context["form"]
    fenghuang = Organisation.objects.get(name="凤凰光学股份有限公司")
    zone = Place.objects.get(slug="shangraojingkaiqu")

    response = editor_client.post(
        URL,
        review_data(
            form,
            title="全国光学元器件交流会在上饶召开",
            summary="编辑写的摘要",
            place=str(zone.pk),
            event="",
            organisations=[str(fenghuang.pk)],
            topics=[],
            published_at="2025-11-07T10:30",
            source_url="news.example.com/shangrao.html",
        ),
    )

    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "全国光学元器件交流会在上饶召开"
    assert article.summary == "编辑写的摘要"
    assert (article.place, article.event) == (zone, None)
    assert list(article.organisations.all()) == [fenghuang]
    assert not article.topics.exists()
    assert article.source_url == "https://news.example.com/shangrao.html"
    assert article.status == Status.DRAFT
    # The written title answers the "no title" flag; the mojibake is still to check.
    kinds = {flag["kind"] for flag in article.import_flags}
    assert "mojibake" in kinds and "title" not in kinds and "date" not in kinds
    assert [level for level, _message in message_levels(response)] == [messages.SUCCESS]


def test_the_review_form_offers_author_source_editor_and_original_title(editor_client):
    response = preview(editor_client, text=CREDITED)
    form = response.context["form"]
    assert (
        form.initial["author"],
        form.initial["source_editor"],
        form.initial["original_title"],
    ) == ("张三", "李四", "全国光学元器件交流会召开")
    html = page_text(response)
    for name in ("author", "source_editor", "original_title"):
        assert re.search(rf'<input type="text" name="{name}" value="{form.initial[name]}"', html)

    saved = editor_client.post(URL, review_data(form))

    assert saved.status_code == 302
    article = Article.objects.get()
    assert (article.author, article.source_editor, article.original_title) == (
        "张三",
        "李四",
        "全国光学元器件交流会召开",
    )


def test_the_editor_corrects_author_source_editor_and_original_title(editor_client):
    form = preview(editor_client, text=CREDITED).context["form"]

    saved = editor_client.post(
        URL, review_data(form, author="张三丰", source_editor="", original_title="改过的原标题")
    )

    assert saved.status_code == 302
    article = Article.objects.get()
    assert (article.author, article.source_editor, article.original_title) == (
        "张三丰",
        "",
        "改过的原标题",
    )


def test_the_same_link_with_another_text_is_a_duplicate(editor_client):
    link = "https://news.example.com/2025/linhai.html"
    form = preview(editor_client, text=LINHAI, source_url=link).context["form"]
    assert form.initial["source_url"] == link
    editor_client.post(URL, review_data(form))
    article = Article.objects.get()

    response = preview(editor_client, text=SHORT, source_url=link)
    assert response.context["preview"].duplicate == article
    saved = editor_client.post(URL, review_data(response.context["form"]))

    assert saved["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    assert Article.objects.count() == 1


# --- Uploads -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("taizhou.txt", SHORT.encode("utf-8")),
        ("taizhou-bom.TXT", b"\xef\xbb\xbf" + SHORT.encode("utf-8")),
        ("taizhou-gbk.txt", SHORT.replace("(qǐyè)", "").encode("gbk")),
        ("taizhou-crlf-gb18030.txt", SHORT.replace("\n", "\r\n").encode("gb18030")),
    ],
)
def test_uploading_a_text_file(editor_client, name, data):
    response = preview(editor_client, file=SimpleUploadedFile(name, data))

    assert response.status_code == 200, response.context["form"].errors
    form = response.context["form"]
    assert form.initial["title"] == "台州眼镜产业迎来新机遇"
    assert form.initial["source"] == "台州日报"
    assert form.initial["is_html"] is False
    assert SHORT_BODY in page_text(response)

    saved = editor_client.post(URL, review_data(form))
    assert saved.status_code == 302
    article = Article.objects.get()
    assert article.title == "台州眼镜产业迎来新机遇"
    assert SHORT_BODY in article.body
    assert article.published_at.year == 2025


def test_uploading_an_html_file(editor_client):
    response = preview(editor_client, file=SimpleUploadedFile("page.html", PAGE.encode("utf-8")))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["is_html"] is True
    assert form.initial["title"] == "上饶光学产业再添新项目"
    assert form.initial["place"] == Place.objects.get(slug="shangrao").pk
    html = page_text(response)
    assert "<p>上饶师范学院参与了技术攻关。</p>" in html
    # The page's markup is shown as text in the original column, never run.
    assert "&lt;h1&gt;" in html and "<h1>上饶" not in html

    saved = editor_client.post(URL, review_data(form))
    assert saved.status_code == 302
    article = Article.objects.get()
    assert article.title == "上饶光学产业再添新项目"
    assert "<h1>" not in article.body and "首页" not in article.body
    assert "凤凰光学股份有限公司" in article.organisations.values_list("name", flat=True)


def test_a_gbk_html_file(editor_client):
    page = PAGE.replace("utf-8", "gbk").encode("gbk")
    response = preview(editor_client, file=SimpleUploadedFile("page.htm", page))
    assert response.status_code == 200
    assert response.context["form"].initial["title"] == "上饶光学产业再添新项目"


# --- Bad submissions: 400 with a message, never 500 ------------------------------------------


def assert_400_with(response, field, code=None, *, template=SOURCE):
    assert response.status_code == 400
    assert response.templates[0].name == template
    form = response.context["form"]
    assert form.has_error(field, code), form.errors
    html = page_text(response)
    for message in form.errors[field]:
        assert escape(message) in html
    return form


def test_a_pdf_is_refused(editor_client):
    upload = SimpleUploadedFile("story.pdf", b"%PDF-1.4 binary", "application/pdf")
    assert_400_with(preview(editor_client, file=upload), "file", "suffix")
    assert not Article.objects.exists()


def test_a_file_over_two_megabytes_is_refused(editor_client):
    data = ("眼镜" * (MAX_UPLOAD_BYTES // 6 + 10)).encode("utf-8")
    assert len(data) > MAX_UPLOAD_BYTES
    assert_400_with(
        preview(editor_client, file=SimpleUploadedFile("big.txt", data)), "file", "size"
    )


def test_a_file_neither_utf8_nor_gbk_is_refused(editor_client):
    upload = SimpleUploadedFile("odd.txt", b"\x80\xff\x80\xff" * 10)
    form = assert_400_with(preview(editor_client, file=upload), "__all__")
    assert form.non_field_errors()


def test_an_undecodable_file_is_refused_with_the_form_error(editor_client):
    with pytest.raises(UnicodeDecodeError):
        UNDECODABLE.decode("gb18030")
    upload = SimpleUploadedFile("odd.txt", UNDECODABLE)

    form = assert_400_with(preview(editor_client, file=upload), "__all__")

    assert form.has_error("__all__", "encoding")
    assert form.non_field_errors() == ["文件既不是 UTF-8 也不是 GBK 编码的文本。"]
    assert not Article.objects.exists()


def test_decode_upload_never_replaces_a_byte():
    assert decode_upload(b"\xef\xbb\xbf" + SHORT.encode("utf-8")) == SHORT
    assert decode_upload(SHORT.replace("(qǐyè)", "").encode("gbk")) == SHORT.replace("(qǐyè)", "")
    with pytest.raises(UndecodableUpload) as refused:
        decode_upload(UNDECODABLE)
    assert isinstance(refused.value, ValueError)
    assert "neither UTF-8 nor GBK" in str(refused.value)
    assert [(name, offset) for name, offset, _byte in refused.value.problems] == [
        ("UTF-8", 0),
        ("GB 18030", 0),
    ]


@pytest.mark.parametrize(
    "data",
    [{}, {"text": ""}, {"text": " \n\u3000\n "}, {"file": SimpleUploadedFile("empty.txt", b"")}],
    ids=["nothing", "empty", "blank", "empty-file"],
)
def test_an_empty_submission_is_refused(editor_client, data):
    response = preview(editor_client, **data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors
    html = page_text(response)
    assert any(escape(m) in html for messages_ in form.errors.values() for m in messages_)


def test_a_bad_source_url_is_refused_and_the_text_kept(editor_client):
    response = preview(editor_client, text=SHORT, source_url="not a link")
    form = assert_400_with(response, "source_url", "invalid")
    assert form["text"].value() == SHORT
    assert escape(SHORT) in page_text(response)


def test_text_over_the_limit_is_refused(editor_client):
    assert_400_with(preview(editor_client, text="眼" * 200_001), "text", "max_length")


def test_a_missing_title_at_review_gives_400_and_loses_nothing(editor_client):
    form = preview(editor_client, text=SHANGRAO).context["form"]
    data = review_data(form, title="", summary="写了一半的摘要")

    response = editor_client.post(URL, data)

    form = assert_400_with(response, "title", "required", template=REVIEW)
    assert form["raw"].value() == SHANGRAO
    assert form["summary"].value() == "写了一半的摘要"
    assert str(form["place"].value()) == str(data["place"])
    html = page_text(response)
    # The raw text travels on in the hidden field; the review is shown again.
    assert f'name="raw" value="{escape(SHANGRAO)}"' in html
    assert "乱码" in html
    assert not Article.objects.exists()

    # With a title the same data saves.
    saved = editor_client.post(URL, {**data, "title": "上饶召开光学元器件交流会"})
    assert saved.status_code == 302
    assert Article.objects.get().title == "上饶召开光学元器件交流会"


@pytest.mark.parametrize(
    "changes",
    [
        {"raw": ""},
        {"place": "999999"},
        {"place": "abc"},
        {"organisations": ["x"]},
        {"published_at": "2025-13-45T99:99"},
        {"source_url": "javascript:alert(1)"},
        {"is_html": "maybe"},
    ],
    ids=["no-raw", "unknown-place", "bad-place", "bad-organisation", "bad-date", "bad-url", "odd"],
)
def test_bad_review_data_gives_400_never_500(editor_client, changes):
    form = preview(editor_client, text=SHORT).context["form"]
    response = editor_client.post(URL, review_data(form, **changes))
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert response.context["form"].errors
    else:  # a value the form reads as "unknown" (is_html=maybe)
        assert changes == {"is_html": "maybe"}


def test_a_review_post_without_anything_gives_400(editor_client):
    response = editor_client.post(URL, {"step": "save"})
    assert response.status_code == 400
    assert response.context["form"].has_error("raw")
    assert response.context["form"].has_error("title")


def test_the_pasted_text_is_cleaned_not_trusted(editor_client):
    text = "一个标题\n正文<script>alert('x')</script>里有<img src=x onerror=alert(1)>。\n"
    response = preview(editor_client, text=text, is_html="")
    assert response.status_code == 200
    html = page_text(response)
    assert "<script>alert('x')</script>" not in html
    assert "onerror=alert(1)>" not in html
    # Markup makes the text read as HTML: the title line is not recognised, so type one.
    saved = editor_client.post(URL, review_data(response.context["form"], title="一个标题"))
    assert saved.status_code == 302, saved.context["form"].errors
    body = Article.objects.get().body
    assert "<script" not in body and "onerror" not in body


def test_the_review_form_matches_the_cleaner(editor_client):
    """The title and date the review form proposes are the cleaner's."""
    form = preview(editor_client, text=SHORT).context["form"]
    cleaned = clean(SHORT)
    assert form.initial["title"] == cleaned.title
    assert form.initial["published_at"] == f"{cleaned.published_on:%Y-%m-%d}T09:00"


def post_like_a_browser(client, html, data):
    """Send ``data`` encoded as the rendered review form says (its enctype)."""
    before = html.split('name="step" value="save"')[0]
    form_tag = before[before.rindex("<form") :]
    if 'enctype="multipart/form-data"' in form_tag:
        return client.post(URL, data)
    return client.post(
        URL, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded"
    )


def test_a_large_upload_can_be_saved_from_the_review_page(editor_client):
    """A page near the upload limit goes back in the hidden field; urlencoded, 1.5 MB of
    Chinese would triple past DATA_UPLOAD_MAX_MEMORY_SIZE and end in a bare 400."""
    paragraph = "眼镜产业发展迅速，临海市杜桥镇企业众多。" * 20
    data = ("大型文章标题\n2025年3月5日 来源：台州日报\n" + "\n".join([paragraph] * 1200)).encode()
    assert 1_000_000 < len(data) < MAX_UPLOAD_BYTES

    response = preview(editor_client, file=SimpleUploadedFile("big.txt", data))
    assert response.status_code == 200

    saved = post_like_a_browser(
        editor_client, page_text(response), review_data(response.context["form"])
    )

    assert saved.status_code == 302
    assert Article.objects.get().title == "大型文章标题"
