"""History in the editors' room: versions with who and when, readable differences,
revert in two requests, restoring deleted stories, and who may do which (docs/history.md).

The text comparison itself (articles/history_diff.py) is tested first, without a database.
"""

import datetime as dt
import re

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import history_diff, search
from articles.models import Article, ContentVersion, Event, Organisation, Place, Status, Topic
from articles.roles import ADMINISTRATORS, CONTRIBUTORS

from .factories import (
    ArticleFactory,
    EventFactory,
    OrganisationFactory,
    PlaceFactory,
    TopicFactory,
    UserFactory,
)

# --- The comparison of texts (no database) ---------------------------------------------------


def test_chinese_is_compared_character_by_character_and_latin_by_word():
    assert history_diff.tokens("杜桥眼镜 optics 2025年") == [
        "杜",
        "桥",
        "眼",
        "镜",
        " ",
        "optics",
        " ",
        "2025",
        "年",
    ]


def test_inline_diff_marks_what_was_removed_and_added():
    diff = history_diff.inline_diff("杜桥眼镜产业创新联盟成立", "杜桥眼镜产业发展联盟成立")
    assert diff.old_html == "杜桥眼镜产业<del>创新</del>联盟成立"
    assert diff.new_html == "杜桥眼镜产业<ins>发展</ins>联盟成立"
    assert diff.changed


def test_inline_diff_of_equal_texts_marks_nothing():
    diff = history_diff.inline_diff("同一个标题", "同一个标题")
    assert diff.old_html == diff.new_html == "同一个标题"
    assert not diff.changed


def test_inline_diff_escapes_everything():
    diff = history_diff.inline_diff("<b>旧</b> & 老", "<script>alert(1)</script> & 新")
    for side in (diff.old_html, diff.new_html):
        text = re.sub(r"</?(ins|del)>", "", side)
        assert "<" not in text and ">" not in text
    assert re.sub(r"</?ins>", "", diff.new_html) == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 新"
    assert "&amp;" in diff.old_html


def test_a_shared_character_inside_a_rewritten_phrase_is_not_cut_out():
    # 的 is common to both phrases; marking it as unchanged would chop the phrase apart.
    diff = history_diff.inline_diff("标题：创新的联盟", "标题：发展的产业")
    assert diff.old_html == "标题：<del>创新的联盟</del>"
    assert diff.new_html == "标题：<ins>发展的产业</ins>"


def test_latin_words_are_replaced_whole():
    diff = history_diff.inline_diff("AR glasses", "VR glasses")
    assert diff.old_html == "<del>AR</del> glasses"
    assert diff.new_html == "<ins>VR</ins> glasses"


def test_html_paragraphs_are_the_text_of_each_block():
    html = (
        "<h2>标题&amp;副题</h2><p>第一段<strong>加粗</strong>。</p>"
        "<ul><li>一</li><li>二</li></ul><p>上一行<br>下一行</p><p> </p>"
        "<table><tr><td>甲</td><td>乙</td></tr></table>"
    )
    assert history_diff.html_paragraphs(html) == [
        "标题&副题",
        "第一段加粗。",
        "一",
        "二",
        "上一行",
        "下一行",
        "甲",
        "乙",
    ]
    assert history_diff.html_paragraphs("") == []
    assert history_diff.html_paragraphs("<p>没有结束") == ["没有结束"]


def test_paragraphs_are_matched_before_their_text_is_compared():
    old = ["第一段。", "第二段。", "第三段。", "第四段。", "第五段。"]
    new = ["第一段。", "第二段改了。", "第三段。", "第四段。", "第五段。", "新的一段。"]
    rows = history_diff.paragraphs_diff(old, new, context=0)
    assert [row.kind for row in rows] == ["skipped", "changed", "skipped", "inserted"]
    assert rows[0].skipped == 1 and rows[2].skipped == 3
    assert rows[1].new_html == "第二段<ins>改了</ins>。"
    assert rows[3].new_html == "<ins>新的一段。</ins>"


