"""Which changes make cached pages and counts stale: every write readers could see.

Every model of this app except the version row itself, saved, deleted or with its
many-to-many links changed (topics, organisations), bumps the content version
(``ContentVersion.bump``), and so do user accounts, whose names are printed as the
responsible editor. Writes that bypass signals (``QuerySet.update``) call
``content_changed()`` themselves: the admin's publish and unpublish actions do.
Counting a story's readers (articles/readcounts.py) deliberately does not.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save
from simple_history.models import HistoricalChanges

from .models import ContentVersion, DailyReads


def content_changed(**kwargs):
    ContentVersion.bump()


def _user_saved(sender, update_fields=None, **kwargs):
    # Logging in saves last_login only: nothing a reader sees.
    if update_fields and set(update_fields) <= {"last_login"}:
        return
    ContentVersion.bump()


def connect(app_config):
    """Connect the receivers (from AppConfig.ready)."""
    for model in app_config.get_models():
        if model in (ContentVersion, DailyReads) or issubclass(model, HistoricalChanges):
            continue  # not what readers see (a change's history comes with the change)
        uid = f"content-changed:{model._meta.label}"
        post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}:delete")
    for through in _many_to_many_throughs(app_config):
        m2m_changed.connect(
            _links_changed, sender=through, dispatch_uid=f"content-changed:{through}:m2m"
        )
    user = get_user_model()
    post_save.connect(_user_saved, sender=user, dispatch_uid="content-changed:user:save")
    post_delete.connect(content_changed, sender=user, dispatch_uid="content-changed:user:delete")


def _links_changed(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        ContentVersion.bump()


def _many_to_many_throughs(app_config):
    """The automatic through tables (Article.organisations); taggit's TaggedArticle is a
    model of this app and sends m2m_changed with itself as the sender, connected too."""
    throughs = set()
    for model in app_config.get_models():
        if issubclass(model, HistoricalChanges):
            continue
        for field in model._meta.local_many_to_many:
            throughs.add(field.remote_field.through)
    throughs |= {
        model for model in app_config.get_models() if model._meta.model_name == "taggedarticle"
    }
    return throughs
