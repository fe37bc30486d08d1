"""What an editor or a stranger sends never takes a page down, loses a story or opens
the admin: one test (or more) per defect the hostile-user review found, run on SQLite
and PostgreSQL. The import's defects are in tests/test_ingest_*.py, the property-based
tests over every query parameter and cookie in tests/test_fuzz.py."""

import logging
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from articles.models import Article, Event, Place

from .factories import (
    PASSWORD,
    ArticleFactory,
    EditorFactory,
    PlaceFactory,
    SuperUserFactory,
    TopicFactory,
    UserFactory,
)
from .test_admin import admin_url, png_file, story_form

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


# --- 1. Dates outside 1949–2100 are a form error everywhere a date is typed --------------------


@pytest.mark.parametrize(
    ("day", "time", "accepted"),
    [
        ("0001-01-01", "00:00:00", False),
        ("1900-12-31", "23:59:00", False),
        ("1948-12-31", "23:59:59", False),
        ("1949-01-01", "00:00:00", True),
        ("2100-12-31", "23:59:59", True),
        ("2101-01-01", "00:00:00", False),
        ("9999-12-31", "23:59:59", False),
    ],
)
def test_a_story_date_outside_the_sane_range_is_a_form_error(
    superuser_client, places, client, day, time, accepted
):
    data = story_form(places, published_at_0=day, published_at_1=time)
    response = superuser_client.post(admin_url(Article, "add"), data)
    if accepted:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "published_at" in errors  # 1949-01-01 … 2100-12-31, or a time that never was
    assert not Article.objects.exists()
    for url in ("/", "/articles/", "/search/?q=" + quote("光学"), admin_url(Article, "changelist")):
        assert superuser_client.get(url).status_code == 200, url


