#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

#: Commands that only read the models and migrations: they sign nothing and serve
#: nothing, so they run without DJANGO_SECRET_KEY (``makemigrations --check`` in CI or a
#: fresh clone). Every other command still fails closed (portal/settings.py).
KEYLESS_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate"}


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if len(sys.argv) > 1 and sys.argv[1] in KEYLESS_COMMANDS:
        os.environ.setdefault("DJANGO_SECRET_KEY", "unused-by-" + sys.argv[1])
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings module now
    except ImproperlyConfigured as error:
        # Django would swallow this and fail later with a misleading
        # "Models aren't loaded yet" from the system checks.
        sys.exit(f"manage.py: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