def test_a_deleted_paragraph_is_shown_on_the_old_side():
    rows = history_diff.paragraphs_diff(["甲。", "乙。", "丙。"], ["甲。", "丙。"], context=1)
    assert [row.kind for row in rows] == ["equal", "deleted", "equal"]
    assert rows[1].old_html == "<del>乙。</del>"


def test_very_long_different_texts_are_shown_replaced_whole(monkeypatch):
    monkeypatch.setattr(history_diff, "MAX_COMPARISONS", 100)
    old, new = "甲" + "乙丙" * 50 + "丁", "甲" + "戊己" * 50 + "丁"
    diff = history_diff.inline_diff(old, new)
    # The common beginning and end are still found; the middle is replaced whole.
    assert diff.old_html == "甲<del>" + "乙丙" * 50 + "</del>丁"
    assert diff.new_html == "甲<ins>" + "戊己" * 50 + "</ins>丁"


def test_list_diff_names_what_was_removed_kept_and_added():
    diff = history_diff.list_diff(["乙公司", "甲协会"], ["甲协会", "丙大学"])
    assert diff.removed == ("乙公司",)
    assert diff.kept == ("甲协会",)
    assert diff.added == ("丙大学",)
    assert diff.changed
    assert not history_diff.list_diff(["甲"], ["甲"]).changed


# --- Helpers ---------------------------------------------------------------------------------


def admin_url(model, view, *args, query=""):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
    return f"{url}?{query}" if query else url


def versions(obj):
    return list(type(obj).history.filter(id=obj.pk).order_by("-history_date", "-history_id"))


def change(obj, user=None, **values):
    """Change and save ``obj`` as ``user`` would through a form (one version)."""
    for name, value in values.items():
        setattr(obj, name, value)
    if user is not None:
        obj._history_user = user
    obj.save()
    return obj


