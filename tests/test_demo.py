"""The demo content: the two samples as clean published stories, loaded idempotently."""

import io
import json
import re
from html import unescape
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils.html import strip_tags

from articles.demo import load_demo
from articles.models import Article, Event, Organisation, Place, Status, Topic
from articles.text import to_simplified

pytestmark = pytest.mark.django_db

MODELS = [Place, Topic, Organisation, Event, Article]
# A parenthesised pinyin reading, the junk content farms put after characters: 會(huì).
PINYIN_NOTE = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüv]+[)）]")
SHANGRAO = "2025全国光学元器件行业科技创新与发展交流会在上饶召开"
LINHAI = "浙江临海：匠心铸就“视”界之窗 创新驱动产业腾飞"


@pytest.fixture
def demo(db):
    return load_demo()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_load_demo_twice_creates_nothing_the_second_time(demo):
    first = counts()
    assert all(first.values()), first
    assert sum(demo.values()) == sum(first.values())

    again = load_demo()

    assert set(again.values()) == {0}
    assert counts() == first


def test_load_demo_keeps_an_editors_changes(demo):
    story = Article.objects.get(title=SHANGRAO)
    story.summary = "编辑改过的摘要"
    story.body = "<p>编辑改过的正文</p>"
    story.status = Status.DRAFT
    story.save()
    place = Place.objects.get(slug="duqiao")
    place.description = "编辑写的介绍"
    place.save()
    event = Event.objects.get(slug="2025-guangxue-yuanqijian-jiaoliuhui")
    event.organiser_roles.filter(role="supporter").delete()

    load_demo()

    story.refresh_from_db()
    assert (story.summary, story.body, story.status) == (
        "编辑改过的摘要",
        "<p>编辑改过的正文</p>",
        Status.DRAFT,
    )
    assert Place.objects.get(slug="duqiao").description == "编辑写的介绍"
    assert not event.organiser_roles.filter(role="supporter").exists()
    assert Article.objects.filter(title=SHANGRAO).count() == 1


def test_load_demo_does_not_bring_back_a_retitled_story(demo):
    """An editor corrects a demo story's title: running `make run` again makes no copy."""
    story = Article.objects.get(title=SHANGRAO)
    story.title = "上饶召开全国光学元器件交流会"
    story.save()

    load_demo()

    assert Article.objects.count() == demo["articles"]
    assert not Article.objects.filter(title=SHANGRAO).exists()


def test_load_demo_command_reports_what_it_created(db, capsys):
    call_command("load_demo")
    assert "created" in capsys.readouterr().out
    before = counts()
    call_command("load_demo")
    assert counts() == before


def test_the_samples_are_published_and_clean(demo):
    samples = Article.objects.published().filter(title__in=[SHANGRAO, LINHAI])
    assert samples.count() == 2
    for story in samples:
        text = f"{story.title}{story.summary}{story.body}"
        assert to_simplified(text) == text, story.title
        assert not PINYIN_NOTE.search(text), PINYIN_NOTE.search(text).group()
        assert "首页" not in text and "图片由" not in text
        assert story.slug and story.place and story.event
        assert story.topics.exists() and story.organisations.exists()


def test_the_samples_are_linked_to_their_places_and_events(demo, client):
    shangrao = Article.objects.get(title=SHANGRAO)
    linhai = Article.objects.get(title=LINHAI)

    assert shangrao.place.slug == "shangrao"
    assert Place.objects.get(slug="shangraojingkaiqu").parent == shangrao.place
    assert linhai.place.slug == "linhai"
    assert [p.slug for p in linhai.place.ancestors()] == ["zhejiang", "taizhou"]
    assert Place.objects.get(slug="duqiao").parent == linhai.place
    assert linhai.cover_credit == "临海市委宣传部"

    roles = {
        (r.organisation.name, r.role)
        for r in shangrao.event.organiser_roles.select_related("organisation")
    }
    assert ("中国光学光电子行业协会光学元件和光学仪器分会", "host") in roles
    assert ("上饶师范学院", "cohost") in roles

    assert list(client.get("/articles/?place=jiangxi").context["articles"]) == [shangrao]
    assert list(client.get("/articles/?place=zhejiang").context["articles"]) == [linhai]


def test_the_directory_and_filters_are_worth_trying(demo):
    assert Place.objects.clusters().count() >= 8
    assert Organisation.objects.count() >= 10
    assert Organisation.objects.values("kind").distinct().count() >= 3
    assert Place.objects.filter(depth=0).count() >= 5


