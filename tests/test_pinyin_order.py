"""Pinyin order of names (docs/ordering.md): the sort key, and every list of names.

The names are chosen so that code-point order (what the lists had) and pinyin order
differ: 上 U+4E0A comes before 东 U+4E1C in code points, after it in pinyin (shàng,
dōng). Every ordering test runs on SQLite and on PostgreSQL.
"""

import importlib
import re
import string
import types
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import connection
from django.db.models.functions import Collate
from hypothesis import given
from hypothesis import strategies as st

from articles.models import ContentVersion, Organisation, Place, Topic
from articles.text import SORT_KEY_LENGTH, sort_key, sort_letter

from .factories import ArticleFactory, OrganisationFactory, PlaceFactory, TopicFactory

#: Prefecture-level cities in code-point order; pinyin order is CITIES_IN_PINYIN.
CITIES = ["上饶市", "东莞市", "中山市", "丹阳市", "武汉市", "重庆市", "长春市", "鹰潭市"]
CITIES_IN_PINYIN = ["长春市", "重庆市", "丹阳市", "东莞市", "上饶市", "武汉市", "鹰潭市", "中山市"]

#: The issue's own example, and names beginning with Latin letters and digits.
ORGANISATIONS = ["上饶市科学技术局", "东华大学", "东莞市光学学会", "中共临海市委", "丹阳市眼镜商会"]
ORGANISATIONS_IN_PINYIN = [
    "丹阳市眼镜商会",
    "东莞市光学学会",
    "东华大学",
    "上饶市科学技术局",
    "中共临海市委",
]


def by_key(names):
    return sorted(names, key=sort_key)


# --- The key -------------------------------------------------------------------------------------


def test_code_point_order_is_not_pinyin_order():
    assert sorted(CITIES) == CITIES
    assert by_key(CITIES) == CITIES_IN_PINYIN
    assert sorted(ORGANISATIONS) == ORGANISATIONS
    assert by_key(ORGANISATIONS) == ORGANISATIONS_IN_PINYIN


@pytest.mark.parametrize(
    ("name", "reading"),
    [
        ("长春", "chang1chun1"),
        ("长春市", "chang1chun1shi1"),
        ("长治市", "chang1zhi1shi1"),
        ("长飞光纤", "chang1fei1guang1xian1"),  # pypinyin alone reads zhǎng
        ("长子县", "zhang1zi1xian1"),  # the one place name read zhǎng
        ("重庆", "chong1qing1"),
        ("朝阳市", "chao1yang1shi1"),
        ("六合区", "lu1he1qu1"),
        ("天台县", "tian1tai1xian1"),
        ("厦门", "xia1men1"),
        ("乐清", "yue1qing1"),
        # A name inside a longer one: pypinyin's word splitting would read 院长 (zhǎng).
        ("中国科学院长春光学精密机械与物理研究所", "zhong1guo1ke1xue1yuan1chang1chun1"),
    ],
)
def test_polyphones_of_place_names(name, reading):
    assert sort_key(name).startswith(reading)


def test_a_syllable_before_the_longer_syllables_it_begins():
    # Syllable by syllable, as in a dictionary: xi an before xian, lu before luo.
    assert by_key(["先锋光电", "西安光机所"]) == ["西安光机所", "先锋光电"]
    assert by_key(["罗", "路"]) == ["路", "罗"]
    assert by_key(["东华大学", "东"]) == ["东", "东华大学"]


def test_tones_then_code_points_break_ties():
    # tāi before tài; the same reading and tone: code point (radical and stroke) order.
    assert by_key(["泰州市", "台州市"]) == ["台州市", "泰州市"]
    assert by_key(["羊", "杨"]) == ["杨", "羊"]  # both yáng: U+6768 before U+7F8A
    assert sort_key("羊") != sort_key("杨")