def staff_in(group_name, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def contributor(db):
    return staff_in(CONTRIBUTORS, username="writer", first_name="小明", last_name="王")


@pytest.fixture
def contributor_client(client, contributor):
    client.force_login(contributor)
    return client


@pytest.fixture
def administrator(db):
    return staff_in(ADMINISTRATORS, username="chief")


def form_data(response):
    """The values of an admin change form as its page shows them, ready to post back."""
    form = response.context["adminform"].form
    data = {}
    for name, form_field in form.fields.items():
        value = form[name].value()
        if isinstance(form_field, forms.FileField) or value is None:
            continue
        if isinstance(form_field, forms.SplitDateTimeField):
            if not isinstance(value, dt.datetime):
                value = form_field.clean(value)
            local = timezone.localtime(value)
            data[f"{name}_0"] = local.date().isoformat()
            data[f"{name}_1"] = local.time().isoformat(timespec="seconds")
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = value
    return data


# --- The history page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_edit_in_the_admin_is_one_version_with_who_and_when(editor_client, editor, places):
    first, second = OrganisationFactory(name="甲光学公司"), OrganisationFactory(name="乙光学公司")
    story = ArticleFactory(
        title="杜桥眼镜产业创新联盟成立",
        organisations=[first],
        # As the form shows it, to the second: saving it back is no change of time.
        published_at=timezone.now().replace(microsecond=0) - dt.timedelta(hours=1),
    )
    before = len(versions(story))
    page = editor_client.get(admin_url(Article, "change", story.pk))
    data = form_data(page)
    data.update(title="杜桥眼镜产业发展联盟成立", organisations=[str(second.pk)])
    response = editor_client.post(admin_url(Article, "change", story.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    kept = versions(story)
    # The links set after the save go into the same version, not into versions of their own.
    assert len(kept) == before + 1
    newest = kept[0]
    assert newest.history_user == editor
    assert newest.title == "杜桥眼镜产业发展联盟成立"
    assert set(newest.organisations.values_list("organisation_id", flat=True)) == {second.pk}

    response = editor_client.get(admin_url(Article, "history", story.pk))
    assert response.status_code == 200
    row = response.context["rows"][0]
    assert row["record"] == newest
    assert editor.username in row["user"]
    assert len(row["changed"]) == 2  # the title and the organisations
    when = timezone.localtime(newest.history_date).strftime("%Y-%m-%dT%H:%M:%S%z")
    assert f'datetime="{when}"' in response.content.decode()


@pytest.mark.django_db
def test_history_is_paginated_newest_first_with_a_constant_number_of_queries(editor_client, editor):
    story = ArticleFactory(title="第0版")
    organisation = OrganisationFactory()
    story.organisations.add(organisation)

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(admin_url(Article, "history", story.pk))
        assert response.status_code == 200
        return len(queries)

    for n in range(1, 4):
        change(story, editor, title=f"第{n}版")
    few = count_queries()
    for n in range(4, 60):
        change(story, editor, title=f"第{n}版")
    assert count_queries() == few

    first_page = editor_client.get(admin_url(Article, "history", story.pk))
    rows = first_page.context["rows"]
    assert len(rows) == 50
    assert rows[0]["record"].title == "第59版" and rows[0]["newest"]
    assert not rows[0]["revert_url"] and rows[1]["revert_url"]
    second_page = editor_client.get(admin_url(Article, "history", story.pk, query="p=2"))
    assert [row["record"].history_type for row in second_page.context["rows"]][-1] == "+"
    # The last version of page 1 still says what it changed (the next page holds the one before).
    assert rows[-1]["changed"]
    for bad in ("p=abc", "p=999", "p=-1", "p=1e9"):
        assert (
            editor_client.get(admin_url(Article, "history", story.pk, query=bad)).status_code == 200
        )


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Event, Organisation, Place, Topic])
def test_the_history_of_every_other_kept_model_opens(superuser_client, superuser, model):
    obj = {
        Event: EventFactory,
        Organisation: OrganisationFactory,
        Place: PlaceFactory,
        Topic: TopicFactory,
    }[model]()
    change(obj, superuser, description="新的介绍")
    response = superuser_client.get(admin_url(model, "history", obj.pk))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 2


# --- What changed ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_compare_shows_title_and_body_text_changes_in_chinese(editor_client, editor, places):
    company = OrganisationFactory(name="浙江测试眼镜有限公司")
    story = ArticleFactory(
        title="杜桥眼镜产业创新联盟成立",
        body="<p>第一段不变。</p><p>联盟由<strong>二十家</strong>企业发起。</p><p>最后一段。</p>",
        place=places.duqiao,
    )
    old = versions(story)[0]
    change(
        story,
        editor,
        title="杜桥眼镜产业发展联盟成立",
        body="<p>第一段不变。</p><p>联盟由三十家企业发起。</p><p>最后一段。</p><p>新增一段&lt;附记&gt;。</p>",
        place=places.linhai,
        editor=editor,
    )
    story.organisations.add(company)
    change(story, editor)
    new = versions(story)[0]

    response = editor_client.get(
        admin_url(Article, "history_compare", story.pk, query=f"old={old.pk}&new={new.pk}")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "杜桥眼镜产业<del>创新</del>联盟成立" in html
    assert "杜桥眼镜产业<ins>发展</ins>联盟成立" in html
    assert "联盟由<del>二</del>十家企业发起。" in html
    assert "联盟由<ins>三</ins>十家企业发起。" in html
    assert "<ins>新增一段&lt;附记&gt;。</ins>" in html  # the text, escaped
    # Related rows by their names.
    assert "<del>杜桥镇</del>" in html and "<ins>临海市</ins>" in html
    assert "<ins>浙江测试眼镜有限公司</ins>" in html
    assert f"<ins>{editor.first_name} ({editor.username})</ins>" in html


@pytest.mark.django_db
def test_compare_defaults_to_the_version_before_and_orders_the_two(editor_client, editor):
    story = ArticleFactory(title="第一版")
    change(story, editor, title="第二版")
    change(story, editor, title="第三版")
    third, second, first = versions(story)

    response = editor_client.get(
        admin_url(Article, "history_compare", story.pk, query=f"new={third.pk}")
    )
    assert (response.context["old"], response.context["new"]) == (second, third)
    response = editor_client.get(
        admin_url(Article, "history_compare", story.pk, query=f"old={third.pk}&new={first.pk}")
    )
    assert (response.context["old"], response.context["new"]) == (first, third)
    # The first version is compared with nothing.
    response = editor_client.get(
        admin_url(Article, "history_compare", story.pk, query=f"new={first.pk}")
    )
    assert response.context["old"] is None
    assert "<ins>第一版</ins>" in response.content.decode()


@pytest.mark.django_db
def test_a_change_of_formatting_only_says_so(editor_client, editor):
    story = ArticleFactory(body="<p>正文一段。</p>")
    change(story, editor, body="<p><strong>正文一段。</strong></p>")
    response = editor_client.get(
        admin_url(Article, "history_compare", story.pk, query=f"new={versions(story)[0].pk}")
    )
    (body,) = [c for c in response.context["changes"] if c.name == "body"]
    assert body.note


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "",
        "new=",
        "new=abc",
        "new=-1",
        "new=99999999",
        "new=99999999999999999999999",
        "new=²",
        "new=１２",
        "new={mine}&old=abc",
        "new={mine}&old=99999999",
        "new={other}",
        "new={mine}&old={other}",
    ],
)
def test_bad_versions_to_compare_are_404(editor_client, editor, query):
    story, other = ArticleFactory(), ArticleFactory()
    mine, theirs = versions(story)[0].pk, versions(other)[0].pk
    url = admin_url(
        Article, "history_compare", story.pk, query=query.format(mine=mine, other=theirs)
    )
    assert editor_client.get(url).status_code == 404


