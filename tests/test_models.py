"""Single-row behaviour: slugs, paths, validation, sanitising and URLs."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.models import Article, Event, Organisation, Place, Topic

from .factories import (
    ArticleFactory,
    EditorFactory,
    EventFactory,
    EventOrganiserFactory,
    OrganisationFactory,
    PlaceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


# --- Place paths ------------------------------------------------------------------------


def test_place_path_and_depth_follow_the_hierarchy(places):
    assert places.zhejiang.depth == 0
    assert places.duqiao.depth == 3
    assert places.duqiao.path == (
        f"/{places.zhejiang.pk:07d}/{places.taizhou.pk:07d}/"
        f"{places.linhai.pk:07d}/{places.duqiao.pk:07d}/"
    )
    assert places.duqiao.ancestor_ids() == [places.zhejiang.pk, places.taizhou.pk, places.linhai.pk]
    assert places.duqiao.ancestors() == [places.zhejiang, places.taizhou, places.linhai]
    assert places.zhejiang.ancestors() == []


def test_moving_a_place_moves_everything_below_it(places):
    """Moving 台州市 (with 临海市 and 杜桥镇 below it) from 浙江省 to under 上饶市."""
    places.taizhou.parent = places.shangrao
    places.taizhou.save()

    for place in (places.linhai, places.duqiao):
        place.refresh_from_db()
    assert places.taizhou.path.startswith(places.shangrao.path)
    assert places.linhai.path == f"{places.taizhou.path}{places.linhai.pk:07d}/"
    assert places.duqiao.path == f"{places.linhai.path}{places.duqiao.pk:07d}/"
    assert (places.taizhou.depth, places.linhai.depth, places.duqiao.depth) == (2, 3, 4)
    assert set(Place.objects.within(places.jiangxi)) >= {places.linhai, places.duqiao}
    assert set(Place.objects.within(places.zhejiang)) == {places.zhejiang}

    story = ArticleFactory(place=places.duqiao)
    assert list(Article.objects.in_place(places.jiangxi)) == [story]
    assert list(Article.objects.in_place(places.zhejiang)) == []


def test_moving_a_place_to_the_top(places):
    places.linhai.parent = None
    places.linhai.save()

    places.duqiao.refresh_from_db()
    assert places.linhai.path == f"/{places.linhai.pk:07d}/"
    assert places.duqiao.path == f"/{places.linhai.pk:07d}/{places.duqiao.pk:07d}/"
    assert (places.linhai.depth, places.duqiao.depth) == (0, 1)


def test_saving_a_place_without_moving_it_changes_no_paths(places):
    before = dict(Place.objects.values_list("pk", "path"))
    places.taizhou.name = "台州"
    places.taizhou.save()

    assert dict(Place.objects.values_list("pk", "path")) == before


@pytest.mark.parametrize("new_parent", ["itself", "child", "grandchild"])
def test_a_place_cannot_be_moved_inside_itself(places, new_parent):
    taizhou = Place.objects.get(pk=places.taizhou.pk)
    taizhou.parent = {"itself": taizhou, "child": places.linhai, "grandchild": places.duqiao}[
        new_parent
    ]

    with pytest.raises(ValidationError) as error:
        taizhou.full_clean()
    assert "parent" in error.value.message_dict


def test_place_slug_is_made_from_pinyin_and_kept_unique():
    shangrao = Place.objects.create(name="上饶市", kind="city")
    taizhou = Place.objects.create(name="台州", kind="city")
    taizhou_jiangsu = Place.objects.create(name="泰州", kind="city")

    assert shangrao.slug == "shangraoshi"
    assert taizhou.slug == "taizhou"
    assert taizhou_jiangsu.slug == "taizhou-2"
    assert shangrao.get_absolute_url() == "/places/shangraoshi/"


def test_place_aliases_split_on_lines_and_commas():
    place = PlaceFactory(aliases="上饶经开区\n上饶经济开发区,经开区，开发区\n\n")
    assert place.alias_list == ["上饶经开区", "上饶经济开发区", "经开区", "开发区"]


# --- Slugs are never empty ----------------------------------------------------------------


def test_article_slug_is_pinyin_of_the_simplified_title():
    article = ArticleFactory(title="上饶光學產業", slug="")
    assert article.slug == "shang-rao-guang-xue-chan-ye"
    assert article.get_absolute_url() == f"/articles/{article.pk}-shang-rao-guang-xue-chan-ye/"


def test_article_slug_keeps_latin_words_and_numbers():
    article = ArticleFactory(title="2025 AR/VR 眼镜大会", slug="")
    assert article.slug == "2025-ar-vr-yan-jing-da-hui"


def test_a_title_without_letters_still_gets_a_slug():
    assert ArticleFactory(title="……！", slug="").slug == "story"


def test_organisation_and_event_slugs_from_pinyin():
    organisation = Organisation.objects.create(
        name="凤凰光学股份有限公司", short_name="凤凰光学", kind="company"
    )
    event = EventFactory(title="——", slug="")
    other = EventFactory(title="——", slug="")

    assert organisation.slug == "fenghuangguangxue"
    assert organisation.display_name == "凤凰光学"
    assert (event.slug, other.slug) == ("event", "event-2")


@pytest.mark.parametrize("model", [Place, Organisation, Event, Article])
def test_empty_slugs_are_refused_by_the_database(model):
    factory = {
        Place: PlaceFactory,
        Organisation: OrganisationFactory,
        Event: EventFactory,
        Article: ArticleFactory,
    }[model]
    row = factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(slug="")


def test_topic_keeps_its_chinese_name_as_slug():
    topic = Topic.objects.create(name="智能眼镜")
    assert topic.slug == "智能眼镜"
    assert topic.get_absolute_url() == "/topics/%E6%99%BA%E8%83%BD%E7%9C%BC%E9%95%9C/"


# --- Events -------------------------------------------------------------------------------


def test_an_event_cannot_end_before_it_starts():
    event = EventFactory.build(starts_on=dt.date(2025, 6, 20), ends_on=dt.date(2025, 6, 19))
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "ends_on" in error.value.message_dict

    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_a_one_day_event_cannot_end_before_its_start_time():
    event = EventFactory.build(
        starts_on=dt.date(2025, 6, 20),
        ends_on=None,
        start_time=dt.time(14),
        end_time=dt.time(9),
    )
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "end_time" in error.value.message_dict


def test_event_days():
    one_day = EventFactory.build(starts_on=dt.date(2025, 6, 20), ends_on=None)
    same_day = EventFactory.build(starts_on=dt.date(2025, 6, 20), ends_on=dt.date(2025, 6, 20))
    two_days = EventFactory.build(starts_on=dt.date(2025, 6, 20), ends_on=dt.date(2025, 6, 21))

    assert one_day.last_day == dt.date(2025, 6, 20) and not one_day.is_multi_day
    assert not same_day.is_multi_day
    assert two_days.last_day == dt.date(2025, 6, 21) and two_days.is_multi_day


def test_an_organisation_has_a_role_at_an_event_only_once():
    role = EventOrganiserFactory(role="host")
    EventOrganiserFactory(event=role.event, organisation=role.organisation, role="organiser")
    with pytest.raises(IntegrityError), transaction.atomic():
        EventOrganiserFactory(event=role.event, organisation=role.organisation, role="host")
    assert str(role).startswith(str(role.organisation)) and "主办" in str(role)


# --- Stories ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dirty",
    [
        '<p>正文</p><script>alert("x")</script>',
        '<p onclick="alert(1)">正文</p>',
        '<p><a href="javascript:alert(1)">正文</a></p>',
        '<p>正文<img src=x onerror="alert(1)"></p>',
        '<p>正文</p><iframe src="https://example.com"></iframe>',
        '<p style="background:url(javascript:alert(1))">正文</p>',
    ],
)
def test_body_is_sanitised_on_every_save(dirty):
    article = ArticleFactory(body=dirty)
    article.refresh_from_db()

    body = article.body.lower()
    assert "正文" in body
    for bad in ("<script", "onclick", "javascript:", "onerror", "<iframe", "style="):
        assert bad not in body


def test_body_keeps_what_the_editor_offers():
    html = (
        "<h2>标题</h2><p><strong>粗</strong><em>斜</em>"
        '<a href="https://example.com/a">链接</a></p><ul><li>一</li></ul><blockquote><p>引</p>'
        "</blockquote>"
    )
    article = ArticleFactory(body=html)
    for tag in ("<h2>", "<strong>", "<em>", 'href="https://example.com/a"', "<ul>", "<blockquote>"):
        assert tag in article.body


def test_sanitising_also_applies_to_objects_create():
    article = Article.objects.create(title="标题", body="<p>a</p><script>b()</script>")
    assert article.body == "<p>a</p>"


def test_the_editor_name_readers_see_is_the_full_name_never_the_login():
    editor = EditorFactory(first_name="小", last_name="王", username="xw")
    assert ArticleFactory(editor=editor).editor_name == "王小"
    latin = EditorFactory(first_name="Li", last_name="Wei", username="lw")
    assert ArticleFactory(editor=latin).editor_name == "Li Wei"
    nameless = EditorFactory(first_name="", last_name="", username="wang")
    assert ArticleFactory(editor=nameless).editor_name == ""
    assert ArticleFactory(editor=None).editor_name == ""


def test_every_public_model_has_an_absolute_url(places):
    topic = TopicFactory(name="镜头")
    organisation = OrganisationFactory(slug="fenghuang")
    event = EventFactory(slug="shangrao-2025")

    assert places.duqiao.get_absolute_url() == "/places/duqiao/"
    assert organisation.get_absolute_url() == "/organisations/fenghuang/"
    assert event.get_absolute_url() == "/events/shangrao-2025/"
    assert topic.get_absolute_url() == "/topics/%E9%95%9C%E5%A4%B4/"
    assert str(topic) == "镜头" and str(places.duqiao) == "杜桥镇" and str(event) == event.title
