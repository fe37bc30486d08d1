"""Reverting an object to an earlier version, and restoring a deleted story
(docs/history.md). Each goes through the model's own save(): a story is sanitised and
indexed, caches go stale as after any edit, and the step is itself a new version.
Who may do it is decided by the admin (articles/admin/history.py) and articles/roles.py."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils.text import capfirst
from django.utils.translation import gettext

from . import roles
from .history import (
    NEVER_REVERTED,
    RESTORE_REASON,
    REVERT_REASON,
    REVIEW_FIELDS,
    field_changes,
    is_link,
    links_of_versions,
    related_names,
    save_links_into_version,
    tracked_fields,
    values_of,
)
from .models import Article, Status

# --- Revert and restore ----------------------------------------------------------------------


@dataclass
class RevertPlan:
    """What a revert of ``obj`` to ``record`` would do: the values it sets, the links it
    sets, the changes as shown, what it keeps and why, and why it cannot be done."""

    values: dict
    links: dict
    changes: list
    kept: list
    errors: list


def _exists(related_model, pk):
    return related_model._default_manager.filter(pk=pk).exists()


def _file_exists(f, name):
    try:
        return f.storage.exists(name)
    except Exception:  # noqa: BLE001 - a storage that cannot tell: do not rely on the file
        return False


def plan_revert(obj, record, user):
    """Compare ``obj`` as it is with the version ``record`` and decide, field by field,
    what a revert by ``user`` sets (never ``NEVER_REVERTED``; for a story, a contributor
    never the publication and review fields; never a link to a row that is gone or a
    picture file that was removed)."""
    model = type(obj)
    fields = tracked_fields(model)
    links = links_of_versions(model, [record])[record.pk]
    current = values_of(obj, fields)
    target = values_of(record, fields, links)
    restricted = set()
    if isinstance(obj, Article) and not roles.can_publish(user):
        restricted = set(roles.PUBLICATION_FIELDS) | set(REVIEW_FIELDS)
    values, set_links, kept = {}, {}, []
    result = dict(current)
    for f in fields:
        name = f.name
        if name in NEVER_REVERTED or current[name] == target[name]:
            continue
        label = capfirst(str(f.verbose_name))
        if name in restricted:
            kept.append(
                (label, gettext("Only editors may change the publication and review fields."))
            )
            continue
        value = target[name]
        if is_link(f):
            alive = set(
                f.related_model._default_manager.filter(pk__in=value).values_list("pk", flat=True)
            )
            if alive != set(value):
                kept.append((label, gettext("Some of them no longer exist and are left out.")))
            if alive != set(current[name]):
                set_links[name] = alive
                result[name] = frozenset(alive)
            continue
        if (
            (f.many_to_one or f.one_to_one)
            and value is not None
            and not _exists(f.related_model, value)
        ):
            kept.append((label, gettext("The earlier choice no longer exists; it stays as it is.")))
            continue
        if isinstance(f, models.FileField) and value and not _file_exists(f, value):
            kept.append(
                (label, gettext("The earlier file is no longer stored; it stays as it is."))
            )
            continue
        values[f.attname] = value
        result[name] = value
    names = related_names(fields, [current, result])
    changes = field_changes(fields, current, result, names)
    return RevertPlan(values, set_links, changes, kept, errors=[])


def _apply_values(obj, values):
    for attname, value in values.items():
        setattr(obj, attname, value)


def check_revert(obj, plan):
    """Validate ``obj`` as the plan would leave it (fields it changes, the model's own
    rules, unique names): a slug another row took since, an end before a start. Returns
    the messages; ``obj`` is left changed, so pass a copy."""
    _apply_values(obj, plan.values)
    changed = {f.name for f in type(obj)._meta.concrete_fields if f.attname in plan.values}
    exclude = {f.name for f in type(obj)._meta.fields if f.name not in changed}
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        return [
            f"{capfirst(str(type(obj)._meta.get_field(name).verbose_name))}: {message}"
            if name != "__all__" and name in changed
            else message
            for name, messages_ in error.message_dict.items()
            for message in messages_
        ]
    return []


def revert(obj, record, plan):
    """Set ``obj`` to the version ``record`` as ``plan`` says, through the model's own
    save() (sanitising, search index, caches), recorded as a new version."""
    with transaction.atomic():
        _apply_values(obj, plan.values)
        obj._change_reason = f"{REVERT_REASON}{record.pk}"
        # The version this save makes copies the links as they are now ...
        obj.save()
        if plan.links:
            # ... and is then given the links of the version reverted to.
            save_links_into_version(obj, plan.links)
    return obj


def deleted_stories():
    """The last deletion of each story that is still deleted, newest first."""
    history_model = Article.history.model
    later = history_model.objects.filter(id=OuterRef("id"), history_id__gt=OuterRef("history_id"))
    return (
        history_model.objects.filter(history_type="-")
        .exclude(Exists(later))
        .exclude(id__in=Article.objects.values("pk"))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


@dataclass
class RestorePlan:
    values: dict
    organisations: set
    lost: list


def plan_restore(record):
    """A deleted story's last values as a draft, under its old id; links to rows deleted
    since are left out and named in ``lost``."""
    model_fields = [
        f
        for f in Article._meta.concrete_fields
        if f.attname in {h.attname for h in type(record)._meta.concrete_fields}
    ]
    values = {f.attname: getattr(record, f.attname) for f in model_fields}
    values["status"] = Status.DRAFT
    values["submitted_at"] = None  # a restored story does not wait for review by surprise
    lost = []
    for f in model_fields:
        value = values[f.attname]
        if (f.many_to_one or f.one_to_one) and value is not None:
            if not _exists(f.related_model, value):
                values[f.attname] = None
                lost.append(capfirst(str(f.verbose_name)))
        elif isinstance(f, models.FileField) and value and not _file_exists(f, value):
            values[f.attname] = ""
            values["cover_width"] = values["cover_height"] = None
            lost.append(capfirst(str(f.verbose_name)))
    # The deletion's own version has no links (they go before the story does): the links
    # are those of the version before it.
    before = (
        type(record)
        .objects.filter(id=record.id, history_id__lt=record.history_id)
        .exclude(history_type="-")
        .order_by("-history_id")
        .first()
    )
    wanted = set()
    if before is not None:
        wanted = set(links_of_versions(Article, [before])[before.pk].get("organisations", ()))
    field_ = Article._meta.get_field("organisations")
    organisations = set(
        field_.related_model.objects.filter(pk__in=wanted).values_list("pk", flat=True)
    )
    if organisations != wanted:
        lost.append(capfirst(str(field_.verbose_name)))
    return RestorePlan(values, organisations, lost)


def restore(record, plan):
    """Recreate the deleted story of ``record`` as a draft with its old id."""
    with transaction.atomic():
        article = Article(**plan.values)
        article._change_reason = f"{RESTORE_REASON}{record.pk}"
        article.save(force_insert=True)
        # created_at is set on insert; the story keeps the time it was first created.
        Article.objects.filter(pk=article.pk).update(created_at=record.created_at)
        save_links_into_version(article, {"organisations": plan.organisations})
    return article
