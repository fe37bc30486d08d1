"""Who may do what in the editors' room: the rules every admin view and action asks.

The groups and their permissions are made by migration 0014_roles; this module adds
the rules that depend on the object (docs/editors.md):

- a contributor (撰稿) changes only stories they wrote that were never published and
  are not waiting for review, and never their publication fields;
- publishing, scheduling and taking down need ``articles.publish_article`` (editors,
  administrators);
- deleting a story: a contributor their own unpublished drafts, an editor any story
  that is not published, an administrator any;
- places: editors add and change towns and development zones only, below a city or
  county; the tree above is the administrators' (``articles.manage_place_tree``).
"""

from .models import Status

CONTRIBUTORS, EDITORS, ADMINISTRATORS = "撰稿", "编辑", "管理员"

PUBLISH = "articles.publish_article"
MANAGE_PLACE_TREE = "articles.manage_place_tree"

#: Story fields only those who publish may set.
PUBLICATION_FIELDS = ("status", "published_at", "unpublish_at", "featured", "editor")


def is_administrator(user) -> bool:
    return user.is_active and (
        user.is_superuser or user.groups.filter(name=ADMINISTRATORS).exists()
    )


def can_publish(user) -> bool:
    """May ``user`` publish, schedule, take down and unpublish stories?"""
    return user.has_perm(PUBLISH)


def was_published(article) -> bool:
    """Has ``article`` been out (published, scheduled, or taken down)? A draft that was
    published once and unpublished counts, through its history."""
    if article.pk is None:
        return False
    if article.status == Status.PUBLISHED:
        return True
    history = getattr(article, "history", None)
    return bool(history and history.filter(status=Status.PUBLISHED).exists())


def can_change_story(user, article) -> bool:
    """May ``user`` change ``article`` (None: stories in general)?"""
    if not user.has_perm("articles.change_article"):
        return False
    if article is None or can_publish(user):
        return True
    return (
        article.created_by_id == user.pk
        and article.status == Status.DRAFT
        and article.submitted_at is None
        and not was_published(article)
    )


def can_delete_story(user, article) -> bool:
    """May ``user`` delete ``article`` (None: stories in general)?"""
    if not user.has_perm("articles.delete_article"):
        return False
    if article is None or is_administrator(user):
        return True
    if article.status == Status.PUBLISHED or was_published(article):
        return False
    return can_publish(user) or article.created_by_id == user.pk


def can_view_story(user, article) -> bool:
    """Contributors see their own stories only; editors all."""
    if not user.has_perm("articles.view_article"):
        return False
    return article is None or can_publish(user) or article.created_by_id == user.pk
