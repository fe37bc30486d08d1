"""The 编辑 (Editors) group: posts stories, events and organisations; no user admin."""

from django.db import migrations

GROUP_NAME = "编辑"

PERMISSIONS = {
    "article": ["add", "change", "view"],
    "event": ["add", "change", "view"],
    "eventorganiser": ["add", "change", "delete", "view"],
    "organisation": ["add", "change", "view"],
    "topic": ["add", "change", "view"],
    "taggedarticle": ["add", "change", "delete", "view"],
    "place": ["view"],
}


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make sure they
    # exist now so the group can be given them on a fresh database.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    codenames = [
        f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions
    ]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
    )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
