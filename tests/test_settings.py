"""Settings fail closed; the test settings match production's language and time."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent


def import_settings(**env):
    """Import portal.settings in a fresh interpreter with only ``env`` set."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL"))
    }
    code = textwrap.dedent(
        """
        import json
        import portal.settings as s

        print(json.dumps({
            "DEBUG": s.DEBUG,
            "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
            "ENGINE": s.DATABASES["default"]["ENGINE"],
            "CACHE": s.CACHES["default"]["BACKEND"],
            "SECRET_KEY": s.SECRET_KEY,
            "SECURE_SSL_REDIRECT": getattr(s, "SECURE_SSL_REDIRECT", False),
        }))
        """
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_no_secret_key_and_no_debug_refuses_to_start():
    result = import_settings()
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def manage(*args, **env):
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_manage_py_without_a_secret_key_says_why_it_refuses():
    """Not Django's misleading "Models aren't loaded yet" from the system checks."""
    for command in ("check", "migrate", "runserver"):
        result = manage(command)
        assert result.returncode != 0, command
        assert "DJANGO_SECRET_KEY must be set" in result.stderr, command
        assert "Traceback" not in result.stderr  # a sentence, not a crash


def test_makemigrations_check_needs_no_secret_key():
    """It reads models and migrations and signs nothing: CI and a fresh clone run it bare."""
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_migrations_match_the_models():
    result = manage("makemigrations", "--check", "--dry-run", DJANGO_SECRET_KEY="x")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_an_empty_secret_key_is_no_secret_key():
    result = import_settings(DJANGO_SECRET_KEY="", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_debug_is_off_unless_asked_for():
    for value in ("", "0", "false", "no", "off", "nonsense"):
        result = import_settings(DJANGO_SECRET_KEY="s3cret", DJANGO_DEBUG=value)
        assert result.returncode == 0, result.stderr
        loaded = json.loads(result.stdout)
        assert loaded["DEBUG"] is False, value
        assert loaded["ALLOWED_HOSTS"] == []


def test_debug_without_a_secret_key_starts_with_a_development_key():
    result = import_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["DEBUG"] is True
    assert loaded["SECRET_KEY"].startswith("insecure")
    assert "localhost" in loaded["ALLOWED_HOSTS"]


def test_database_cache_hosts_and_https_come_from_the_environment():
    result = import_settings(
        DJANGO_SECRET_KEY="s3cret",
        DATABASE_URL="postgresql://portal@db.example:5432/portal",
        CACHE_URL="redis://cache.example:6379/0",
        DJANGO_ALLOWED_HOSTS="news.example, www.news.example",
        DJANGO_HTTPS="1",
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["ENGINE"] == "django.db.backends.postgresql"
    assert loaded["CACHE"] == "portal.cache.ReusingRedisCache"  # Django's, reusing its client
    assert loaded["ALLOWED_HOSTS"] == ["news.example", "www.news.example"]
    assert loaded["SECURE_SSL_REDIRECT"] is True


def test_sqlite_by_default_and_local_memory_cache():
    result = import_settings(DJANGO_SECRET_KEY="s3cret")
    loaded = json.loads(result.stdout)
    assert loaded["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