@pytest.mark.django_db
def test_bad_ids_in_history_urls_never_give_500(editor_client, editor):
    story, other = ArticleFactory(), ArticleFactory()
    theirs = versions(other)[0].pk
    for url in (
        admin_url(Article, "history_revert", story.pk, 99999999),
        admin_url(Article, "history_revert", story.pk, 10**30),
        admin_url(Article, "history_revert", story.pk, theirs),
        admin_url(Article, "restore", 99999999),
        admin_url(Article, "restore", 10**30),
        admin_url(Article, "restore", versions(story)[0].pk),  # not a deletion
    ):
        assert editor_client.get(url).status_code == 404, url
        assert editor_client.post(url).status_code == 404, url
    for url in (
        admin_url(Article, "history_compare", 99999999, query="new=1"),
        admin_url(Article, "history_compare", "abc", query="new=1"),
        admin_url(Article, "history_revert", "abc", 1),
    ):
        assert editor_client.get(url).status_code == 404, url
    # The history of a story that does not exist goes back to the index, like the change page.
    assert editor_client.get(admin_url(Article, "history", 99999999)).status_code == 302


# --- Revert ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_revert_in_two_requests_brings_back_values_and_organisations(editor_client, editor, places):
    first, second = OrganisationFactory(name="甲光学公司"), OrganisationFactory(name="乙光学公司")
    story = ArticleFactory(
        title="原来的标题",
        body="<p>原来的正文。</p>",
        place=places.duqiao,
        organisations=[first],
    )
    target = versions(story)[0]
    change(story, editor, title="改过的标题", body="<p>改过的正文。</p>", place=places.zone)
    story.organisations.set([second])
    Article.objects.filter(pk=story.pk).update(view_count=1234)
    story.refresh_from_db()
    count = len(versions(story))
    content_version = ContentVersion.current().version

    url = admin_url(Article, "history_revert", story.pk, target.pk)
    confirm = editor_client.get(url)
    assert confirm.status_code == 200
    names = {c.name for c in confirm.context["plan"].changes}
    assert names == {"title", "body", "place", "organisations"}
    html = confirm.content.decode()
    assert "<ins>原来</ins>的标题" in html
    assert "<del>乙光学公司</del>" in html and "<ins>甲光学公司</ins>" in html
    story.refresh_from_db()
    assert story.title == "改过的标题"  # the confirmation page changes nothing

    response = editor_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == admin_url(Article, "history", story.pk)
    story.refresh_from_db()
    assert story.title == "原来的标题"
    assert story.body == "<p>原来的正文。</p>"
    assert story.place == places.duqiao
    assert list(story.organisations.all()) == [first]
    assert story.view_count == 1234
    assert ContentVersion.current().version != content_version

    kept = versions(story)
    assert len(kept) == count + 1  # one new version: nothing lost
    assert kept[0].history_user == editor
    assert kept[0].history_change_reason == f"revert:{target.pk}"
    assert set(kept[0].organisations.values_list("organisation_id", flat=True)) == {first.pk}
    assert kept[1].title == "改过的标题"
    history = editor_client.get(admin_url(Article, "history", story.pk))
    assert history.context["rows"][0]["kind"] != history.context["rows"][1]["kind"]