def test_latin_and_digits():
    names = ["北京", "安徽", "abc光学", "ABC光学", "3M中国", "阿里巴巴", "Thorlabs", "ＡＢＣ光学"]
    assert by_key(names) == [
        "3M中国",  # digits first
        "阿里巴巴",  # a
        "ABC光学",  # abc, between a and an; case and width decided by code point last
        "abc光学",
        "ＡＢＣ光学",
        "安徽",  # an
        "北京",
        "Thorlabs",  # thorlabs, between tai and tian
    ]
    assert sort_letter(sort_key("3M中国")) == "#"
    assert sort_letter(sort_key("ABC光学")) == "A"
    assert sort_letter(sort_key("上饶")) == "S"
    assert sort_letter(sort_key("…")) == "#"


def test_punctuation_and_script_do_not_change_the_reading():
    def reading(name):
        return sort_key(name).split("0", 1)[0]

    assert reading("中国·杜桥眼镜城") == reading("中国杜桥眼镜城")
    assert reading("舜宇光学科技（集团）有限公司") == reading("舜宇光学科技集团有限公司")
    assert reading("臺州") == reading("台州")
    assert reading("Émile") == reading("emile")


@given(st.text(max_size=300))
def test_the_key_is_made_of_digits_and_lowercase_letters(name):
    # Characters whose order is the same under every collation (BINARY, "C", ICU, glibc).
    key = sort_key(name)
    assert re.fullmatch(r"[0-9a-z]+", key)
    assert len(key) <= SORT_KEY_LENGTH


@given(st.lists(st.text(alphabet="上东丹中长重台泰西先安ABab3 ·", max_size=6), max_size=8))
def test_equal_keys_only_for_equal_names(names):
    keys = {sort_key(name): name for name in names}
    assert len(keys) == len(set(names))


# --- Rows keep their key -----------------------------------------------------------------------


@pytest.mark.django_db
def test_saving_fills_the_key():
    organisation = OrganisationFactory(name="东华大学")
    place = PlaceFactory(name="上饶市")
    topic = TopicFactory(name="眼镜")
    assert organisation.sort_key == sort_key("东华大学")
    assert Place.objects.get(pk=place.pk).sort_key == sort_key("上饶市")
    assert Topic.objects.get(pk=topic.pk).sort_key == sort_key("眼镜")

    organisation.name = "长春理工大学"
    organisation.save(update_fields=["name"])
    assert Organisation.objects.get(pk=organisation.pk).sort_key == sort_key("长春理工大学")
    place.name = "鹰潭市"
    place.save(update_fields=["name"])
    assert Place.objects.get(pk=place.pk).sort_key == sort_key("鹰潭市")


@pytest.mark.django_db
def test_topics_made_by_taggit_have_a_key():
    story = ArticleFactory()
    story.topics.add("激光雷达")
    assert Topic.objects.get(name="激光雷达").sort_key == sort_key("激光雷达")


@pytest.mark.django_db
def test_the_key_is_not_part_of_the_history():
    organisation = OrganisationFactory(name="东华大学")
    assert not hasattr(organisation.history.first(), "sort_key")


@pytest.mark.django_db
def test_the_data_migration_fills_keys_and_changes_the_version():
    migration = importlib.import_module("articles.migrations.0016_pinyin_sort_keys")
    for name in CITIES:
        PlaceFactory(name=name)
    OrganisationFactory(name="东华大学")
    TopicFactory(name="眼镜")
    # As the rows are after 0016 added the column: empty.
    for model in (Place, Organisation, Topic):
        model.objects.update(sort_key="")
    before = ContentVersion.current().version

    migration.fill_sort_keys(apps, types.SimpleNamespace(connection=connection))

    for model in (Place, Organisation, Topic):
        for name, key in model.objects.values_list("name", "sort_key"):
            assert key == sort_key(name)
    assert ContentVersion.current().version != before
    assert list(Place.objects.order_by("sort_key").values_list("name", flat=True)) == (
        CITIES_IN_PINYIN
    )


# --- The same order on both databases ------------------------------------------------------------

#: Collations a PostgreSQL server may use by default; the key must sort the same in all.
POSTGRES_COLLATIONS = ["C", "und-x-icu", "en-US-x-icu", "zh-x-icu", "en_US.utf8"]

