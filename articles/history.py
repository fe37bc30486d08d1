"""Versions of stories, events, organisations, places and topics (docs/history.md): their
values, what changed between two, and reverting or restoring one. No admin here: the
pages are articles/admin/history.py; who may do what is decided there and in
articles/roles.py, and the text comparison is articles/history_diff.py.

django-simple-history keeps a row per change. A revert or a restore goes through the
model's own save(), so a story is sanitised and indexed and caches go stale as after any
edit, and is itself recorded as a new version: nothing is lost.
"""

from dataclasses import dataclass, field
from functools import cache

from django.contrib.auth import get_user_model
from django.db import models
from django.dispatch import receiver
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from django_prose_editor.fields import ProseEditorField
from simple_history.signals import post_create_historical_record
from simple_history.utils import get_m2m_reverse_field_name

from . import history_diff
from .ingest.typography import TYPOGRAPHY_REASON
from .models.stories import person_name

#: Larger ids are not ids of any version (and would overflow an integer column).
MAX_ID = 2**31 - 1

#: A story's review fields: like the publication fields, a contributor's revert keeps them.
REVIEW_FIELDS = ("submitted_at", "review_note", "reviewed_by", "reviewed_at")
#: Kept by the history but not shown as changes: a picture's size follows the picture, and
#: the creation time never changes.
HIDDEN_FIELDS = frozenset({"cover_width", "cover_height", "created_at"})
#: Never set by a revert: who wrote a story is not an editorial choice, and the creation
#: time is the database's.
NEVER_REVERTED = frozenset({"created_by", "created_at", "cover_width", "cover_height"})

#: How a change reason written here starts; the rest is the version it went back to.
REVERT_REASON, RESTORE_REASON = "revert:", "restore:"


# --- Which version an instance was last saved as ---------------------------------------------


@receiver(post_create_historical_record, dispatch_uid="articles.history.last_record")
def _remember_last_record(sender, instance, history_instance, **kwargs):
    # Lets the admin complete the version a save just made with the links set after it
    # (save_related), so one save is one version rather than one per link change.
    instance._history_last_record = history_instance


def save_links_into_version(obj, links):
    """Set ``obj``'s versioned many-to-many ``links`` ({field name: ids}) without the
    versions each change would make, then copy them into the version ``obj``'s last save
    made."""
    obj.skip_history_when_saving = True
    try:
        for name, ids in links.items():
            getattr(obj, name).set(ids)
    finally:
        del obj.skip_history_when_saving
    copy_links_into(getattr(obj, "_history_last_record", None), obj)


def copy_links_into(record, obj):
    """Make ``record``'s copies of the many-to-many links those ``obj`` has now."""
    if record is None:
        return
    for m2m_field in type(record)._history_m2m_fields:
        m2m_model = getattr(type(record), m2m_field.name).model
        through = m2m_field.remote_field.through
        attnames = [f.attname for f in through._meta.concrete_fields]
        rows = through.objects.filter(**{m2m_field.m2m_field_name(): obj.pk})
        m2m_model.objects.filter(history=record).delete()
        m2m_model.objects.bulk_create(
            m2m_model(history=record, **{name: getattr(row, name) for name in attnames})
            for row in rows
        )


# --- Values of a version ---------------------------------------------------------------------


@cache
def tracked_fields(model):
    """The fields of ``model`` its history keeps and shows, many-to-many links included,
    in the order they are declared (not the id, not ``HIDDEN_FIELDS``)."""
    history_model = model.history.model
    kept = {f.attname for f in history_model._meta.concrete_fields}
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.attname in kept and not f.primary_key and f.name not in HIDDEN_FIELDS
    ]
    links = list(getattr(history_model, "_history_m2m_fields", []))
    return tuple(sorted(fields + links, key=lambda f: f.creation_counter))


def is_link(model_field):
    return model_field.many_to_many


def values_of(obj, fields, links=None):
    """{field name: raw value} of a live object or a historical version: the id of a
    related row, a file's name, the set of linked ids (from ``links`` when given)."""
    values = {}
    for f in fields:
        if is_link(f):
            if links is not None:
                values[f.name] = links.get(f.name, frozenset())
            else:
                values[f.name] = frozenset(getattr(obj, f.name).values_list("pk", flat=True))
            continue
        value = getattr(obj, f.attname)
        if isinstance(f, models.FileField):
            value = getattr(value, "name", value) or ""
        values[f.name] = value
    return values


def links_of_versions(model, records):
    """{version id: {link field name: frozenset of ids}} for many versions in one query per
    link field (a story's organisations)."""
    result = {record.pk: {} for record in records}
    history_model = model.history.model
    for m2m_field in getattr(history_model, "_history_m2m_fields", []):
        m2m_model = getattr(history_model, m2m_field.name).model
        target = f"{get_m2m_reverse_field_name(m2m_field)}_id"
        pairs = {pk: set() for pk in result}
        rows = m2m_model.objects.filter(history_id__in=list(result)).values_list(
            "history_id", target
        )
        for history_id, target_id in rows:
            pairs[history_id].add(target_id)
        for pk, ids in pairs.items():
            result[pk][m2m_field.name] = frozenset(ids)
    return result