@pytest.mark.django_db
def test_a_reverted_story_is_found_by_its_old_words(editor_client, editor):
    story = ArticleFactory(title="偏光镜片出口增长")
    target = versions(story)[0]
    change(story, editor, title="镜架出口增长")
    editor_client.post(admin_url(Article, "history_revert", story.pk, target.pk))
    assert list(search.search(Article.objects.all(), "偏光")) == [story]


@pytest.mark.django_db
def test_an_editor_reverts_publication_fields(editor_client, editor):
    story = ArticleFactory(featured=False)
    target = versions(story)[0]
    change(story, editor, featured=True, status=Status.DRAFT)
    editor_client.post(admin_url(Article, "history_revert", story.pk, target.pk))
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED and not story.featured


@pytest.mark.django_db
def test_reverting_to_the_current_version_changes_nothing(editor_client, editor):
    story = ArticleFactory()
    change(story, editor, title="新标题")
    target = versions(story)[0]
    count = len(versions(story))
    url = admin_url(Article, "history_revert", story.pk, target.pk)
    assert editor_client.get(url).context["plan"].changes == []
    assert editor_client.post(url).status_code == 200
    assert len(versions(story)) == count


@pytest.mark.django_db
def test_a_revert_leaves_links_to_deleted_rows_as_they_are(editor_client, editor, places):
    gone_place = PlaceFactory(name="撤销的镇", kind="town", parent=places.linhai)
    gone_organisation = OrganisationFactory(name="注销的公司")
    story = ArticleFactory(title="旧标题", place=gone_place, organisations=[gone_organisation])
    target = versions(story)[0]
    change(story, editor, title="新标题", place=places.duqiao)
    story.organisations.clear()
    gone_place.delete()
    gone_organisation.delete()

    url = admin_url(Article, "history_revert", story.pk, target.pk)
    plan = editor_client.get(url).context["plan"]
    assert {c.name for c in plan.changes} == {"title"}
    assert len(plan.kept) == 2
    assert editor_client.post(url).status_code == 302
    story.refresh_from_db()
    assert (story.title, story.place) == ("旧标题", places.duqiao)


@pytest.mark.django_db
def test_an_invalid_revert_is_explained_and_refused(superuser_client, superuser):
    taken = OrganisationFactory(name="甲公司", slug="jia")
    organisation = OrganisationFactory(name="乙公司", slug="yi")
    target = versions(organisation)[0]
    change(organisation, superuser, name="丙公司")
    change(taken, superuser, name="乙公司改名前")
    change(taken, superuser, name="乙公司")  # the old name is someone else's now

    url = admin_url(Organisation, "history_revert", organisation.pk, target.pk)
    confirm = superuser_client.get(url)
    assert confirm.status_code == 200
    assert confirm.context["plan"].errors
    assert superuser_client.post(url).status_code == 400
    organisation.refresh_from_db()
    assert organisation.name == "丙公司"


