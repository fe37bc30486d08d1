"""manage.py backup and restore (make backup, make restore FILE=…), on SQLite and PostgreSQL.

The backup runs in this process, from the test database (in memory on SQLite: it is copied
from the live connection). Each restore runs as `manage.py restore` in a subprocess, the
way an operator runs it, into a fresh database of the same kind (a new SQLite file, or a
new PostgreSQL database made beside the test database and dropped afterwards) and a
fresh media folder; a second subprocess then reads back what was restored.
"""

import contextlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import types
import urllib.parse
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from PIL import Image

from articles.models import Article, ContentVersion, Event, Organisation, Place, Topic

from .factories import ArticleFactory, EventFactory, OrganisationFactory, PlaceFactory, TopicFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(settings.BASE_DIR)
VENDOR = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def png(color):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), color).save(buffer, "PNG")
    return buffer.getvalue()


def state():
    """What a restore must bring back, as plain JSON values (also run by the subprocess:
    `from tests.test_backup import state`)."""
    return {
        "stories": [
            [
                a.pk,
                a.title,
                a.status,
                a.cover.name,
                a.place_id,
                a.event_id,
                sorted(t.name for t in a.topics.all()),
                sorted(o.pk for o in a.organisations.all()),
            ]
            for a in Article.objects.order_by("pk")
        ],
        "events": [[e.pk, e.title, e.place_id] for e in Event.objects.order_by("pk")],
        "organisations": [[o.pk, o.name, o.logo.name] for o in Organisation.objects.order_by("pk")],
        "places": [[p.pk, p.name, p.parent_id] for p in Place.objects.order_by("pk")],
        "topics": [[t.pk, t.name] for t in Topic.objects.order_by("pk")],
        "version": ContentVersion.current().version,
    }


@pytest.fixture
def content():
    province = PlaceFactory(name="浙江省", slug="zhejiang", kind="province")
    linhai = PlaceFactory(name="临海市", slug="linhai", kind="county", parent=province)
    glasses = TopicFactory(name="眼镜")
    lenses = TopicFactory(name="镜片")
    company = OrganisationFactory(
        name="浙江测试眼镜有限公司", place=linhai, logo=ContentFile(png("navy"), name="标志.png")
    )
    association = OrganisationFactory(name="中国测试光学协会")
    event = EventFactory(title="眼镜产业推进会", place=linhai)
    stories = [
        ArticleFactory(
            title="杜桥眼镜产业创新联盟成立",
            place=linhai,
            event=event,
            topics=[glasses, lenses],
            organisations=[company, association],
            cover=ContentFile(png("red"), name="联盟.png"),
        ),
        ArticleFactory(title="上饶光学元件产业发展", cover=ContentFile(png("green"), name="a.PNG")),
        ArticleFactory(title="草稿新闻", draft=True, topics=[glasses]),
    ]
    return types.SimpleNamespace(stories=stories, company=company, event=event)


@pytest.fixture
def fresh(tmp_path):
    """The URL of a new, empty database of the test database's kind."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'restored.sqlite3'}"
        return
    import psycopg  # noqa: PLC0415 - PostgreSQL only

    name = f"test_restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url(name)
    finally:
        with psycopg.connect(postgres_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_url(name):
    db = connection.settings_dict
    quote = urllib.parse.quote
    return (
        f"postgresql://{quote(db['USER'] or '', safe='')}:{quote(db['PASSWORD'] or '', safe='')}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    )


def manage(*args, database_url, media_root, answer=""):
    """`manage.py …` in a subprocess with only this database and media folder."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "CACHE_URL", "PAGE_CACHE"))
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_MEDIA_ROOT=str(media_root),
        DJANGO_SECRET_KEY="backup-test-secret-key",
        DJANGO_PLAIN_STATIC="1",
    )
    return subprocess.run(
        [sys.executable, "manage.py", *map(str, args)],
        cwd=ROOT,
        env=env,
        input=answer,
        capture_output=True,
        text=True,
        timeout=300,
    )


def tables(database_url):
    if database_url.startswith("sqlite:"):
        path = Path(database_url.removeprefix("sqlite://"))
        if not path.exists():
            return []
        with contextlib.closing(sqlite3.connect(path)) as db:
            return [row[0] for row in db.execute("SELECT name FROM sqlite_master")]
    import psycopg  # noqa: PLC0415 - PostgreSQL only

    with psycopg.connect(database_url) as db:
        return [
            row[0]
            for row in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]


