"""The management commands around import and search: import_articles, rebuild_search_index."""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from articles.models import Article, Status
from articles.search import search

from .factories import EditorFactory

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[1] / "articles" / "demo"
SAMPLES = ["linhai-eyewear-forum.txt", "shangrao-optics-conference.txt"]
GBK_TEXT = (
    "台州眼镜产业迎来新机遇\n"
    "2025年3月5日 来源：台州日报\n"
    "近日，临海市杜桥镇的眼镜企业迎来新订单。浙江省光学学会专家到场指导。\n"
    "企业负责人表示，今年产能将提升三成。\n"
)
PAGE = (
    "<html><head><meta charset='utf-8'><title>上饶光学产业再添新项目</title></head><body>"
    "<p>首页 资讯 正文</p><h1>上饶光学产业再添新项目</h1><p>2025-04-01 来源：上饶日报</p>"
    "<p>近日，凤凰光学股份有限公司在上饶经开区投产新的镜头生产线。</p></body></html>"
)


@pytest.fixture
def folder(tmp_path, places):
    """The two raw samples, a GBK text file, an HTML page and a file to ignore."""
    root = tmp_path / "incoming"
    (root / "html").mkdir(parents=True)
    for name in SAMPLES:
        shutil.copy(DEMO / "raw" / name, root / name)
    (root / "taizhou-gbk.txt").write_bytes(GBK_TEXT.encode("gbk"))
    (root / "html" / "shangrao.html").write_text(PAGE, encoding="utf-8")
    (root / "notes.md").write_text("不是文章", encoding="utf-8")
    return root


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_a_folder_and_prints_a_summary(folder):
    out, err = run(folder)

    lines = out.splitlines()
    assert lines[-1] == "4 imported (2 flagged for an editor), 0 skipped as duplicates, 0 failed."
    assert err == ""
    # One line per file; the flagged ones say why.
    for name in [*SAMPLES, "taizhou-gbk.txt", "shangrao.html"]:
        assert sum(name in line for line in lines) == 1, name
    assert "notes.md" not in out
    linhai = next(line for line in lines if "linhai-eyewear-forum.txt" in line)
    shangrao = next(line for line in lines if "shangrao-optics-conference.txt" in line)
    gbk = next(line for line in lines if "taizhou-gbk.txt" in line)
    html = next(line for line in lines if "shangrao.html" in line)
    assert linhai.startswith("FLAGGED") and shangrao.startswith("FLAGGED")
    assert gbk.startswith("imported") and html.startswith("imported")
    assert gbk.endswith("台州眼镜产业迎来新机遇") and html.endswith("上饶光学产业再添新项目")
    assert any("乱码" in line for line in lines if line.startswith("         !"))

    assert Article.objects.count() == 4
    assert set(Article.objects.values_list("status", flat=True)) == {Status.DRAFT}
    gbk_story = Article.objects.get(title="台州眼镜产业迎来新机遇")
    assert "浙江省光学学会专家到场指导" in gbk_story.body
    assert gbk_story.source == "台州日报"
    assert gbk_story.original_text == GBK_TEXT
    page = Article.objects.get(title="上饶光学产业再添新项目")
    assert "<h1>" not in page.body and "首页" not in page.body
    assert page.place.slug == "shangrao"


def test_running_twice_skips_everything(folder):
    run(folder)
    before = list(Article.objects.values_list("pk", "updated_at"))

    out, _err = run(folder)

    lines = out.splitlines()
    assert lines[-1] == "0 imported (0 flagged for an editor), 4 skipped as duplicates, 0 failed."
    assert sum(line.startswith("exists") for line in lines) == 4
    assert list(Article.objects.values_list("pk", "updated_at")) == before


def test_single_files_and_a_repeated_path(folder):
    out, _err = run(folder / SAMPLES[0], folder / SAMPLES[0], folder / "taizhou-gbk.txt")
    assert out.splitlines()[-1] == (
        "2 imported (1 flagged for an editor), 1 skipped as duplicates, 0 failed."
    )
    assert Article.objects.count() == 2


def test_a_missing_path_is_an_error_and_imports_nothing(folder):
    with pytest.raises(CommandError, match="no-such-file.txt"):
        run(folder, folder / "no-such-file.txt")
    assert not Article.objects.exists()


def test_an_unknown_editor_is_an_error(folder):
    with pytest.raises(CommandError, match="nobody"):
        run(folder, "--editor", "nobody")
    assert not Article.objects.exists()


