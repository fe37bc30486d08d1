#!/usr/bin/env python
"""One size of bench/pages.py, in a process of its own (Django is set up once per database).

    .venv/bin/python bench/prepare.py --server-url URL --db NAME --n N --out FILE [--reuse]

1. The database: reused when ``--reuse`` and it holds a finished archive of the same N,
   seed and shape (pending migrations are applied, then ANALYZE); else dropped, created,
   migrated and filled: world.py's small tables, then N generated stories (archive.py).
2. The values of the pages' URLs, picked from the data: the most common topic, the
   province, city and town with the most stories, the organisation and event with the
   most, a story in the middle of the archive, a deep page, and search words chosen by
   document frequency as bench/search.py chooses them.
3. Each page once in-process with django.test.Client, after a warm-up request, with the
   settings gunicorn gets (the environment bench/pages.py passes): queries per request
   (CaptureQueriesContext) and their time (connection.execute_wrapper), median of 3.

Writes a JSON file for bench/pages.py; prints progress.
"""

import argparse
import json
import math
import statistics
import sys
import time
import traceback

from archive import (
    archive_info,
    generate,
    record_archive,
    recreate_database,
    server_url_and_name,
    setup_django,
)
from pages import PAGES, page_urls

#: Changes when world.py or the generator change what a database holds: no reuse across.
SHAPE = "regional-1"


def ensure_database(server_url, db, n, seed, processes, reuse):
    """Set Django up on the benchmark database, filled; returns (reused, generation seconds)."""
    _server, bench_url = server_url_and_name(server_url, db)
    info = archive_info(bench_url) if reuse else None
    if info and info[:3] == (n, seed, SHAPE):
        print(f"Reusing {db} ({n:,} stories, seed {seed}, generated in {info[3]:.0f} s)")
        setup_django(bench_url)
        _migrate_reused()
        return True, info[3]
    if reuse:
        print(f"  {db}: no finished archive of {n:,} stories, seed {seed}, shape {SHAPE}")
    print(f"Creating {db} with {n:,} stories…")
    t0 = time.perf_counter()
    recreate_database(server_url, db)
    setup_django(bench_url)
    from django.core.management import call_command  # noqa: PLC0415
    from world import build_world  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    world = build_world(seed)
    print(f"  demo content and small tables in {time.perf_counter() - t0:.0f} s")
    generate(n, seed, processes, world)
    seconds = time.perf_counter() - t0
    record_archive(n, seed, SHAPE, seconds)
    print(f"  {db} ready in {seconds:.0f} s")
    return False, seconds


def _migrate_reused():
    """Migrations added since the database was generated (a new index, say), then ANALYZE."""
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from django.db.migrations.executor import MigrationExecutor  # noqa: PLC0415

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        print(f"  applying {len(plan)} new migration(s): {', '.join(m.name for m, _ in plan)}")
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- The values of the URLs ----------------------------------------------------------------


def _top(rows):
    """The value with the largest count of ``values_list(value).annotate(n)`` rows."""
    from django.db.models import Count  # noqa: PLC0415

    best = rows.annotate(n=Count("pk", distinct=True)).order_by("-n")[:1]
    return (best[0][0], stories(best[0][1])) if best else (None, "none")


def stories(k):
    return f"{k:,} {'story' if k == 1 else 'stories'}"


