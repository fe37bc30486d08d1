"""Several servers: two gunicorn instances on different ports share PostgreSQL and Redis.

Pages cached through one are served by the other, and an editor's change made through
one is seen at once through the other (the content version lives in the database, the
pages in the shared cache). Runs on the PostgreSQL pass of `make test`; SQLite is the
one-server default, so there it is skipped. Needs Redis on 127.0.0.1:6379 (`.ci/run`
starts it when it is down).
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from .factories import PASSWORD, ArticleFactory, SuperUserFactory

pytestmark = pytest.mark.django_db(transaction=True)

REDIS = "redis://127.0.0.1:6379/14"
ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def servers():
    if connection.vendor != "postgresql":
        pytest.skip("several servers share PostgreSQL; SQLite serves one machine")
    import redis  # noqa: PLC0415

    redis.Redis.from_url(REDIS).flushdb()  # fails loudly when Redis is down
    db = connection.settings_dict
    database_url = (
        f"postgresql://{urllib.parse.quote(db['USER'] or '')}"
        f":{urllib.parse.quote(db['PASSWORD'] or '')}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PAGE_"))
    }
    env.update(
        DATABASE_URL=database_url,
        CACHE_URL=REDIS,
        PAGE_CACHE_SECONDS="300",
        DJANGO_SECRET_KEY="several-servers-test",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_PLAIN_STATIC="1",
        DJANGO_LOG_LEVEL="ERROR",
    )
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    processes, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            processes.append(
                subprocess.Popen(
                    [gunicorn, "portal.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            wait_until_up(url, process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
        redis.Redis.from_url(REDIS).flushdb()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {process.stderr.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(f"{url}/robots.txt", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers.get("X-Page-Cache"), response.read().decode()


class Editor:
    """A logged-in admin session on one server, through its login form."""

    def __init__(self, base, username):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        page = self.get("/admin/login/")
        data = {"username": username, "password": PASSWORD, "next": "/admin/"}
        self.post("/admin/login/", data, page)

    def get(self, path):
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.read().decode()

    def post(self, path, data, page):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True)
        request = urllib.request.Request(
            self.base + path, data=body.encode(), headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=10) as response:
            return response.read().decode()


def test_an_edit_through_one_server_shows_at_once_through_the_other(servers, settings):
    one, two = servers
    # A password hash the servers can check (the tests' own fast hasher is not theirs).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    admin = SuperUserFactory()
    draft = ArticleFactory(title="两台服务器上的草稿", draft=True)
    shown = ArticleFactory(title="两台服务器上的新闻")

    # A page cached through one server is served from the shared cache by the other.
    assert fetch(f"{one}/")[0] == "miss"
    source, front = fetch(f"{two}/")
    assert source == "hit" and shown.title in front and draft.title not in front

    # An editor publishes the draft through server one ...
    editor = Editor(one, admin.username)
    changelist = editor.get("/admin/articles/article/")
    editor.post(
        "/admin/articles/article/",
        {"action": "publish", "_selected_action": [draft.pk], "index": "0"},
        changelist,
    )
    draft.refresh_from_db()
    assert draft.status == "published"
    # ... and readers of server two see it on their next request.
    source, front = fetch(f"{two}/")
    assert source == "miss" and draft.title in front
    assert fetch(f"{one}/")[0] == "hit"  # stored by two, served by one

    # A change made on the database directly (a script, a third server) shows as well.
    shown.title = "两台服务器上改过的新闻"
    shown.save()
    for server in (one, two):
        assert "两台服务器上改过的新闻" in fetch(f"{server}{shown.get_absolute_url()}")[1]
