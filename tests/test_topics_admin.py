"""Topics in the editors' room: merging, renaming without breaking links, unused ones."""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, ContentVersion, TaggedArticle, Topic

from .factories import ArticleFactory, ContributorFactory, TopicFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:articles_topic_changelist"


@pytest.fixture
def contributor(db):
    return ContributorFactory()


@pytest.fixture
def topics(db):
    """眼镜 (3 stories), 眼镜产业 (2, one shared with 眼镜), 镜片 (1), 旧话题 (none)."""
    glasses = TopicFactory(name="眼镜")
    industry = TopicFactory(name="眼镜产业")
    lenses = TopicFactory(name="镜片")
    unused = TopicFactory(name="旧话题")
    both = ArticleFactory(title="两个话题都有", topics=[glasses, industry])
    only_industry = ArticleFactory(title="只有眼镜产业", topics=[industry, lenses])
    ArticleFactory(title="只有眼镜一", topics=[glasses])
    ArticleFactory(title="只有眼镜二", topics=[glasses])
    return {
        "glasses": glasses,
        "industry": industry,
        "lenses": lenses,
        "unused": unused,
        "both": both,
        "only_industry": only_industry,
    }


def post_merge(client, topics, **extra):
    data = {"action": "merge_selected", "_selected_action": [t.pk for t in topics], **extra}
    return client.post(reverse(CHANGELIST), data)


def topic_names(article):
    return sorted(t.name for t in Article.objects.get(pk=article.pk).topics.all())


# --- Merge ----------------------------------------------------------------------------


def test_merge_asks_first_with_the_most_used_topic_chosen(editor_client, topics):
    response = post_merge(editor_client, [topics["industry"], topics["glasses"]])

    assert response.status_code == 200
    assert response.templates[0].name == "admin/articles/topic/merge_confirmation.html"
    form = response.context["form"]
    assert form.initial["keep"] == topics["glasses"].pk  # 3 stories against 2
    html = response.content.decode()
    assert "眼镜（3 篇）" in html or "眼镜 (3 stories)" in html
    assert Topic.objects.count() == 4  # nothing merged yet


def test_merge_moves_every_story_once_and_deletes_the_merged_topics(editor_client, editor, topics):
    glasses, industry, lenses = topics["glasses"], topics["industry"], topics["lenses"]
    version = ContentVersion.current().version

    response = post_merge(editor_client, [glasses, industry, lenses], post="yes", keep=glasses.pk)

    assert response.status_code == 302
    assert list(Topic.objects.order_by("name").values_list("name", flat=True)) == [
        "旧话题",
        "眼镜",
    ]
    # The story tagged with both keeps one link to the kept topic, not two.
    assert topic_names(topics["both"]) == ["眼镜"]
    assert topic_names(topics["only_industry"]) == ["眼镜"]
    assert TaggedArticle.objects.filter(tag=glasses).count() == 4
    assert TaggedArticle.objects.count() == 4
    assert ContentVersion.current().version != version
    # Two stories had 眼镜产业 or 镜片.
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("2" in m and "眼镜" in m for m in messages), messages
    # The admin log and the history name who merged what.
    assert LogEntry.objects.filter(action_flag=DELETION, user=editor).count() == 2
    deleted = Topic.history.filter(history_type="-").order_by("name")
    assert [h.name for h in deleted] == ["眼镜产业", "镜片"]
    assert all(h.history_user == editor for h in deleted)
    assert all("眼镜" in h.history_change_reason for h in deleted)
    # No aliases: the merged topic's page is gone, the kept one's lists every story.
    assert editor_client.get(industry.get_absolute_url()).status_code == 404
    assert editor_client.get(glasses.get_absolute_url()).status_code == 200


def test_the_topic_kept_may_be_the_smaller_one(editor_client, topics):
    glasses, industry = topics["glasses"], topics["industry"]

    post_merge(editor_client, [glasses, industry], post="yes", keep=industry.pk)

    assert not Topic.objects.filter(pk=glasses.pk).exists()
    assert TaggedArticle.objects.filter(tag=industry).count() == 4
    assert topic_names(topics["both"]) == ["眼镜产业"]


def test_the_list_counts_stories_after_a_merge(editor_client, topics):
    post_merge(
        editor_client,
        [topics["glasses"], topics["industry"]],
        post="yes",
        keep=topics["glasses"].pk,
    )

    response = editor_client.get(reverse(CHANGELIST))
    counts = {t.name: t.n_articles for t in response.context["cl"].result_list}
    assert counts == {"眼镜": 4, "镜片": 1, "旧话题": 0}