def backup(tmp_path):
    archive = tmp_path / "backups" / "portal-test.tar.gz"
    out = io.StringIO()
    call_command("backup", output=str(archive), stdout=out)
    assert str(archive) in out.getvalue()
    return archive


def manifest_of(archive):
    with tarfile.open(archive, "r:gz") as tar:
        first = tar.next()
        assert first.name == "manifest.json"
        return json.load(tar.extractfile(first))


def test_backup_then_restore_into_a_fresh_database(content, fresh, tmp_path):
    media = Path(settings.MEDIA_ROOT)
    images = {
        name: (media / name).read_bytes()
        for name in [*(s.cover.name for s in content.stories if s.cover), content.company.logo.name]
    }
    assert len(images) == 3
    before = json.loads(json.dumps(state()))

    archive = backup(tmp_path)

    manifest = manifest_of(archive)
    assert manifest["format_version"] == 1
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["counts"] == {
        "stories": 3,
        "events": 1,
        "organisations": 2,
        "places": 2,
        "topics": 2,
        "media_files": 23,  # 3 uploads, 9 renditions of each cover, 2 of the logo
    }
    assert manifest["migrations"]["articles"].startswith("00")
    with tarfile.open(archive, "r:gz") as tar:
        names = set(tar.getnames())
    assert {f"media/{name}" for name in images} <= names

    restored_media = tmp_path / "restored-media"
    result = manage("restore", archive, "--yes", database_url=fresh, media_root=restored_media)
    assert result.returncode == 0, result.stderr
    assert "stories                  3         3" in result.stdout
    assert "media files             23        23" in result.stdout

    read = manage(
        "shell",
        "-v0",
        "-c",
        "import json; from tests.test_backup import state; print(json.dumps(state()))",
        database_url=fresh,
        media_root=restored_media,
    )
    assert read.returncode == 0, read.stderr
    after = json.loads(read.stdout.strip().splitlines()[-1])
    # The same rows under the same ids, and a new content version: nothing cached
    # before the restore can be served after it.
    assert after["version"] != before.pop("version")
    after.pop("version")
    assert after == before
    for name, data in images.items():
        assert (restored_media / name).read_bytes() == data, name
    assert sorted(p.name for p in restored_media.iterdir()) == ["covers", "logos", "renditions"]


def test_restore_refuses_a_dump_of_the_other_kind_of_database(content, tmp_path):
    archive = backup(tmp_path)
    if connection.vendor == "sqlite":
        other, kind = "postgresql://nobody@127.0.0.1:1/nothing", "PostgreSQL"
    else:
        other, kind = f"sqlite:///{tmp_path / 'other.sqlite3'}", "SQLite"
    restored_media = tmp_path / "other-media"

    result = manage("restore", archive, "--yes", database_url=other, media_root=restored_media)

    assert result.returncode == 1
    assert f"holds a {VENDOR[connection.vendor]} database" in result.stderr
    assert f"the configured database is the {kind} database" in result.stderr
    assert "Nothing was changed." in result.stderr
    assert not restored_media.exists()
    if kind == "SQLite":
        assert tables(other) == []


def test_restore_asks_first_and_no_changes_nothing(content, fresh, tmp_path):
    archive = backup(tmp_path)
    restored_media = tmp_path / "kept-media"
    restored_media.mkdir()
    (restored_media / "keep.txt").write_text("这里的文件不动")

    result = manage(
        "restore", archive, database_url=fresh, media_root=restored_media, answer="no\n"
    )

    assert result.returncode == 1
    assert 'Type "yes" to replace them' in result.stdout
    assert "Restore cancelled: nothing was changed." in result.stderr
    assert tables(fresh) == []
    assert [p.name for p in restored_media.iterdir()] == ["keep.txt"]


def test_restore_refuses_entries_outside_media(content, fresh, tmp_path):
    archive = backup(tmp_path)
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(evil, "w:gz") as tar:
        for member in source:
            tar.addfile(member, source.extractfile(member))
        payload = b"owned"
        member = tarfile.TarInfo("media/../../escaped.txt")
        member.size = len(payload)
        tar.addfile(member, io.BytesIO(payload))
    restored_media = tmp_path / "m" / "media"

    result = manage("restore", evil, "--yes", database_url=fresh, media_root=restored_media)

    assert result.returncode == 1
    assert "Unexpected entry 'media/../../escaped.txt'" in result.stderr
    assert tables(fresh) == []
    assert not (tmp_path / "escaped.txt").exists()
    assert list(restored_media.iterdir()) == []