NAMES = [
    *CITIES,
    *ORGANISATIONS,
    "3M中国",
    "ABC光学",
    "abc光学",
    "阿里巴巴",
    "西安光机所",
    "先锋光电",
    "台州市",
    "泰州市",
    "中国·杜桥眼镜城",
    "Thorlabs",
]


@pytest.mark.django_db
def test_the_database_orders_as_python_does():
    for name in NAMES:
        OrganisationFactory(name=name)
    assert list(Organisation.objects.values_list("name", flat=True)) == by_key(NAMES)
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT collname FROM pg_collation")
        available = {row[0] for row in cursor.fetchall()}
    tried = [c for c in POSTGRES_COLLATIONS if c in available]
    assert "C" in tried
    for collation in tried:
        ordered = Organisation.objects.order_by(Collate("sort_key", collation), "pk")
        assert list(ordered.values_list("name", flat=True)) == by_key(NAMES), collation


# --- Lists of names ------------------------------------------------------------------------------


def item_names(response, css_class):
    """Texts of the links inside elements of ``css_class``, in page order."""
    html = response.content.decode()
    pattern = rf'class="{css_class}"[^>]*>\s*<a href="[^"]*">([^<]+)</a>'
    return re.findall(pattern, html)


@pytest.mark.django_db
def test_the_organisation_directory_is_in_pinyin_order(client):
    for name in reversed(ORGANISATIONS):
        OrganisationFactory(name=name)
    response = client.get("/organisations/")
    assert [o.name for o in response.context["organisations"]] == ORGANISATIONS_IN_PINYIN
    assert item_names(response, "organisation-item-title") == ORGANISATIONS_IN_PINYIN


@pytest.mark.django_db
def test_the_place_tree_lists_siblings_in_pinyin_order(client):
    jiangxi = PlaceFactory(name="江西省", kind="province")
    anhui = PlaceFactory(name="安徽省", kind="province")  # an before jiang: first
    for name in CITIES:
        PlaceFactory(name=name, parent=jiangxi)
    PlaceFactory(name="铅山县", kind="county", parent=Place.objects.get(name="上饶市"))
    PlaceFactory(name="合肥市", parent=anhui)

    response = client.get("/places/")
    names = [p.name for p in response.context["places"]]
    assert (
        names
        == ["安徽省", "合肥市", "江西省", *CITIES_IN_PINYIN[:5], "铅山县"] + (CITIES_IN_PINYIN[5:])
    )

    response = client.get(jiangxi.get_absolute_url())
    assert [p.name for p in response.context["children"]] == CITIES_IN_PINYIN


@pytest.mark.django_db
def test_a_place_page_lists_organisations_and_topics_in_pinyin_order(client, places):
    for name in reversed(ORGANISATIONS):
        OrganisationFactory(name=name, place=places.linhai)
    topics = [TopicFactory(name=name) for name in ["眼镜", "镜片", "光学元件"]]
    ArticleFactory(place=places.linhai, topics=topics)
    response = client.get(places.linhai.get_absolute_url())
    assert [o.name for o in response.context["organisations"]] == ORGANISATIONS_IN_PINYIN
    assert [t.label for t in response.context["topics"]] == ["光学元件", "镜片", "眼镜"]


@pytest.mark.django_db
def test_the_topic_list_and_the_front_page_topics(client):
    names = ["眼镜", "激光", "光学元件", "AR眼镜", "镜片"]
    topics = [TopicFactory(name=name) for name in names]
    # Most stories for 眼镜: counts do not decide the order of the list.
    ArticleFactory(topics=topics)
    ArticleFactory(topics=topics[:1])
    expected = ["AR眼镜", "光学元件", "激光", "镜片", "眼镜"]

    response = client.get("/topics/")
    assert [t.name for t in response.context["topics"]] == expected
    response = client.get("/")
    assert [t.label for t in response.context["topics"]] == expected


def facet_labels(response, name):
    for group in response.context["facets"]:
        if group.name == name:
            return [option.label for option in group.options]
    return []