def test_a_topic_to_keep_outside_the_selection_is_refused(editor_client, topics):
    glasses, industry, lenses = topics["glasses"], topics["industry"], topics["lenses"]

    response = post_merge(editor_client, [glasses, industry], post="yes", keep=lenses.pk)

    assert response.status_code == 400
    assert response.context["form"].errors
    assert Topic.objects.count() == 4


def test_merging_needs_two_topics(editor_client, topics):
    response = post_merge(editor_client, [topics["glasses"]], post="yes")

    assert response.status_code == 302
    assert Topic.objects.count() == 4


def test_a_contributor_is_not_offered_the_merge(client, contributor, topics):
    client.force_login(contributor)

    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert "merge_selected" not in response.content.decode()


@pytest.mark.parametrize("confirmed", [False, True])
def test_a_forged_merge_from_a_contributor_is_refused(client, contributor, topics, confirmed):
    client.force_login(contributor)
    extra = {"post": "yes", "keep": topics["glasses"].pk} if confirmed else {}

    response = post_merge(client, [topics["glasses"], topics["industry"]], **extra)

    assert response.status_code == 403
    assert Topic.objects.count() == 4
    assert topic_names(topics["both"]) == ["眼镜", "眼镜产业"]


# --- Rename ---------------------------------------------------------------------------


def change(client, topic, **data):
    fields = {"name": topic.name, "slug": topic.slug, "description": "", **data}
    return client.post(reverse("admin:articles_topic_change", args=[topic.pk]), fields)


def test_renaming_keeps_the_address(editor_client, topics):
    glasses = topics["glasses"]

    response = change(editor_client, glasses, name="眼镜制造")

    assert response.status_code == 302
    glasses.refresh_from_db()
    assert (glasses.name, glasses.slug) == ("眼镜制造", "眼镜")


def test_an_emptied_slug_is_made_again_from_the_new_name(editor_client, topics):
    glasses = topics["glasses"]

    change(editor_client, glasses, name="眼镜制造", slug="")

    glasses.refresh_from_db()
    assert glasses.slug == "眼镜制造"


def test_an_emptied_slug_never_takes_another_topics(editor_client, db):
    glasses = TopicFactory(name="眼镜", slug="yanjing")
    TopicFactory(name="镜片", slug="眼镜")

    response = change(editor_client, glasses, slug="")

    assert response.status_code == 302
    glasses.refresh_from_db()
    assert glasses.slug == "眼镜_1"


def test_a_new_topic_without_a_slug_gets_one(editor_client, db):
    TopicFactory(name="光学", slug="光学")
    TopicFactory(name="别名", slug="光学-2")

    response = editor_client.post(
        reverse("admin:articles_topic_add"), {"name": "光学元件", "slug": "", "description": ""}
    )

    assert response.status_code == 302
    assert Topic.objects.get(name="光学元件").slug == "光学元件"


def test_a_slug_another_topic_has_is_refused(editor_client, topics):
    response = change(editor_client, topics["lenses"], slug="眼镜")

    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors


def test_the_slug_help_text_explains_renaming(editor_client, topics):
    response = editor_client.get(
        reverse("admin:articles_topic_change", args=[topics["glasses"].pk])
    )

    help_text = str(response.context["adminform"].form.fields["slug"].help_text)
    assert "/topics/" in help_text


# --- Unused topics --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("used", "names"),
    [
        ("no", ["旧话题"]),
        ("yes", ["眼镜", "眼镜产业", "镜片"]),
        ("", ["旧话题", "眼镜", "眼镜产业", "镜片"]),
    ],
)
def test_the_unused_filter(editor_client, topics, used, names):
    query = f"?used={used}" if used else ""

    response = editor_client.get(reverse(CHANGELIST) + query)

    assert response.status_code == 200
    assert sorted(t.name for t in response.context["cl"].result_list) == names


def test_topics_sort_by_their_story_count(editor_client, topics):
    response = editor_client.get(reverse(CHANGELIST) + "?o=-4")

    assert response.status_code == 200
    counts = [t.n_articles for t in response.context["cl"].result_list]
    assert counts == [3, 2, 1, 0]


def test_the_topic_list_costs_the_same_with_more_topics(editor_client, topics):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get(reverse(CHANGELIST)).status_code == 200
        return len(captured)

    before = queries()
    for n in range(10):
        ArticleFactory(topics=[TopicFactory(name=f"新话题{n}")])
    assert queries() == before