@pytest.mark.parametrize("field", ["starts_on", "ends_on", "published_at_0"])
def test_an_event_date_outside_the_sane_range_is_a_form_error(superuser_client, db, field):
    data = {
        "title": "远古大会",
        "starts_on": "2025-06-20",
        "ends_on": "2025-06-21",
        "status": "published",
        "published_at_0": "2025-06-01",
        "published_at_1": "09:00:00",
        "organiser_roles-TOTAL_FORMS": "0",
        "organiser_roles-INITIAL_FORMS": "0",
    }
    data[field] = "0001-01-01" if field != "ends_on" else "2205-01-01"
    response = superuser_client.post(admin_url(Event, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Event.objects.exists()
    assert superuser_client.get(admin_url(Event, "changelist")).status_code == 200


# --- 4. A wrong Host header is a 400 page, never a 500 --------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/articles/?page=x", "/articles/999999-none/", "/script/hant/?next=/", "/nope/"]
)
def test_a_host_we_do_not_serve_gets_a_400_page(client, db, settings, url):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["news.example.cn"]
    response = client.get(url, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "<h1>" in response.content.decode()  # our page, with its message


# --- 5. Brute force on the admin's login ---------------------------------------------------------


def sign_in(client, username, password, address="203.0.113.7"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_five_wrong_passwords_lock_the_user_out_from_that_address(client, db):
    editor = EditorFactory()
    for _ in range(4):
        assert sign_in(client, editor.username, "wrong").status_code == 200
    assert sign_in(client, editor.username, "wrong").status_code == 429  # the fifth
    locked = sign_in(client, editor.username, PASSWORD)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "5" in html and 'name="robots" content="noindex"' in html
    assert "_auth_user_id" not in client.session

    # Another address, or another user from this one, is not locked.
    assert sign_in(client, editor.username, PASSWORD, address="198.51.100.1").status_code == 302


def test_an_administrator_lifts_a_lock_out_in_the_admin(client, superuser_client, db):
    editor = EditorFactory()
    for _ in range(5):
        sign_in(client, editor.username, "wrong")
    assert sign_in(client, editor.username, PASSWORD).status_code == 429

    attempt = AccessAttempt.objects.get(username=editor.username)
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert superuser_client.post(url, {"post": "yes"}).status_code == 302

    assert sign_in(client, editor.username, PASSWORD).status_code == 302


def test_editors_cannot_see_or_lift_lock_outs(editor_client):
    assert editor_client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


# --- 7. A body has a bound the editor is told about ----------------------------------------------


def test_an_over_long_body_is_a_form_error_with_the_bound(superuser_client, places):
    body = "<p>" + "光" * 200_001 + "</p>"
    response = superuser_client.post(admin_url(Article, "add"), story_form(places, body=body))
    assert response.status_code == 200
    assert "body" in response.context["adminform"].form.errors
    assert not Article.objects.exists()


# --- 8. 繁 converts text, never addresses or form values ----------------------------------------


def test_traditional_pages_keep_filter_values_and_addresses(client, places):
    topic = TopicFactory(name="产学研合作")
    ArticleFactory(title="产学研合作推进会", topics=[topic], place=places.linhai)
    client.cookies["script"] = "hant"
    url = f"/articles/?topic={quote(topic.slug)}&q={quote('推进')}"
    html = client.get(url).content.decode()

    assert 'name="topic" value="产学研合作"' in html  # the hidden field, as sent
    assert f'href="/topics/{quote(topic.slug)}/"' in html  # the link, unchanged
    assert "產學研合作" in html and "推進" in html  # the text, converted
    # Pressing 应用 in 繁 mode submits the same values: a 200, not a 400.
    assert client.get(url + "&date_from=2020-01-01").status_code == 200


def test_readable_attributes_are_converted_and_addresses_are_not():
    from portal.script import convert_outside_markers  # noqa: PLC0415

    html = (
        '<a href="https://光学.cn/产业/" title="光学产业">光学</a>'
        '<img src="/media/光学.png" alt="光学元件">'
        '<input type="hidden" name="q" value="光学">'
        '<meta name="description" content="光学产业资讯">'
        '<script>var x = "光学";</script>'
    )
    converted = convert_outside_markers(html)
    assert 'href="https://光学.cn/产业/"' in converted and 'src="/media/光学.png"' in converted
    assert 'value="光学"' in converted and 'var x = "光学"' in converted
    assert 'title="光學產業"' in converted and 'alt="光學元件"' in converted
    assert 'content="光學產業資訊"' in converted and ">光學</a>" in converted


# --- 9. The responsible editor: staff only, a display name for readers -------------------------


def test_only_staff_can_be_the_responsible_editor_and_readers_see_a_name(
    superuser_client, client, db
):
    staff = EditorFactory(username="zhangsan", first_name="三", last_name="张")
    reader = UserFactory(username="reader")
    form = superuser_client.get(admin_url(Article, "add")).context["adminform"].form
    choices = set(form.fields["editor"].queryset)
    assert staff in choices and reader not in choices

    story = ArticleFactory(editor=staff)
    html = client.get(story.get_absolute_url()).content.decode()
    assert "张三" in html and "zhangsan" not in html


# --- 11. Places nest at most ten levels ---------------------------------------------------------


def test_a_place_too_deep_is_a_form_error_not_a_500(superuser_client, db):
    place = PlaceFactory(kind="province")
    for _ in range(9):
        place = PlaceFactory(kind="zone", parent=place)
    assert place.depth == 9
    response = superuser_client.post(
        admin_url(Place, "add"),
        {"name": "太深的地方", "slug": "", "kind": "zone", "parent": place.pk},
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    assert not Place.objects.filter(name="太深的地方").exists()


# --- 12. Unguessable cover names; one log line per 400 ------------------------------------------


def test_cover_images_get_unguessable_names(superuser_client, places):
    response = superuser_client.post(
        admin_url(Article, "add"),
        story_form(places, status="draft", cover=png_file(), cover_alt="一张测试图片"),
    )
    assert response.status_code == 302
    name = Article.objects.get().cover.name
    assert "cover" not in Path(name).stem and len(Path(name).stem) >= 20
    assert name.endswith(".png")


def test_a_bad_request_is_logged_on_one_line(client, db, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/articles/?page=x").status_code == 400
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records
    for handler in logging.getLogger().handlers:
        for record in records:
            for f in handler.filters:
                f.filter(record)
    assert all(record.exc_info is None for record in records)


# --- Guards: headers, health, a cache that does not answer --------------------------------------


def test_public_pages_carry_a_content_security_policy_and_the_usual_headers(client, site):
    for url in ("/", "/articles/", site.story.get_absolute_url(), "/search/?q=" + quote("眼镜")):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Frame-Options"] == "DENY"
        html = response.content.decode()
        assert " style=" not in html and "<style" not in html
        assert "<script>" not in html  # scripts come from files only


def test_the_admin_keeps_working_without_the_policy(superuser_client, site):
    response = superuser_client.get(admin_url(Article, "change", site.story.pk))
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response


def test_healthz_answers_200_when_database_and_cache_answer(client, db, settings):
    settings.PAGE_CACHE_SECONDS = 300
    for _ in range(2):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
        assert "no-store" in response["Cache-Control"]
        assert "X-Page-Cache" not in response


def test_healthz_answers_503_when_the_cache_does_not(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "set", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "down"


def test_readers_get_pages_when_the_cache_does_not_answer(client, site, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 300

    def broken(*args, **kwargs):
        raise ConnectionError("Redis is down")

    for method in ("get", "set", "get_many", "set_many"):  # pages and kept values
        monkeypatch.setattr(cache, method, broken)
    for url in ("/", "/articles/", "/places/zhejiang/", site.story.get_absolute_url()):
        assert client.get(url).status_code == 200, url


def test_check_deploy_is_clean_with_the_documented_production_settings():
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_",))}
    env.update(
        DJANGO_SECRET_KEY="a-long-random-production-secret-key-" + "x7Qm9" * 8,
        DJANGO_ALLOWED_HOSTS="news.example.cn",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://news.example.cn",
        DJANGO_HTTPS="1",
        DJANGO_HSTS_SECONDS="31536000",
        DJANGO_HSTS_INCLUDE_SUBDOMAINS="1",
        DJANGO_HSTS_PRELOAD="1",
        SITE_URL="https://news.example.cn",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_superusers_still_sign_in_normally(client, db):
    admin = SuperUserFactory()
    assert sign_in(client, admin.username, PASSWORD).status_code == 302
