"""The roles of the editors' room for browser tests: groups as migration 0014_roles makes
them, and people signed in through the login page.

A transactional test empties every table when it ends (Django then recreates only
content types and permissions), so the groups are made again here from the
migration's own lists when they are missing.
"""

import importlib

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

roles_migration = importlib.import_module("articles.migrations.0014_roles")
CONTRIBUTORS = roles_migration.CONTRIBUTORS
EDITORS = roles_migration.EDITORS
ADMINISTRATORS = roles_migration.ADMINISTRATORS
PASSWORD = "Guangxue-Bianji-2025!"


def role_group(name):
    """The group of role ``name`` with the permissions the migration gives it."""
    group, created = Group.objects.get_or_create(name=name)
    if created:
        wanted = Q(pk__in=[])
        for (app_label, model), actions in roles_migration.ROLES[name].items():
            wanted |= Q(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=roles_migration.codenames(actions, model),
            )
        group.permissions.set(Permission.objects.filter(wanted))
    return group


def member(django_user_model, role, username, first_name, last_name="", email=""):
    """A staff user in ``role``'s group who signs in with ``PASSWORD``."""
    user = django_user_model.objects.create_user(
        username,
        password=PASSWORD,
        is_staff=True,
        first_name=first_name,
        last_name=last_name,
        email=email or f"{username}@example.com",
    )
    user.groups.add(role_group(role))
    return user


def sign_in(page, live_server, user):
    """Sign ``user`` in through the admin's login page."""
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