def user_label(user):
    """A person as the editors know them: the full name (a Chinese one family name first)
    with the login name, or the login name alone."""
    if user is None:
        return gettext("nobody (a script or an import)")
    name = person_name(user).strip()
    username = user.get_username()
    return f"{name} ({username})" if name and name != username else username


def related_names(fields, value_maps):
    """{(related model, id): name} for every related row any of ``value_maps`` refers to:
    one query per related model."""
    wanted: dict[type, set] = {}
    for f in fields:
        if not (f.many_to_one or f.one_to_one or f.many_to_many):
            continue
        ids = wanted.setdefault(f.related_model, set())
        for values in value_maps:
            value = values.get(f.name)
            if isinstance(value, frozenset):
                ids.update(value)
            elif value is not None:
                ids.add(value)
    names = {}
    user_model = get_user_model()
    for related_model, ids in wanted.items():
        ids.discard(None)
        if not ids:
            continue
        for row in related_model._default_manager.filter(pk__in=ids):
            label = user_label(row) if related_model is user_model else str(row)
            names[(related_model, row.pk)] = label
    return names


def name_of(f, value, names):
    if value is None:
        return ""
    name = names.get((f.related_model, value))
    if name is None:
        return gettext("#%(id)s (no longer exists)") % {"id": value}
    return name


def display_value(f, value, names):
    """A raw value as an editor reads it: names for related rows, labels for choices."""
    if value is None or value == "":
        return ""
    if f.many_to_one or f.one_to_one:
        return name_of(f, value, names)
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if isinstance(f, models.DateTimeField):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(f, models.DateField):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(f, models.TimeField):
        return formats.time_format(value, "TIME_FORMAT")
    return str(value)


@dataclass
class FieldChange:
    """One changed field: ``kind`` says how the template shows it ("text": the two sides
    marked; "body": compared paragraphs; "links": names removed and added; "value": the
    two values)."""

    name: str
    label: str
    kind: str
    old: str = ""
    new: str = ""
    rows: list = field(default_factory=list)
    links: history_diff.ListDiff | None = None
    note: str = ""


def _is_text(f):
    return isinstance(f, models.CharField | models.TextField) and not f.choices


def field_changes(fields, old, new, names):
    """What differs between the value maps ``old`` and ``new``, field by field."""
    changes = []
    changed = set(history_diff.changed_fields(old, new, [f.name for f in fields]))
    for f in fields:
        if f.name not in changed:
            continue
        before, after = old.get(f.name), new.get(f.name)
        label = capfirst(str(f.verbose_name))
        if is_link(f):
            links = history_diff.list_diff(
                [name_of(f, pk, names) for pk in before or ()],
                [name_of(f, pk, names) for pk in after or ()],
            )
            changes.append(FieldChange(f.name, label, "links", links=links))
        elif isinstance(f, ProseEditorField):
            rows = history_diff.paragraphs_diff(
                history_diff.html_paragraphs(before or ""),
                history_diff.html_paragraphs(after or ""),
            )
            note = ""
            if all(row.kind in ("equal", "skipped") for row in rows):
                note = gettext("Only the formatting changed, not the text.")
            changes.append(
                FieldChange(f.name, label, "body", rows=[_safe_row(r) for r in rows], note=note)
            )
        elif _is_text(f):
            # history_diff escapes every character of the texts it marks.
            diff = history_diff.inline_diff(str(before or ""), str(after or ""))
            old_html, new_html = mark_safe(diff.old_html), mark_safe(diff.new_html)
            changes.append(FieldChange(f.name, label, "text", old_html, new_html))
        else:
            changes.append(
                FieldChange(
                    f.name,
                    label,
                    "value",
                    display_value(f, before, names),
                    display_value(f, after, names),
                )
            )
    return changes


def _safe_row(row):
    # history_diff escapes every character of the text it marks.
    return {
        "kind": row.kind,
        "old": mark_safe(row.old_html),
        "new": mark_safe(row.new_html),
        "skipped": row.skipped,
    }


def describe(record):
    """What kind of change a version was, in words."""
    reason = record.history_change_reason or ""
    if reason.startswith(REVERT_REASON):
        return gettext("Reverted to an earlier version")
    if reason.startswith(RESTORE_REASON):
        return gettext("Restored after deletion")
    return {"+": gettext("Added"), "~": gettext("Edited"), "-": gettext("Deleted")}.get(
        record.history_type, record.history_type
    )


def reason_of(record):
    """The words a change was saved with (submitted for review, sent back …), if any."""
    reason = record.history_change_reason or ""
    if reason.startswith((REVERT_REASON, RESTORE_REASON)):
        return ""
    if reason == TYPOGRAPHY_REASON:
        return gettext("Punctuation made full-width")
    return reason
