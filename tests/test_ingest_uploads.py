"""Uploads in any East Asian encoding, with control characters, and review forms posted
back wrong: each is read or refused with a message the editor sees, never a bare 400
or a 500, and every encoding other than UTF-8 is told.
"""

import io
import random

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import escape

from articles.ingest.uploads import UndecodableUpload, read_upload
from articles.models import Article

from .factories import EditorFactory

URL = reverse("admin:articles_article_import")
BIG5_SENTENCE = "臨海眼鏡產業發展"
BIG5_TEXT = (
    "臨海眼鏡產業發展論壇舉行\n"
    "2025年6月20日 來源：臨海新聞網\n"
    f"近日，{BIG5_SENTENCE}論壇在杜橋鎮舉行，浙江省光學學會專家到場指導。\n"
)
JAPANESE = (
    "眼鏡産業の展示会が東京で開幕\n"
    "東京で眼鏡産業の展示会が開かれ、多くの企業が新しいレンズを発表した。\n"
    "関係者によると、来年も開催される予定だ。\n"
)
GBK_TEXT = (
    "台州眼镜产业迎来新机遇\n2025年3月5日 来源：台州日报\n"
    "近日，临海市杜桥镇的眼镜企业迎来新订单。浙江省光学学会专家到场指导。\n"
)


# --- Reading the bytes ----------------------------------------------------------------------


def test_big5_is_read_as_big5_and_said_so():
    upload = read_upload(BIG5_TEXT.encode("big5"))
    assert (upload.text, upload.encoding) == (BIG5_TEXT, "Big5")
    assert [(f.kind, f.message) for f in upload.flags] == [
        ("encoding", "已按 Big5 编码读取（自动识别），请对照原文核对文字。")
    ]
    # GB 18030 reads these bytes too, as nonsense: that was the defect.
    assert BIG5_SENTENCE.encode("big5").decode("gb18030") != BIG5_SENTENCE


def test_a_big5_sentence_inside_a_longer_text():
    data = b"Linhai news, 2025-06-20. " + BIG5_SENTENCE.encode("big5") + b" (reprint)\n"
    upload = read_upload(data)
    assert upload.encoding == "Big5"
    assert BIG5_SENTENCE in upload.text


@pytest.mark.parametrize(("codec", "name"), [("shift_jis", "Shift-JIS"), ("euc_jp", "EUC-JP")])
def test_japanese_is_read_in_its_encoding(codec, name):
    upload = read_upload(JAPANESE.encode(codec))
    assert (upload.text, upload.encoding) == (JAPANESE, name)
    assert upload.flags[0].message == f"已按 {name} 编码读取（自动识别），请对照原文核对文字。"


def test_korean_is_read_as_euc_kr():
    text = "서울에서 안경 산업 박람회가 열렸다. 많은 기업이 새로운 렌즈를 발표했다.\n" * 3
    assert read_upload(text.encode("euc_kr")).encoding == "EUC-KR"


@pytest.mark.parametrize("codec", ["gbk", "gb2312", "gb18030"])
def test_gbk_is_still_read_as_gb18030_with_a_note(codec):
    upload = read_upload(GBK_TEXT.encode(codec))
    assert (upload.text, upload.encoding) == (GBK_TEXT, "GB 18030")
    note = ("note", "已按 GB 18030（GBK）编码读取。")
    assert [(f.kind, f.message) for f in upload.flags] == [note]


def test_utf8_needs_no_word():
    assert read_upload(GBK_TEXT.encode()).flags == []
    assert read_upload(b"\xef\xbb\xbf" + GBK_TEXT.encode()).flags == []


@pytest.mark.parametrize("seed", range(6))
def test_random_bytes_are_refused(seed):
    rng = random.Random(seed)
    data = bytes(rng.randrange(256) for _ in range(400))
    with pytest.raises(UndecodableUpload) as refused:
        read_upload(data)
    message = str(refused.value)
    assert "neither UTF-8 nor GBK" in message
    assert "Big5, Shift-JIS, EUC-JP, EUC-KR were tried too" in message


def test_bytes_gb18030_reads_only_as_nonsense_are_refused():
    # Big5 with one pair Big5 cannot read (0x80 never follows a lead byte in Big5):
    # GB 18030 reads every byte, but the text is not Chinese; nothing else reads it.
    data = BIG5_TEXT.encode("big5") + b"\x81\x80"
    assert data.decode("gb18030")
    with pytest.raises(UndecodableUpload) as refused:
        read_upload(data)
    assert [name for name, _at, _byte in refused.value.problems] == ["UTF-8"]
    assert refused.value.unlikely == ["GB 18030"]
    assert "GB 18030 read it, but not as text" in str(refused.value)


def test_control_characters_are_removed_and_counted():
    upload = read_upload("标题在这里\n正文\x00第一段\x01。\r\n\t第二段\x7f。\x85".encode())
    assert upload.text == "标题在这里\n正文第一段。\r\n\t第二段。"
    assert upload.controls_removed == 4
    (flag,) = upload.flags
    assert flag.kind == "control" and "4 个控制字符" in flag.message and "原始文本" in flag.message


# --- The admin ------------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, db):
    client.force_login(EditorFactory())
    return client


def review_data(form, **changes):
    data = {"step": "save"}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    data.update(changes)
    return data


def preview_file(client, name, data):
    return client.post(URL, {"step": "preview", "file": SimpleUploadedFile(name, data)})