@pytest.mark.django_db
def test_story_facets_are_in_pinyin_order(client):
    jiangxi = PlaceFactory(name="江西省", kind="province")
    anhui = PlaceFactory(name="安徽省", kind="province")
    cities = {name: PlaceFactory(name=name, parent=jiangxi) for name in CITIES}
    organisations = [OrganisationFactory(name=name) for name in ORGANISATIONS]
    topics = [TopicFactory(name=name) for name in ["眼镜", "镜片", "光学元件"]]
    for i, city in enumerate(cities.values()):
        # Different counts, so that "most first" would be another order.
        for _ in range(i % 3 + 1):
            ArticleFactory(place=city, topics=topics[i % 3 :], organisations=organisations[i % 5 :])
    ArticleFactory(place=anhui)

    response = client.get("/articles/")
    assert facet_labels(response, "place") == ["安徽省", "江西省", *CITIES_IN_PINYIN]
    assert facet_labels(response, "topic") == ["光学元件", "镜片", "眼镜"]
    assert facet_labels(response, "organisation") == ORGANISATIONS_IN_PINYIN


@pytest.mark.django_db
def test_a_facet_with_a_limit_keeps_the_most_used_then_sorts(client):
    # 26 organisations, the facet shows 25: the one with fewest stories is left out.
    names = [f"{c}光学有限公司" for c in "上东丹中武长重鹰台泰西先安北南江浙闽粤川渝鲁豫冀晋辽"]
    organisations = [OrganisationFactory(name=name) for name in names]
    ArticleFactory(organisations=organisations[1:])
    ArticleFactory(organisations=organisations[1:])
    ArticleFactory(organisations=organisations[:1])
    response = client.get("/articles/")
    labels = facet_labels(response, "organisation")
    assert labels == by_key(names[1:])


@pytest.mark.django_db
def test_organisation_and_event_place_facets_are_in_pinyin_order(client):
    jiangxi = PlaceFactory(name="江西省", kind="province")
    cities = [PlaceFactory(name=name, parent=jiangxi) for name in CITIES]
    for city in cities:
        OrganisationFactory(place=city)
    response = client.get("/organisations/")
    assert facet_labels(response, "place") == ["江西省", *CITIES_IN_PINYIN]


# --- The jump index ------------------------------------------------------------------------------


class Anchors(HTMLParser):
    """The ids, the jump index's links and its dimmed letters of a page."""

    def __init__(self, html):
        super().__init__()
        self.ids, self.links, self.dimmed, self._in_index, self._dim = set(), {}, [], False, False
        self._href = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "nav" and "jump-index" in (attrs.get("class") or ""):
            self._in_index = True
        if self._in_index and tag == "a":
            self._href = attrs["href"]
        if self._in_index and tag == "li" and "jump-none" in (attrs.get("class") or ""):
            self._dim = True

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_index = False
        if tag in ("a", "li"):
            self._href, self._dim = None, False

    def handle_data(self, data):
        if self._href is not None and data.strip():
            self.links[data.strip()] = self._href
        elif self._dim and data.strip():
            self.dimmed.append(data.strip())


@pytest.mark.django_db
def test_jump_index_on_one_page(client):
    for name in [*ORGANISATIONS, "3M中国", "ABC光学"]:
        OrganisationFactory(name=name)
    response = client.get("/organisations/")
    page = Anchors(response.content.decode())
    assert page.links == {
        "#": "#letter-other",
        "A": "#letter-A",
        "D": "#letter-D",
        "S": "#letter-S",
        "Z": "#letter-Z",
    }
    assert page.dimmed == [c for c in string.ascii_uppercase if c not in "ADSZ"]
    assert {"letter-other", "letter-A", "letter-D", "letter-S", "letter-Z"} <= page.ids
    groups = [
        (letter, [o.name for o in group])
        for letter, _id, group in response.context["letter_groups"]
    ]
    assert groups == [
        ("#", ["3M中国"]),
        ("A", ["ABC光学"]),
        ("D", ORGANISATIONS_IN_PINYIN[:3]),
        ("S", ORGANISATIONS_IN_PINYIN[3:4]),
        ("Z", ORGANISATIONS_IN_PINYIN[4:]),
    ]