@pytest.mark.django_db
def test_a_place_is_not_reverted_into_a_place_below_itself(superuser_client, superuser, places):
    target = versions(places.taizhou)[0]  # 台州市 in 浙江省
    change(places.taizhou, superuser, parent=places.jiangxi)
    town = Place.objects.get(pk=places.duqiao.pk)
    # 台州's old parent moves below 杜桥 (itself below 台州): going back would make a loop.
    change(places.zhejiang, superuser, parent=town)
    url = admin_url(Place, "history_revert", places.taizhou.pk, target.pk)
    assert superuser_client.get(url).context["plan"].errors
    assert superuser_client.post(url).status_code == 400
    places.taizhou.refresh_from_db()
    assert places.taizhou.parent == places.jiangxi


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "field", "old", "new"),
    [
        (EventFactory, "title", "眼镜产业推进会", "眼镜产业大会"),
        (OrganisationFactory, "short_name", "测试眼镜", "测试光学"),
        (PlaceFactory, "description", "眼镜之乡。", "光学小镇。"),
        (TopicFactory, "description", "眼镜产业。", "镜片产业。"),
    ],
)
def test_events_organisations_places_and_topics_are_reverted(
    superuser_client, superuser, factory, field, old, new
):
    obj = factory(**{field: old})
    target = versions(obj)[0]
    change(obj, superuser, **{field: new})
    model = type(obj)
    url = admin_url(model, "history_revert", obj.pk, target.pk)
    confirm = superuser_client.get(url)
    assert confirm.status_code == 200
    assert [c.name for c in confirm.context["plan"].changes] == [field]
    assert superuser_client.post(url).status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == old
    assert len(versions(obj)) == 3


@pytest.mark.django_db
def test_reverting_a_place_keeps_its_path_right(superuser_client, superuser, places):
    target = versions(places.duqiao)[0]
    change(places.duqiao, superuser, parent=places.shangrao)
    superuser_client.post(admin_url(Place, "history_revert", places.duqiao.pk, target.pk))
    places.duqiao.refresh_from_db()
    assert places.duqiao.parent == places.linhai
    assert places.duqiao.path.startswith(places.linhai.path)
    assert places.duqiao.depth == places.linhai.depth + 1


# --- Who may revert --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_contributor_reverts_their_draft_but_not_its_publication_or_review_fields(
    contributor_client, contributor, editor
):
    story = ArticleFactory(title="初稿标题", draft=True, created_by=contributor, featured=False)
    target = versions(story)[0]
    change(story, contributor, title="第二稿标题")
    # An editor marks it a lead story and sends it back with a comment.
    change(
        story,
        editor,
        featured=True,
        editor=editor,
        review_note="请补充采访对象。",
        reviewed_by=editor,
        reviewed_at=timezone.now(),
    )

    url = admin_url(Article, "history_revert", story.pk, target.pk)
    confirm = contributor_client.get(url)
    assert confirm.status_code == 200
    plan = confirm.context["plan"]
    assert [c.name for c in plan.changes] == ["title"]
    # The lead-story flag, the responsible editor and the three review fields.
    assert len(plan.kept) == 5

    assert contributor_client.post(url).status_code == 302
    story.refresh_from_db()
    assert story.title == "初稿标题"
    assert story.featured and story.editor == editor
    assert story.review_note == "请补充采访对象。" and story.reviewed_by == editor
    assert story.created_by == contributor


@pytest.mark.django_db
def test_a_contributor_cannot_revert_a_story_they_may_not_change(contributor_client, contributor):
    # Their own story, waiting for review: they may see it, not change it.
    waiting = ArticleFactory(title="待审稿", draft=True, created_by=contributor)
    target = versions(waiting)[0]
    change(waiting, contributor, title="提交的稿", submitted_at=timezone.now())
    url = admin_url(Article, "history_revert", waiting.pk, target.pk)
    assert contributor_client.get(admin_url(Article, "history", waiting.pk)).status_code == 200
    assert contributor_client.get(url).status_code == 403
    assert contributor_client.post(url).status_code == 403
    waiting.refresh_from_db()
    assert waiting.title == "提交的稿"

    # Someone else's story is not even there for them.
    other = ArticleFactory(title="别人的稿")
    target = versions(other)[0]
    change(other, None, title="别人的稿改")
    url = admin_url(Article, "history_revert", other.pk, target.pk)
    assert contributor_client.post(url).status_code in (403, 404)
    other.refresh_from_db()
    assert other.title == "别人的稿改"