def test_a_big5_upload_becomes_a_simplified_draft_with_the_encoding_flagged(editor_client):
    response = preview_file(editor_client, "big5.txt", BIG5_TEXT.encode("big5"))
    assert response.status_code == 200
    assert "已按 Big5 编码读取" in response.content.decode()
    form = response.context["form"]
    assert form.initial["encoding"] == "Big5"
    assert form.initial["title"] == "临海眼镜产业发展论坛举行"

    saved = editor_client.post(URL, review_data(form))

    assert saved.status_code == 302
    article = Article.objects.get()
    assert "临海眼镜产业发展论坛在杜桥镇举行" in article.body
    assert article.original_text == BIG5_TEXT
    assert ("encoding", "已按 Big5 编码读取（自动识别），请对照原文核对文字。") in [
        (f["kind"], f["message"]) for f in article.import_flags
    ]


def test_a_nul_byte_upload_imports_with_a_flag(editor_client):
    data = "台州眼镜产业迎来新机遇\n2025年3月5日 来源：台州日报\n近日，眼镜企业\x00迎来新订单。\n"
    data = data.encode()
    response = preview_file(editor_client, "nul.txt", data)
    assert response.status_code == 200
    assert "1 个控制字符" in response.content.decode()

    saved = editor_client.post(URL, review_data(response.context["form"]))

    assert saved.status_code == 302  # a bare 400 before: the hidden field held the NUL
    article = Article.objects.get()
    assert "\x00" not in article.original_text
    assert "近日，眼镜企业迎来新订单。" in article.body
    assert "control" in [flag["kind"] for flag in article.import_flags]


@pytest.mark.parametrize(
    ("field", "value"),
    [("raw", "标题在这里\n正文\x00被改过。"), ("controls_removed", "-1"), ("encoding", "EBCDIC")],
)
def test_a_tampered_hidden_field_is_shown_with_its_error(editor_client, field, value):
    form = editor_client.post(URL, {"step": "preview", "text": GBK_TEXT}).context["form"]

    response = editor_client.post(URL, review_data(form, **{field: value}))

    assert response.status_code == 400
    html = response.content.decode()
    form = response.context["form"]
    assert form.has_error(field)
    assert 'class="errornote"' in html
    label = escape(str(form.fields[field].label))
    for message in form.errors[field]:
        assert escape(message) in html
    assert label in html
    assert not Article.objects.exists()


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "1900-05-04T10:00", "2205-01-01T09:00"])
def test_a_date_out_of_range_is_a_form_error(editor_client, when):
    form = editor_client.post(URL, {"step": "preview", "text": GBK_TEXT}).context["form"]

    response = editor_client.post(URL, review_data(form, published_at=when))

    assert response.status_code == 400  # a year-1 date was a 500 (OverflowError) on SQLite
    assert response.context["form"].has_error("published_at", "out_of_range")
    assert not Article.objects.exists()


def test_saving_an_imported_page_again_names_and_links_the_story(editor_client):
    form = editor_client.post(URL, {"step": "preview", "text": GBK_TEXT}).context["form"]
    editor_client.post(URL, review_data(form))
    article = Article.objects.get()
    editor_client.get(reverse("admin:articles_article_change", args=[article.pk]))

    again = editor_client.post(URL, review_data(form))

    change = reverse("admin:articles_article_change", args=[article.pk])
    assert again["Location"] == change
    ((level, message),) = [(m.level, str(m)) for m in get_messages(again.wsgi_request)]
    assert level == messages.WARNING
    assert f'<a href="{change}">{escape(article.title)}</a>' in message
    page = editor_client.get(change).content.decode()
    assert f'<a href="{change}">{escape(article.title)}</a>' in page


# --- The command ----------------------------------------------------------------------------


def test_the_command_reads_big5_and_tells_the_encodings(tmp_path, db):
    (tmp_path / "big5.txt").write_bytes(BIG5_TEXT.encode("big5"))
    (tmp_path / "gbk.txt").write_bytes(GBK_TEXT.encode("gbk"))
    out = io.StringIO()

    call_command("import_articles", str(tmp_path), stdout=out, stderr=io.StringIO())

    lines = out.getvalue().splitlines()
    big5 = lines.index(next(line for line in lines if "big5.txt" in line))
    gbk = lines.index(next(line for line in lines if "gbk.txt" in line))
    assert lines[big5].startswith("FLAGGED") and lines[big5].endswith("临海眼镜产业发展论坛举行")
    assert lines[big5 + 1].startswith("         ! 已按 Big5 编码读取")
    assert lines[gbk].startswith("imported")  # a note is not a flag
    assert lines[gbk + 1] == "         · 已按 GB 18030（GBK）编码读取。 "
    assert lines[-1] == "2 imported (1 flagged for an editor), 0 skipped as duplicates, 0 failed."


def test_the_command_leaves_out_a_file_larger_than_an_upload_may_be(tmp_path, db):
    big = tmp_path / "big.txt"
    big.write_bytes(("临海眼镜。" * 200_000).encode("utf-8"))  # 3 MB
    (tmp_path / "gbk.txt").write_bytes(GBK_TEXT.encode("gbk"))
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="1 file"):
        call_command("import_articles", str(tmp_path), stdout=out, stderr=err)

    assert f"FAILED   {big}: 3,000,000 bytes, more than the 2,097,152" in err.getvalue()
    assert out.getvalue().splitlines()[-1] == (
        "1 imported (0 flagged for an editor), 0 skipped as duplicates, 1 failed."
    )
    assert not Article.objects.filter(body__contains="临海眼镜。临海眼镜。").exists()
