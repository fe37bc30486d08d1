"""Each role of the editors' room, through the admin's pages and through forged POSTs.

撰稿 (contributor) writes and submits their own drafts; 编辑 (editor) reviews, publishes,
adds towns and zones; 管理员 (administrator) runs users, groups and the place tree.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Place, PlaceKind, Status

from .factories import (
    AdministratorFactory,
    ArticleFactory,
    ContributorFactory,
    EditorFactory,
)

pytestmark = pytest.mark.django_db


def change_url(story):
    return reverse("admin:articles_article_change", args=[story.pk])


def story_form(**values):
    """What the story form posts: the fields a contributor's form has, plus ``values``."""
    return {
        "title": "临海眼镜企业参加展会",
        "summary": "",
        "body": "<p>正文。</p>",
        "slug": "",
        "place": "",
        "event": "",
        "source": "",
        "source_url": "",
        "author": "",
        "source_editor": "",
        "original_title": "",
        "cover_alt": "",
        "cover_credit": "",
        **values,
    }


@pytest.fixture
def contributor():
    return ContributorFactory()


@pytest.fixture
def writer_client(client, contributor):
    client.force_login(contributor)
    return client


def test_the_roles_exist_with_their_permissions():
    perms = {
        group.name: {p.codename for p in group.permissions.all()}
        for group in Group.objects.prefetch_related("permissions")
    }
    assert "publish_article" not in perms["撰稿"]
    assert {"add_article", "change_article", "view_article"} <= perms["撰稿"]
    assert "publish_article" in perms["编辑"]
    assert {"add_place", "change_place", "add_organisation"} <= perms["编辑"]
    assert "delete_place" not in perms["编辑"] and "change_user" not in perms["编辑"]
    assert {"change_user", "change_group", "manage_place_tree", "delete_accessattempt"} <= perms[
        "管理员"
    ]


# --- Contributors ---------------------------------------------------------------------------