@pytest.mark.django_db
def test_an_editor_without_the_place_tree_cannot_revert_a_city(editor_client, superuser, places):
    target = versions(places.taizhou)[0]
    change(places.taizhou, superuser, description="地级市。")
    url = admin_url(Place, "history_revert", places.taizhou.pk, target.pk)
    assert editor_client.post(url).status_code == 403
    history = editor_client.get(admin_url(Place, "history", places.taizhou.pk))
    assert not any(row["revert_url"] for row in history.context["rows"])


@pytest.mark.django_db
def test_an_editor_cannot_revert_a_town_to_below_a_province(editor_client, superuser, places):
    change(places.zone, superuser, parent=places.jiangxi)
    target = versions(places.zone)[0]
    change(places.zone, superuser, parent=places.shangrao)
    url = admin_url(Place, "history_revert", places.zone.pk, target.pk)
    assert editor_client.get(url).context["plan"].errors
    assert editor_client.post(url).status_code == 400
    places.zone.refresh_from_db()
    assert places.zone.parent == places.shangrao


# --- Deleted stories -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_deleted_story_is_restored_as_a_draft_with_its_id_and_links(
    client, administrator, places
):
    client.force_login(administrator)
    company = OrganisationFactory(name="浙江测试眼镜有限公司")
    topic = TopicFactory(name="眼镜")
    story = ArticleFactory(
        title="偏光镜片出口增长",
        body="<p>杜桥的偏光镜片出口增长三成。</p>",
        place=places.duqiao,
        organisations=[company],
        topics=[topic],
        featured=True,
    )
    pk, created_at = story.pk, story.created_at
    response = client.post(admin_url(Article, "delete", pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=pk).exists()
    assert list(search.search(Article.objects.all(), "偏光")) == []

    listing = client.get(admin_url(Article, "deleted"))
    assert listing.status_code == 200
    (row,) = listing.context["rows"]
    assert row["record"].id == pk
    assert administrator.username in row["user"]
    changelist = client.get(admin_url(Article, "changelist"))
    assert admin_url(Article, "deleted") in changelist.content.decode()

    confirm = client.get(row["restore_url"])
    assert confirm.status_code == 200
    assert confirm.context["organisations"] == ["浙江测试眼镜有限公司"]
    assert confirm.context["place"] == "杜桥镇"
    assert not Article.objects.filter(pk=pk).exists()  # the confirmation page changes nothing

    response = client.post(row["restore_url"])
    assert response.status_code == 302
    assert response["Location"] == admin_url(Article, "change", pk)
    story = Article.objects.get(pk=pk)
    assert story.status == Status.DRAFT  # nothing goes public by accident
    assert story.title == "偏光镜片出口增长"
    assert story.place == places.duqiao
    assert list(story.organisations.all()) == [company]
    assert story.created_at == created_at
    assert list(story.topics.all()) == []  # topics are not kept (docs/history.md)
    assert list(search.search(Article.objects.all(), "偏光")) == [story]
    newest = versions(story)[0]
    assert newest.history_type == "+" and newest.history_user == administrator
    assert set(newest.organisations.values_list("organisation_id", flat=True)) == {company.pk}

    assert client.get(admin_url(Article, "deleted")).context["rows"] == []
    assert client.post(row["restore_url"]).status_code == 404  # not twice


@pytest.mark.django_db
def test_a_story_deleted_twice_is_listed_once(editor_client, editor):
    story = ArticleFactory(title="两次删除", draft=True)
    pk = story.pk
    story.delete()
    record = Article.history.filter(id=pk, history_type="-").get()
    editor_client.post(admin_url(Article, "restore", record.pk))
    Article.objects.get(pk=pk).delete()
    rows = editor_client.get(admin_url(Article, "deleted")).context["rows"]
    assert [r["record"].id for r in rows] == [pk]


@pytest.mark.django_db
def test_restoring_leaves_out_what_was_deleted_since(editor_client, places):
    town = PlaceFactory(name="撤销的镇", kind="town", parent=places.linhai)
    company = OrganisationFactory(name="注销的公司")
    story = ArticleFactory(title="留下的新闻", place=town, organisations=[company])
    pk = story.pk
    story.delete()
    town.delete()
    company.delete()
    record = Article.history.filter(id=pk, history_type="-").get()
    confirm = editor_client.get(admin_url(Article, "restore", record.pk))
    assert len(confirm.context["plan"].lost) == 2
    assert editor_client.post(admin_url(Article, "restore", record.pk)).status_code == 302
    story = Article.objects.get(pk=pk)
    assert story.place is None and list(story.organisations.all()) == []


@pytest.mark.django_db
def test_contributors_cannot_see_or_restore_deleted_stories(contributor_client, contributor):
    story = ArticleFactory(title="撰稿人删掉的稿", draft=True, created_by=contributor)
    pk = story.pk
    story.delete()
    record = Article.history.filter(id=pk, history_type="-").get()
    assert contributor_client.get(admin_url(Article, "deleted")).status_code == 403
    assert contributor_client.get(admin_url(Article, "restore", record.pk)).status_code == 403
    assert contributor_client.post(admin_url(Article, "restore", record.pk)).status_code == 403
    assert not Article.objects.filter(pk=pk).exists()
    changelist = contributor_client.get(admin_url(Article, "changelist"))
    assert admin_url(Article, "deleted") not in changelist.content.decode()


@pytest.mark.django_db
def test_the_deleted_stories_page_is_paginated(editor_client):
    for n in range(55):
        ArticleFactory(title=f"删除的第{n}篇").delete()
    assert len(editor_client.get(admin_url(Article, "deleted")).context["rows"]) == 50
    second = editor_client.get(admin_url(Article, "deleted", query="p=2"))
    assert len(second.context["rows"]) == 5
    assert editor_client.get(admin_url(Article, "deleted", query="p=x")).status_code == 200


@pytest.mark.django_db
def test_history_pages_link_their_stylesheet_and_have_no_inline_styles(editor_client, editor):
    story = ArticleFactory()
    change(story, editor, title="新标题")
    pages = [
        admin_url(Article, "history", story.pk),
        admin_url(Article, "history_compare", story.pk, query=f"new={versions(story)[0].pk}"),
        admin_url(Article, "history_revert", story.pk, versions(story)[1].pk),
        admin_url(Article, "deleted"),
    ]
    for url in pages:
        html = editor_client.get(url).content.decode()
        assert "css/history.css" in html, url
        content = html.split('id="content-main"', 1)[1]
        assert " style=" not in content and "<style" not in html, url


@pytest.mark.django_db
def test_a_change_that_made_no_version_can_still_be_undone(editor_client, editor):
    story = ArticleFactory(draft=True)
    change(story, editor, title="新标题")
    # The list's publish action writes with update(): no version is made.
    Article.objects.filter(pk=story.pk).update(status=Status.PUBLISHED)
    response = editor_client.get(admin_url(Article, "history", story.pk))
    assert response.context["unrecorded"]
    newest = response.context["rows"][0]
    assert not newest["newest"] and newest["revert_url"]
    assert editor_client.post(newest["revert_url"]).status_code == 302
    story.refresh_from_db()
    assert story.status == Status.DRAFT and story.title == "新标题"


@pytest.mark.django_db
def test_compare_reads_the_names_of_links_in_one_query_per_kind(editor_client, editor, places):
    """The names of places, people and organisations come in one query each, however many
    organisations a story has (no query per name)."""

    def count(n):
        story = ArticleFactory(place=places.duqiao)
        change(story, editor, place=places.linhai, editor=editor)
        story.organisations.set([OrganisationFactory() for _ in range(n)])
        change(story, editor, title="改")
        url = admin_url(Article, "history_compare", story.pk, query=f"new={versions(story)[0].pk}")
        url += f"&old={versions(story)[-1].pk}"
        with CaptureQueriesContext(connection) as queries:
            assert editor_client.get(url).status_code == 200
        return len(queries)

    assert count(1) == count(12)


@pytest.mark.django_db
def test_the_words_a_change_was_saved_with_are_shown(editor_client, editor):
    story = ArticleFactory(draft=True)
    story._change_reason = "提交审核"
    change(story, editor, submitted_at=timezone.now())
    rows = editor_client.get(admin_url(Article, "history", story.pk)).context["rows"]
    assert rows[0]["reason"] == "提交审核"
