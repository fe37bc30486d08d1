"""The benchmark database: created, migrated and filled with generated stories.

Used by the benchmarks in this folder (run by hand, never by ``make test``). Stories are made
from the words of the two samples in articles/demo/raw plus made-up rare names, Latin words
and numbers, and COPYed into PostgreSQL with their search vectors built by articles.search.
Plain stories (bench/search.py), or placed, tagged and linked to organisations and events
as in a regional news archive (bench/pages.py, with the small tables of world.py).
"""

import functools
import itertools
import multiprocessing
import os
import random
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "articles" / "demo" / "raw"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
LATIN = ["AI", "AR", "VR", "LED", "optics", "lens", "G60", "5G", "2025", "3D", "iPhone", "MiniLED"]
CHUNK = 2000  # stories per generation task; each task has its own seed


# --- Database ------------------------------------------------------------------------------------


def server_url_and_name(url, name):
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("bench/search.py needs DATABASE_URL=postgresql://… (it measures PostgreSQL)")
    current = parts.path.lstrip("/")
    if name == current or "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: the benchmark database must contain 'bench' "
                 f"and differ from the DATABASE_URL database {current!r}")  # fmt: skip
    return url, urlunsplit(parts._replace(path="/" + name))


def recreate_database(server_url, name):
    import psycopg  # noqa: PLC0415

    # Through the maintenance database: the DATABASE_URL one need not exist.
    with psycopg.connect(server_url, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(server_url, name):
    import psycopg  # noqa: PLC0415
    from django.conf import settings  # noqa: PLC0415

    if settings.configured:
        from django.db import connections  # noqa: PLC0415

        connections.close_all()
    with psycopg.connect(server_url, dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(bench_url):
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DJANGO_PLAIN_STATIC", "1")
    import django  # noqa: PLC0415

    django.setup()


# --- Generating stories --------------------------------------------------------------------------


@functools.cache
def vocabulary(seed, n):
    """Words with cumulative weights, and made-up names; the same in every process.

    Half the words come from the samples (cut from their Han runs, Zipf-Mandelbrot
    weights: the most frequent in about half the stories), half from 20,000 made-up words
    of 2-3 sample characters (a long tail, so a story has as many distinct bigrams as a
    real one). Made-up names (companies, towns) appear in a handful of stories at any N.
    """
    from articles import search  # noqa: PLC0415

    rng = random.Random(seed)
    words, chars = set(), set()
    for path in sorted(SAMPLES.glob("*.txt")):
        for run in HAN.findall(search.normalise(path.read_text(encoding="utf-8"))):
            chars.update(run)
            if len(run) <= 8:
                words.add(run)
            i = 0
            while i < len(run):
                size = rng.choice((1, 2, 2, 2, 3, 4))
                words.add(run[i : i + size])
                i += size
    if not words:
        sys.exit(f"no samples found in {SAMPLES}")
    words = sorted(w for w in words if search.normalise(w) == w)
    chars = sorted(c for c in chars if search.normalise(c) == c)
    rng.shuffle(words)

    def made_up(count, lo, hi):
        return ["".join(rng.choices(chars, k=rng.randint(lo, hi))) for _ in range(count)]

    def zipf(count, offset):
        weights = [1 / (rank + offset) for rank in range(count)]
        total = sum(weights)
        return [w / total for w in weights]  # each layer half of all words

    tail = made_up(20_000, 2, 3)
    cum = list(itertools.accumulate(zipf(len(words), 100) + zipf(len(tail), 200)))
    return words + tail, cum, made_up(max(500, n // 4), 2, 4)


def regional_story(rng, world, total, now):
    """A story's publication, status, links and counters in the regional archive (world.py)."""
    from articles.models import Status  # noqa: PLC0415

    story = {"status": Status.DRAFT if rng.random() < 0.01 else Status.PUBLISHED, "topics": []}
    story["published_at"] = now - timedelta(minutes=5 * 365 * 24 * 60 * rng.random() ** 1.15)
    story["place_id"] = story["event_id"] = None
    organisations = []
    if rng.random() < 0.05 and world.events:  # covers an event: its place, near its dates
        event_id, starts_on, event_place, organisers = rng.choices(
            world.events, cum_weights=world.event_cum
        )[0]
        story["event_id"], story["place_id"] = event_id, event_place
        day = datetime.combine(starts_on, datetime.min.time(), tzinfo=UTC)
        story["published_at"] = day + timedelta(hours=rng.uniform(-20 * 24, 5 * 24))
        if story["published_at"] > now:  # an event to come: announced in the last weeks
            story["published_at"] = now - timedelta(hours=rng.uniform(1, 30 * 24))
        organisations += organisers[:1]
    if story["place_id"] is None and rng.random() < 0.97:  # a few stories have no place
        story["place_id"] = rng.choices(world.places, cum_weights=world.place_cum)[0][0]
    if rng.random() < 0.005:
        story["published_at"] = now + timedelta(hours=rng.uniform(1, 30 * 24))  # scheduled
    for _ in range(rng.choices((1, 2, 3, 4), weights=(30, 35, 25, 10))[0]):
        story["topics"].append(rng.choices(world.topics, cum_weights=world.topic_cum)[0])
    local, local_cum = world.local.get(story["place_id"], ([], []))
    for _ in range(rng.choices((0, 1, 2, 3), weights=(30, 35, 20, 15))[0]):
        if local and rng.random() < 0.65:
            organisations.append(rng.choices(local, cum_weights=local_cum)[0])
        else:
            organisations.append(
                rng.choices(world.organisations, cum_weights=world.organisation_cum)[0]
            )
    story["topics"] = list(dict.fromkeys(story["topics"]))
    story["organisations"] = list(dict.fromkeys(organisations))
    story["view_count"] = min(2_000_000, int(10 * rng.paretovariate(1.1)) - 10)
    recent = now - story["published_at"] < timedelta(days=60)
    # About a dozen lead stories whatever N: a few recent ones.
    story["featured"] = recent and rng.random() < 12 / max(1, total * 60 / 1826)
    return story


def make_chunk(task):
    """Generate stories ``start``…``start+count`` and COPY them with their search vectors.

    Without a ``world`` (bench/search.py) stories are plain: no place, topics or links.
    With one (bench/pages.py) each is placed, tagged and linked as world.py describes, and
    its topics and organisations are COPYed into the link tables too.
    """
    start, count, total, seed, world = task
    from django.db import connection  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from articles import search  # noqa: PLC0415
    from articles.models import Article, Status  # noqa: PLC0415

    words, cum, names = vocabulary(seed, total)
    rng = random.Random(seed * 1_000_003 + start)
    now = timezone.now()
    first_id = world.first_id if world else 1

    def sentence(lo, hi):
        out = rng.choices(words, cum_weights=cum, k=rng.randint(lo, hi))
        if rng.random() < 0.5:
            out.insert(rng.randrange(len(out) + 1), rng.choice(names))
        if rng.random() < 0.1:
            out.insert(rng.randrange(len(out) + 1), rng.choice(LATIN))
        return "，".join("".join(out[i : i + 7]) for i in range(0, len(out), 7)) + "。"

    # Every concrete field, the id included: the link tables need the ids.
    fields = list(Article._meta.concrete_fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    place_names = dict(world.places) if world else {}
    tagged, mentions = [], []
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        copy_sql = f"COPY articles_article ({columns}, search_vector, title_vector) FROM STDIN"
        with cursor.copy(copy_sql) as copy:
            for i in range(start, start + count):
                if world:
                    story = regional_story(rng, world, total, now)
                else:
                    published = now - timedelta(minutes=rng.randrange(5 * 365 * 24 * 60))
                    status = Status.DRAFT if rng.random() < 0.01 else Status.PUBLISHED
                    if rng.random() < 0.005:
                        published = now + timedelta(days=rng.randint(1, 30))  # scheduled
                    story = {"status": status, "published_at": published}
                # About 1,000 characters (the samples, cleaned: 1,300 and 1,500).
                paragraphs = ["".join(sentence(8, 16) for _ in range(rng.randint(3, 6)))
                              for _ in range(rng.randint(3, 7))]  # fmt: skip
                title = sentence(3, 7)[:-1]
                if story.get("place_id") and rng.random() < 0.3:
                    title = f"{place_names[story['place_id']]}：{title}"
                pk = first_id + i
                article = Article(
                    pk=pk,
                    title=title[:200],
                    slug=f"story-{i}",
                    summary=sentence(8, 18)[:500],
                    body="".join(f"<p>{p}</p>" for p in paragraphs),
                    status=story["status"],
                    published_at=story["published_at"],
                    created_at=story["published_at"],
                    updated_at=story["published_at"],
                    source="基准测试",
                    place_id=story.get("place_id"),
                    event_id=story.get("event_id"),
                    featured=story.get("featured", False),
                    view_count=story.get("view_count", 0),
                )
                tagged += [(pk, topic) for topic in story.get("topics", ())]
                mentions += [(pk, org) for org in story.get("organisations", ())]
                title, rest = search.document_text(article)
                values = [
                    f.get_db_prep_save(getattr(article, f.attname), connection) for f in fields
                ]
                copy.write_row([*values, *search.tsvector_literals(title, rest)])
        for table, columns, rows in (
            ("articles_taggedarticle", "content_object_id, tag_id", tagged),
            ("articles_article_organisations", "article_id, organisation_id", mentions),
        ):
            if rows:
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
    connection.close()
    return count


def generate(n, seed, processes, world=None):
    """COPY ``n`` generated stories (ids from ``world.first_id``, else 1) from ``processes``
    processes, then build the GIN indexes, set the id sequence and VACUUM ANALYZE."""
    from django.db import connection, connections  # noqa: PLC0415

    # The GIN indexes are built after loading, as the migrations create them.
    create_indexes = [
        statement
        for name in ("0003_search_index", "0005_title_vector")
        for statement in __import__(f"articles.migrations.{name}", fromlist=["x"]).POSTGRES_FORWARD
        if statement.startswith("CREATE INDEX")
    ]
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS article_search_vector_idx")
        cursor.execute("DROP INDEX IF EXISTS article_title_vector_idx")
    connections.close_all()  # never share a connection across fork

    tasks = [(start, min(CHUNK, n - start), n, seed, world) for start in range(0, n, CHUNK)]
    t0 = time.perf_counter()
    done = 0
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for count in pool.imap_unordered(make_chunk, tasks):
            done += count
            print(f"\r  generated and copied {done:,}/{n:,} stories", end="", flush=True)
    t1 = time.perf_counter()
    print(f" in {t1 - t0:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('articles_article', 'id'),"
            " (SELECT max(id) FROM articles_article))"
        )
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for statement in create_indexes:
            cursor.execute(statement)
        t2 = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
    print(f"  GIN indexes in {t2 - t1:.0f} s, VACUUM ANALYZE in {time.perf_counter() - t2:.0f} s")


# --- Reusing a database ----------------------------------------------------------------------


def archive_info(bench_url):
    """(n, seed, shape, seconds) recorded by ``record_archive``, or None (no such database,
    or not finished)."""
    import psycopg  # noqa: PLC0415

    try:
        with psycopg.connect(bench_url, connect_timeout=5) as conn:
            row = conn.execute("SELECT n, seed, shape, seconds FROM bench_archive").fetchone()
    except psycopg.Error:
        return None
    return tuple(row) if row else None


def record_archive(n, seed, shape, seconds):
    """Mark the database as complete: N, seed and shape, so ``--reuse`` can skip generating."""
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_archive"
            " (n integer, seed bigint, shape text, seconds real, created timestamptz)"
        )
        cursor.execute("DELETE FROM bench_archive")
        cursor.execute(
            "INSERT INTO bench_archive VALUES (%s, %s, %s, %s, now())", [n, seed, shape, seconds]
        )