@pytest.mark.django_db
def test_jump_index_links_to_the_page_of_each_letter(client, places):
    # 30 a page: 20 under A, 20 under D, 20 under S; D starts on page 1, S on page 2.
    for i in range(20):
        OrganisationFactory(name=f"安徽光学{i:02d}", place=places.linhai)
        OrganisationFactory(name=f"东莞光学{i:02d}", place=places.linhai)
        OrganisationFactory(name=f"上饶光学{i:02d}", place=places.linhai)
    OrganisationFactory(name="中山光学", kind="academic", place=places.linhai)

    first = Anchors(client.get("/organisations/?place=linhai").content.decode())
    assert first.links == {
        "A": "#letter-A",
        "D": "#letter-D",
        "S": "?place=linhai&page=2#letter-S",
        "Z": "?place=linhai&page=3#letter-Z",
    }
    second = Anchors(client.get("/organisations/?place=linhai&page=2").content.decode())
    assert second.links["A"] == "?place=linhai#letter-A"
    assert second.links["S"] == "#letter-S"
    # Page 2 goes on with D (its heading repeats) and begins S: both have their anchor.
    assert {"letter-D", "letter-S"} <= second.ids
    third = Anchors(client.get("/organisations/?place=linhai&page=3").content.decode())
    assert "letter-Z" in third.ids

    # Filtered, the index counts only what the filter leaves.
    academic = Anchors(client.get("/organisations/?kind=academic").content.decode())
    assert academic.links == {"Z": "#letter-Z"}
    unfiltered = Anchors(client.get("/organisations/").content.decode())
    assert unfiltered.links["Z"] == "?page=3#letter-Z"
    unfiltered = Anchors(client.get("/organisations/?page=3").content.decode())
    assert unfiltered.links["A"] == "/organisations/#letter-A"


@pytest.mark.django_db
def test_no_jump_index_without_organisations_or_with_bad_filters(client):
    OrganisationFactory(name="东华大学")
    response = client.get("/organisations/?kind=nonsense")
    assert response.status_code == 400
    assert "jump-index" not in response.content.decode()
    # The 400 page's empty list is not kept as the counts of the unfiltered list.
    assert Anchors(client.get("/organisations/").content.decode()).links == {"D": "#letter-D"}
    response = client.get("/organisations/?kind=park")
    assert response.status_code == 200
    assert "jump-index" not in response.content.decode()


@pytest.mark.django_db
def test_the_directory_counts_once(client, django_assert_max_num_queries):
    """The letter counts are the list's total: the paginator does not count again, and a
    second reader gets them (and the facets) from the cache."""
    for i in range(40):
        OrganisationFactory(name=f"上饶光学{i:02d}")
    ContentVersion.current()
    client.get("/organisations/")
    with django_assert_max_num_queries(2):  # the content version and the page's rows
        response = client.get("/organisations/?page=2")
    assert response.context["paginator"].count == 40


@pytest.mark.django_db
def test_the_front_page_clusters_are_in_pinyin_order(client):
    jiangxi = PlaceFactory(name="江西省", kind="province")
    zhejiang = PlaceFactory(name="浙江省", kind="province")
    PlaceFactory(name="上饶市", parent=jiangxi, is_cluster=True)
    linhai = PlaceFactory(name="临海市", parent=zhejiang, is_cluster=True)
    PlaceFactory(name="杜桥镇", kind="town", parent=linhai, is_cluster=True)
    PlaceFactory(name="鹰潭市", parent=jiangxi, is_cluster=True)
    PlaceFactory(name="丹阳市", parent=zhejiang, is_cluster=True)
    response = client.get("/")
    names = [p.name for p in response.context["clusters"]]
    assert names == ["丹阳市", "杜桥镇", "临海市", "上饶市", "鹰潭市"]


@pytest.mark.django_db
def test_facets_of_a_search_that_finds_nothing(client):
    ArticleFactory(topics=[TopicFactory(name="眼镜")], organisations=[OrganisationFactory()])
    response = client.get("/articles/?q=没有这样的文章")
    assert response.status_code == 200
    assert facet_labels(response, "topic") == []
    assert facet_labels(response, "organisation") == []