def test_a_contributor_writes_a_draft_that_stays_a_draft(writer_client, contributor):
    response = writer_client.post(
        reverse("admin:articles_article_add"),
        # Forged: the publication fields are not in a contributor's form.
        story_form(status="published", published_at_0="2025-01-01", featured="on"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    story = Article.objects.get()
    assert story.status == Status.DRAFT and not story.featured
    assert story.created_by == contributor
    assert story.editor is None  # the responsible editor is set by an editor


def test_a_contributors_form_has_no_publication_fields(writer_client):
    page = writer_client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'name="title"' in page
    for name in ("status", "published_at_0", "unpublish_at_0", "featured", "editor"):
        assert f'name="{name}"' not in page
    assert 'name="_submit"' in page


def test_a_contributor_sees_and_changes_only_their_own_drafts(writer_client, contributor):
    own = ArticleFactory(draft=True, created_by=contributor, title="我的草稿")
    others = ArticleFactory(draft=True, created_by=ContributorFactory(), title="别人的草稿")
    published = ArticleFactory(title="已发布的新闻")

    listing = writer_client.get(reverse("admin:articles_article_changelist"))
    assert [s.pk for s in listing.context["cl"].result_list] == [own.pk]
    assert writer_client.get(change_url(own)).status_code == 200
    for story in (others, published):
        assert writer_client.get(change_url(story)).status_code in (302, 403)
        forged = writer_client.post(change_url(story), story_form(title="改了"))
        assert forged.status_code in (302, 403)
        story.refresh_from_db()
        assert story.title != "改了"


def test_a_contributor_cannot_publish_by_action_or_delete_what_was_published(
    writer_client, contributor
):
    draft = ArticleFactory(draft=True, created_by=contributor)
    mine_published = ArticleFactory(created_by=contributor)
    changelist = reverse("admin:articles_article_changelist")

    page = writer_client.get(changelist).content.decode()
    assert 'value="publish"' not in page
    writer_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT

    delete = reverse("admin:articles_article_delete", args=[mine_published.pk])
    assert writer_client.post(delete, {"post": "yes"}).status_code == 403
    assert Article.objects.filter(pk=mine_published.pk).exists()
    # Their own draft that was never out they may delete.
    delete = reverse("admin:articles_article_delete", args=[draft.pk])
    assert writer_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=draft.pk).exists()


def test_a_story_that_was_once_published_cannot_be_deleted_by_its_contributor(
    writer_client, contributor
):
    story = ArticleFactory(created_by=contributor)
    story.status = Status.DRAFT
    story.save()  # unpublished again: its history says it was out
    delete = reverse("admin:articles_article_delete", args=[story.pk])
    assert writer_client.post(delete, {"post": "yes"}).status_code == 403


def test_a_submitted_draft_is_read_only_to_its_contributor(writer_client, contributor):
    story = ArticleFactory(draft=True, created_by=contributor, submitted_at=timezone.now())
    page = writer_client.get(change_url(story))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    writer_client.post(change_url(story), story_form(title="偷偷改"))
    story.refresh_from_db()
    assert story.title != "偷偷改"


def test_a_contributor_cannot_reach_the_review_pages_or_other_rooms(writer_client):
    story = ArticleFactory(draft=True, submitted_at=timezone.now())
    for url in (
        reverse("admin:articles_article_queue"),
        reverse("admin:articles_article_review", args=[story.pk]),
        reverse("admin:auth_user_changelist"),
        reverse("admin:articles_place_add"),
        reverse("admin:articles_organisation_add"),
        reverse("admin:articles_event_add"),
    ):
        assert writer_client.get(url).status_code == 403, url
    forged = writer_client.post(
        reverse("admin:articles_article_review", args=[story.pk]), {"publish": "1"}
    )
    assert forged.status_code == 403
    story.refresh_from_db()
    assert story.status == Status.DRAFT


def test_a_contributor_previews_only_their_own_drafts(client, contributor):
    own = ArticleFactory(draft=True, created_by=contributor)
    others = ArticleFactory(draft=True)
    client.force_login(contributor)
    assert client.get(own.get_absolute_url()).status_code == 200
    assert client.get(others.get_absolute_url()).status_code == 404


# --- Editors --------------------------------------------------------------------------------


def test_an_editor_edits_any_story_and_sets_its_publication(editor_client, editor):
    story = ArticleFactory(draft=True, created_by=ContributorFactory())
    page = editor_client.get(change_url(story)).content.decode()
    assert 'name="status"' in page and 'name="unpublish_at_0"' in page
    assert 'name="_submit"' not in page  # editors publish; they do not submit


def test_an_editor_cannot_delete_a_published_story_but_can_a_draft(editor_client):
    published, draft = ArticleFactory(), ArticleFactory(draft=True)
    url = reverse("admin:articles_article_delete", args=[published.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 403
    url = reverse("admin:articles_article_delete", args=[draft.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 302
    assert list(Article.objects.all()) == [published]


def test_an_editor_adds_a_town_below_a_county_but_not_a_city(editor_client, places):
    add = reverse("admin:articles_place_add")
    form = {"name": "临海经济开发区", "slug": "", "aliases": "", "description": ""}
    town = editor_client.post(add, {**form, "kind": "zone", "parent": places.linhai.pk})
    assert town.status_code == 302
    assert Place.objects.get(name="临海经济开发区").parent == places.linhai

    city = editor_client.post(
        add, {**form, "name": "宁波市", "kind": "city", "parent": places.zhejiang.pk}
    )
    assert city.status_code == 200 and "kind" in city.context["adminform"].form.errors
    under_province = editor_client.post(
        add, {**form, "name": "某开发区", "kind": "zone", "parent": places.zhejiang.pk}
    )
    assert "parent" in under_province.context["adminform"].form.errors
    assert not Place.objects.filter(name__in=["宁波市", "某开发区"]).exists()


def test_an_editor_cannot_change_or_delete_the_tree_above_towns(editor_client, places):
    city = places.linhai
    forged = editor_client.post(
        reverse("admin:articles_place_change", args=[city.pk]),
        {"name": "改名市", "kind": "county", "parent": city.parent_id, "slug": city.slug},
    )
    assert forged.status_code == 403
    city.refresh_from_db()
    assert city.name == "临海市"
    delete = reverse("admin:articles_place_delete", args=[places.duqiao.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 403


def test_an_editor_cannot_manage_users_or_lift_lock_outs(editor_client):
    for name in ("auth_user_changelist", "auth_group_changelist", "axes_accessattempt_changelist"):
        assert editor_client.get(reverse(f"admin:{name}")).status_code == 403, name


# --- Administrators -------------------------------------------------------------------------


def test_an_administrator_runs_users_the_tree_and_lock_outs(client, places):
    client.force_login(AdministratorFactory())
    for name in ("auth_user_changelist", "auth_group_changelist", "axes_accessattempt_changelist"):
        assert client.get(reverse(f"admin:{name}")).status_code == 200, name
    city = places.linhai
    response = client.post(
        reverse("admin:articles_place_change", args=[city.pk]),
        {
            "name": "临海市",
            "slug": city.slug,
            "kind": PlaceKind.COUNTY,
            "parent": city.parent_id,
            "aliases": "临海",
            "description": "",
        },
    )
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.aliases == "临海"
    published = ArticleFactory()
    delete = reverse("admin:articles_article_delete", args=[published.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302


def test_an_administrator_adds_a_user_to_a_role(client):
    client.force_login(AdministratorFactory())
    writer = ContributorFactory()
    editors = Group.objects.get(name="编辑")
    response = client.get(reverse("admin:auth_user_change", args=[writer.pk]))
    assert response.status_code == 200
    assert str(editors.pk) in response.content.decode()


def test_an_editor_made_now_publishes(client):
    editor = EditorFactory()
    client.force_login(editor)
    draft = ArticleFactory(draft=True, published_at=timezone.now() - dt.timedelta(days=1))
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.is_published
    assert draft.editor == editor
    assert draft.history.first().history_user == editor