def pick_values(n, seed):
    """Placeholders of pages.PAGES (slugs, ids, words) and what they stand for."""
    from django.db.models import Count  # noqa: PLC0415
    from search import choose_queries  # noqa: PLC0415

    from articles.models import Article, Event, Place  # noqa: PLC0415

    published = Article.objects.published()
    count = published.count()
    values, about = {}, {}
    values["topic"], about["topic"] = _top(
        published.exclude(topics=None).values_list("topics__slug")
    )
    per_path = dict(published.values_list("place__path").annotate(n=Count("pk")))
    best = {}
    for place in Place.objects.all():
        place.n = sum(k for path, k in per_path.items() if path and path.startswith(place.path))
        if place.n > best.get(place.kind, (None, -1))[1]:
            best[place.kind] = (place, place.n)
    for name, kinds in (("province", ["province"]), ("city", ["city"]), ("town", ["town", "zone"])):
        place, k = next(best[kind] for kind in kinds if kind in best)
        values[name], about[name] = place.slug, f"{place.name}, {stories(k)}"
    values["org"], about["org"] = _top(
        published.exclude(organisations=None).values_list("organisations__slug")
    )
    city = Place.objects.get(slug=values["city"])
    values["org_in_city"], about["org_in_city"] = _top(
        published.in_place(city)
        .filter(topics__slug=values["topic"])
        .exclude(organisations=None)
        .values_list("organisations__slug")
    )
    values["org_in_city"] = values["org_in_city"] or values["org"]
    values["event"], about["event"] = _top(
        published.filter(event__in=Event.objects.published()).values_list("event__slug")
    )
    story = published.order_by("published_at", "pk")[count // 2]
    values["story_id"], values["story_slug"] = story.pk, story.slug
    about["story"] = f"{story.published_at:%Y-%m-%d}, number {count // 2 + 1:,} of {count:,}"
    values["deep_page"] = min(50, max(1, math.ceil(count / 20)))
    about["deep_page"] = f"of {math.ceil(count / 20)} pages"

    queries = choose_queries(seed, sample_size=min(3000, n))
    by_kind = {(len(q), kind): (q, hits) for q, kind, hits, _like in queries}
    for name, key, fallback in (
        ("q_common", (2, "common"), None),
        ("q_1pct", (2, "1%"), None),
        ("q_rare", (4, "rare"), (4, "1%")),
    ):
        q, hits = by_kind.get(key) or by_kind[fallback]
        values[name], about[name] = q, stories(hits)
    return values, {k: str(v) for k, v in about.items()}


# --- Queries per page ------------------------------------------------------------------------


class QueryTimer:
    """A connection.execute_wrapper adding up the time of every query."""

    def __init__(self):
        self.ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - start) * 1000


def measure(url, runs=3):
    """Status, queries per request, median DB ms and request ms after a warm-up; and the
    queries and DB ms of that warm-up, made with the cache cleared (``cold_``)."""
    from django.core.cache import cache  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    client = Client(HTTP_HOST="127.0.0.1")
    cache.clear()  # CACHE_URL is the benchmark's own Redis db
    counts, db_ms, total_ms, status = [], [], [], None
    for _ in range(runs + 1):  # the first warms templates, plans, the connection, caches
        timer = QueryTimer()
        start = time.perf_counter()
        with connection.execute_wrapper(timer), CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        total_ms.append((time.perf_counter() - start) * 1000)
        counts.append(len(captured.captured_queries))
        db_ms.append(timer.ms)
    return {
        "status": status,
        "queries": max(counts[1:]),
        "db_ms": statistics.median(db_ms[1:]),
        "inprocess_ms": statistics.median(total_ms[1:]),
        "cold_queries": counts[0],
        "cold_db_ms": db_ms[0],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server-url", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    reused, seconds = ensure_database(
        args.server_url, args.db, args.n, args.seed, args.processes, args.reuse
    )
    print("Picking the pages' values…")
    values, about = pick_values(args.n, args.seed)
    from django.db import connection  # noqa: PLC0415

    from articles.models import Article  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    result = {
        "db": args.db,
        "n": args.n,
        "stories": Article.objects.count(),
        "published": Article.objects.published().count(),
        "database_size": size,
        "reused": reused,
        "generation_seconds": seconds,
        "values": values,
        "about": about,
        "pages": [],
    }
    print("Queries per page, in-process…")
    failed = False
    for page, path, url in page_urls(PAGES, values, args.only):
        try:
            figures = measure(url)
        except Exception as error:  # noqa: BLE001 - reported; gunicorn's check fails loudly
            if not failed:
                traceback.print_exc()
            failed = True
            figures = {"status": f"{type(error).__name__}: {error}"}
        print(
            f"  {page.key:<22} {figures.get('queries', '?'):>4} queries "
            f"{figures.get('db_ms', math.nan):8.1f} DB ms  status {figures['status']}"
        )
        result["pages"].append({"key": page.key, "path": path, "url": url, **figures})
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(result, out, ensure_ascii=False, indent=1, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
