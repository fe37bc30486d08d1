"""The benchmark database: created, migrated and filled with generated stories.

Used by the benchmarks in this folder (run by hand, never by ``make test``). Stories are made
from the words of the two samples in articles/demo/raw plus made-up rare names, Latin words
and numbers, and COPYed into PostgreSQL with their search vectors built by articles.search.
"""

import functools
import itertools
import multiprocessing
import os
import random
import re
import sys
import time
from datetime import timedelta
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


def make_chunk(task):
    """Generate stories ``start``…``start+count`` and COPY them with their search vectors."""
    start, count, total, seed = task
    from django.db import connection  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from articles import search  # noqa: PLC0415
    from articles.models import Article, Status  # noqa: PLC0415

    words, cum, names = vocabulary(seed, total)
    rng = random.Random(seed * 1_000_003 + start)
    now = timezone.now()

    def sentence(lo, hi):
        out = rng.choices(words, cum_weights=cum, k=rng.randint(lo, hi))
        if rng.random() < 0.5:
            out.insert(rng.randrange(len(out) + 1), rng.choice(names))
        if rng.random() < 0.1:
            out.insert(rng.randrange(len(out) + 1), rng.choice(LATIN))
        return "，".join("".join(out[i : i + 7]) for i in range(0, len(out), 7)) + "。"

    fields = [f for f in Article._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        copy_sql = f"COPY articles_article ({columns}, search_vector, title_vector) FROM STDIN"
        with cursor.copy(copy_sql) as copy:
            for i in range(start, start + count):
                published = now - timedelta(minutes=rng.randrange(5 * 365 * 24 * 60))
                status = Status.DRAFT if rng.random() < 0.01 else Status.PUBLISHED
                if rng.random() < 0.005:
                    published = now + timedelta(days=rng.randint(1, 30))  # scheduled
                # About 1,000 characters (the samples, cleaned: 1,300 and 1,500).
                paragraphs = ["".join(sentence(8, 16) for _ in range(rng.randint(3, 6)))
                              for _ in range(rng.randint(3, 7))]  # fmt: skip
                article = Article(
                    title=sentence(3, 7)[:-1][:200],
                    slug=f"story-{i}",
                    summary=sentence(8, 18)[:500],
                    body="".join(f"<p>{p}</p>" for p in paragraphs),
                    status=status,
                    published_at=published,
                    created_at=published,
                    updated_at=published,
                    source="基准测试",
                )
                title, rest = search.document_text(article)
                values = [
                    f.get_db_prep_save(getattr(article, f.attname), connection) for f in fields
                ]
                copy.write_row([*values, *search.tsvector_literals(title, rest)])
    connection.close()
    return count


def generate(n, seed, processes):
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

    tasks = [(start, min(CHUNK, n - start), n, seed) for start in range(0, n, CHUNK)]
    t0 = time.perf_counter()
    done = 0
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        for count in pool.imap_unordered(make_chunk, tasks):
            done += count
            print(f"\r  generated and copied {done:,}/{n:,} stories", end="", flush=True)
    t1 = time.perf_counter()
    print(f" in {t1 - t0:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for statement in create_indexes:
            cursor.execute(statement)
        t2 = time.perf_counter()
        cursor.execute("VACUUM ANALYZE articles_article")
    print(f"  GIN indexes in {t2 - t1:.0f} s, VACUUM ANALYZE in {time.perf_counter() - t2:.0f} s")