def test_every_demo_page_opens(demo, client):
    """The lists, every story and event, the clusters and the organisations in the stories."""
    urls = ["/", "/articles/", "/places/", "/topics/", "/organisations/", "/events/"]
    rows = [
        *Article.objects.all(),
        *Event.objects.all(),
        *Topic.objects.all(),
        *Place.objects.clusters(),
        *Organisation.objects.filter(articles__isnull=False).distinct(),
    ]
    for url in urls + [row.get_absolute_url() for row in rows]:
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_demo_people_have_their_roles_and_keep_their_password(db, settings, tmp_path, client):
    settings.BASE_DIR = tmp_path
    printed = io.StringIO()
    call_command("demo_editor", stdout=printed)
    password_file = tmp_path / "var" / "demo-editor-password"
    password = password_file.read_text().strip()

    call_command("demo_editor", stdout=printed)

    assert printed.getvalue().count(password) == 6  # three people, printed twice
    assert password_file.read_text().strip() == password
    assert password_file.stat().st_mode & 0o077 == 0
    for username, group in (("writer", "撰稿"), ("editor", "编辑"), ("siteadmin", "管理员")):
        person = get_user_model().objects.get(username=username)
        assert person.is_staff and not person.is_superuser
        assert list(person.groups.values_list("name", flat=True)) == [group]
        assert client.login(username=username, password=password)
        assert client.get("/admin/articles/article/add/").status_code == 200, username
    assert client.get("/admin/auth/user/").status_code == 200  # the administrator's


# --- The demo stories come from importing the raw samples (golden files) ------------------------

DEMO_DIR = Path(__file__).resolve().parents[1] / "articles" / "demo"
DEMO_ROWS = json.loads((DEMO_DIR / "articles.json").read_text(encoding="utf-8"))


def body_lines(body_html):
    """The story body as text: tags stripped, one paragraph per line."""
    return [
        unescape(strip_tags(p)).strip()
        for p in re.findall(r"<p(?:\s[^>]*)?>(.*?)</p>", body_html, re.S)
    ]


@pytest.mark.parametrize("row", DEMO_ROWS, ids=[row["raw"] for row in DEMO_ROWS])
def test_each_demo_story_equals_its_golden_file(demo, row):
    story = Article.objects.get(title=row["title"])
    golden = (DEMO_DIR / "golden" / row["raw"]).read_text(encoding="utf-8").splitlines()

    assert body_lines(story.body) == golden
    assert story.original_text == (DEMO_DIR / "raw" / row["raw"]).read_text(encoding="utf-8")
    assert story.status == Status.PUBLISHED
    assert story in Article.objects.published()
    assert story.cover_credit == row["cover_credit"]
    assert story.place.slug == row["place"] and story.event.slug == row["event"]
    assert set(story.organisations.values_list("slug", flat=True)) == set(row["organisations"])
    assert set(story.topics.values_list("name", flat=True)) == set(row["topics"])


def test_the_shangrao_demo_story_flags_its_mojibake(demo):
    shangrao = Article.objects.get(title=SHANGRAO)
    linhai = Article.objects.get(title=LINHAI)
    (island,) = [flag for flag in shangrao.import_flags if flag["kind"] == "mojibake"]
    assert island["text"] == "?qū)<摇⑵髽I(yè)"
    # The repaired words are in the body; the flag asks an editor to confirm them.
    assert "领域专家、企业家" in shangrao.body
    assert not [flag for flag in linhai.import_flags if flag["kind"] == "mojibake"]
    # The demo's own title and date answer the "no title" and "check the date" flags.
    kinds = {flag["kind"] for flag in shangrao.import_flags + linhai.import_flags}
    assert not kinds & {"title", "date"}


def test_a_second_load_demo_touches_no_story(demo):
    before = list(Article.objects.order_by("pk").values_list("pk", "updated_at", "body"))
    assert load_demo()["articles"] == 0
    assert list(Article.objects.order_by("pk").values_list("pk", "updated_at", "body")) == before


def test_load_demo_keeps_an_editors_links_and_title(demo):
    story = Article.objects.get(title=LINHAI)
    story.title = "临海眼镜产业推进会"
    story.place = Place.objects.get(slug="duqiao")
    story.event = None
    story.save()
    story.organisations.set(Organisation.objects.filter(slug="zhejiang-daxue"))
    story.topics.set(list(Topic.objects.filter(name="镜片")))

    load_demo()

    story.refresh_from_db()
    assert (story.title, story.place.slug, story.event) == ("临海眼镜产业推进会", "duqiao", None)
    assert list(story.organisations.values_list("slug", flat=True)) == ["zhejiang-daxue"]
    assert list(story.topics.values_list("name", flat=True)) == ["镜片"]
    assert Article.objects.count() == demo["articles"]
