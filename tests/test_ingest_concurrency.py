"""The same page imported at the same time makes one story (the database says so).

Each import reads "not imported yet" before any of them has saved, so the check in
Python cannot stop the copies: the unique fingerprint (migration 0012) does, and
``article_import`` answers the losers with the story imported first. Runs on SQLite
(whose immediate transactions take turns) and PostgreSQL (where the losers wait on the
unique index, then fail and read the winner).
"""

import sqlite3
import threading

import pytest
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections
from django.db.migrations.executor import MigrationExecutor

from articles.ingest.importer import article_import, fingerprint
from articles.models import Article

from .factories import ArticleFactory

PAGE = (
    "台州眼镜产业迎来新机遇\n2025年3月5日 来源：台州日报\n"
    "近日，临海市杜桥镇的眼镜企业迎来新订单。浙江省光学学会专家到场指导。\n"
)
THREADS = 4


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """A database other threads write to as other processes would.

    PostgreSQL: the test database itself. SQLite: the test database is in memory with a
    shared cache, where a second writer is refused at once ("table is locked") instead
    of waiting its turn as it does on a file; so the threads use a copy in a file, with
    the project's settings (immediate transactions, a timeout), and the test reads it.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    settings = connections.settings[DEFAULT_DB_ALIAS]  # the dict every new connection reads
    memory = settings["NAME"]
    settings["NAME"] = str(path)
    try:
        yield
    finally:
        settings["NAME"] = memory


def in_new_thread(function):
    """``function()`` run in a thread of its own (with its own connection), its result."""
    results = []

    def run():
        try:
            results.append(function())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    return results[0]


def test_four_imports_of_the_same_page_at_once_make_one_story(shared_database):
    barrier = threading.Barrier(THREADS)
    outcomes, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            outcomes.append(article_import(text=PAGE))
        except Exception as error:  # reported below, with the thread's outcome missing
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(outcomes) == THREADS
    story = in_new_thread(Article.objects.get)
    assert story.import_fingerprint == fingerprint(PAGE)
    assert sorted(o.created for o in outcomes) == [False, False, False, True]
    assert {o.article.pk for o in outcomes} == {story.pk}
    assert all(o.flags == [] for o in outcomes if not o.created)


@pytest.mark.django_db
def test_the_database_refuses_a_second_story_with_the_same_fingerprint():
    ArticleFactory(import_fingerprint="a" * 64)
    # Stories written by hand have no fingerprint: any number of them.
    ArticleFactory(import_fingerprint="")
    ArticleFactory(import_fingerprint="")
    with pytest.raises(IntegrityError):
        ArticleFactory(import_fingerprint="a" * 64)


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_oldest_storys_fingerprint():
    executor = MigrationExecutor(connection)
    before = [("articles", "0011_editor_choices_cover_names")]
    after = [("articles", "0012_import_fingerprint_unique")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("articles", "Article")
    common = {"body": "", "status": "draft", "slug": "x"}
    first = old.objects.create(title="最早", import_fingerprint="f" * 64, **common)
    second = old.objects.create(title="其次", import_fingerprint="f" * 64, **common)
    third = old.objects.create(title="最后", import_fingerprint="f" * 64, **common)
    other = old.objects.create(title="另一篇", import_fingerprint="e" * 64, **common)
    by_hand = old.objects.create(title="手写", import_fingerprint="", **common)

    executor = MigrationExecutor(connection)
    executor.migrate(after)

    prints = dict(Article.objects.values_list("pk", "import_fingerprint"))
    assert prints == {
        first.pk: "f" * 64,
        second.pk: "",
        third.pk: "",
        other.pk: "e" * 64,
        by_hand.pk: "",
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
