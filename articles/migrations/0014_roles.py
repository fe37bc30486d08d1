"""The three roles of the editors' room (docs/editors.md), as groups.

- 撰稿 (contributor): writes and edits their own drafts and submits them for review.
- 编辑 (editor, the group of 0002): reviews, publishes, schedules, edits everything
  editorial, adds towns and zones and organisations, merges topics.
- 管理员 (site administrator): everything an editor does, plus users, groups, the place
  tree above towns, deleting, and lifting sign-in lock-outs.

Which story a contributor may change, and that editors add places only below city
level, is decided per object in the admin (articles/roles.py); the permissions here
are what each role may reach at all.
"""

from django.db import migrations

CONTRIBUTORS, EDITORS, ADMINISTRATORS = "撰稿", "编辑", "管理员"

#: (app label, model) -> actions, per role; custom permissions by their codename.
CONTRIBUTOR_PERMISSIONS = {
    ("articles", "article"): ["add", "change", "delete", "view"],
    ("articles", "taggedarticle"): ["add", "change", "delete", "view"],
    ("articles", "topic"): ["view"],
    ("articles", "place"): ["view"],
    ("articles", "organisation"): ["view"],
    ("articles", "event"): ["view"],
}
EDITOR_PERMISSIONS = {
    ("articles", "article"): ["add", "change", "delete", "view", "publish_article"],
    ("articles", "event"): ["add", "change", "view"],
    ("articles", "eventorganiser"): ["add", "change", "delete", "view"],
    ("articles", "organisation"): ["add", "change", "view"],
    ("articles", "topic"): ["add", "change", "delete", "view"],
    ("articles", "taggedarticle"): ["add", "change", "delete", "view"],
    ("articles", "place"): ["add", "change", "view"],
}
ADMINISTRATOR_PERMISSIONS = {
    **{
        ("articles", model): ["add", "change", "delete", "view"]
        for model in (
            "article",
            "event",
            "eventorganiser",
            "organisation",
            "topic",
            "taggedarticle",
            "place",
        )
    },
    ("articles", "article"): ["add", "change", "delete", "view", "publish_article"],
    ("articles", "place"): ["add", "change", "delete", "view", "manage_place_tree"],
    ("auth", "user"): ["add", "change", "delete", "view"],
    ("auth", "group"): ["add", "change", "delete", "view"],
    ("axes", "accessattempt"): ["view", "delete"],
    ("axes", "accessfailurelog"): ["view", "delete"],
    ("axes", "accesslog"): ["view", "delete"],
}
ROLES = {
    CONTRIBUTORS: CONTRIBUTOR_PERMISSIONS,
    EDITORS: EDITOR_PERMISSIONS,
    ADMINISTRATORS: ADMINISTRATOR_PERMISSIONS,
}
#: Custom permissions, named by codename alone.
SPECIAL = {"publish_article", "manage_place_tree"}


def codenames(actions, model):
    return [action if action in SPECIAL else f"{action}_{model}" for action in actions]


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they exist.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for (app_label, model), actions in permissions.items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    content_type__model=model,
                    codename__in=codenames(actions, model),
                )
            )


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=[CONTRIBUTORS, ADMINISTRATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_editors_room"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("axes", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