def test_the_editor_is_recorded(folder):
    editor = EditorFactory()
    run(folder / SAMPLES[1], "--editor", editor.username)
    assert Article.objects.get().editor == editor


def test_a_failing_file_is_reported_and_the_others_imported(folder, monkeypatch):
    from articles.management.commands import import_articles

    real = import_articles.article_import

    def fails_on_gbk(**kwargs):
        if "台州眼镜产业迎来新机遇" in kwargs["text"]:
            raise ValueError("boom")
        return real(**kwargs)

    monkeypatch.setattr(import_articles, "article_import", fails_on_gbk)
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="1 file"):
        call_command("import_articles", str(folder), stdout=out, stderr=err)

    assert "taizhou-gbk.txt" in err.getvalue() and "boom" in err.getvalue()
    assert out.getvalue().splitlines()[-1].endswith("0 skipped as duplicates, 1 failed.")
    assert Article.objects.count() == 3


def test_a_file_neither_utf8_nor_gbk_fails_and_the_others_are_imported(folder):
    undecodable = b"\x81\x20\xff"
    with pytest.raises(UnicodeDecodeError):
        undecodable.decode("gb18030")
    (folder / "broken.txt").write_bytes(undecodable)
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="1 file"):
        call_command("import_articles", str(folder), stdout=out, stderr=err)

    (failure,) = err.getvalue().splitlines()
    assert failure.startswith("FAILED") and "broken.txt" in failure
    assert "neither UTF-8 nor GBK" in failure
    assert out.getvalue().splitlines()[-1] == (
        "4 imported (2 flagged for an editor), 0 skipped as duplicates, 1 failed."
    )
    assert Article.objects.count() == 4
    # Nothing of the broken file was imported, not even with its bytes replaced.
    assert not Article.objects.filter(original_text__contains="\ufffd").exists()


def test_author_source_editor_and_original_title_are_stored(tmp_path, places):
    text = (
        "光学产业交流会在上饶召开\n"
        "原标题：全国光学元器件交流会召开\n"
        "2025年3月5日 来源：上饶日报\n"
        "作者：张三\n"
        "近日，全国光学元器件交流会在上饶召开。\n"
        "责任编辑：李四\n"
    )
    (tmp_path / "credited.txt").write_bytes(text.encode("gbk"))

    out, err = run(tmp_path / "credited.txt")

    assert err == "" and out.splitlines()[-1].startswith("1 imported")
    article = Article.objects.get()
    assert (article.author, article.source_editor, article.original_title) == (
        "张三",
        "李四",
        "全国光学元器件交流会召开",
    )


# --- rebuild_search_index --------------------------------------------------------------------


def test_rebuild_search_index_after_a_bulk_load(db):
    now = timezone.now()
    Article.objects.bulk_create(
        [
            Article(
                title=f"眼镜产业人才互聘共享第{n}期",
                slug=f"hupin-gongxiang-{n}",
                body="<p>临海市杜桥镇的眼鏡企业。</p>",
                status=Status.PUBLISHED,
                published_at=now,
            )
            for n in range(3)
        ]
    )
    published = Article.objects.published()
    # bulk_create skips save(): nothing is in the index yet.
    assert not search(published, "互聘共享").exists()

    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)

    assert "Indexed 3 stories" in out.getvalue()
    assert search(published, "互聘共享").count() == 3
    assert search(published, "眼镜企业").count() == 3  # indexed after t2s
    assert search(published, "互聘 杜桥").count() == 3


def test_rebuild_search_index_follows_bulk_updates_and_deletes(db):
    from .factories import ArticleFactory

    kept = ArticleFactory(title="上饶光学元件产业发展")
    gone = ArticleFactory(title="上饶光学玻璃新闻")
    assert set(search(Article.objects.all(), "上饶光学")) == {kept, gone}

    Article.objects.filter(pk=kept.pk).update(title="鹰潭光学元件产业发展")  # skips save()
    Article.objects.filter(pk=gone.pk).delete()
    call_command("rebuild_search_index", stdout=io.StringIO())

    assert list(search(Article.objects.all(), "上饶光学")) == []
    assert list(search(Article.objects.all(), "鹰潭光学")) == [kept]
    # Running it again changes nothing.
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert list(search(Article.objects.all(), "鹰潭光学")) == [kept]
