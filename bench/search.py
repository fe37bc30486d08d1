#!/usr/bin/env python
"""Latency of the Chinese search's first results page on PostgreSQL, against a LIKE scan.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/portal_dev DJANGO_SECRET_KEY=x \\
        .venv/bin/python bench/search.py [--n 10000] [--full] [--runs 50] [--explain]

DATABASE_URL only names the server: the benchmark drops and recreates its own database
(``--db``, default ``portal_bench``; the name must contain "bench" and differ from the
DATABASE_URL database), migrates it, generates N stories from the words of the two samples
in articles/demo/raw (plus rare made-up names, Latin words and numbers), writes their
search vectors with articles.search's own tsvector builder, builds the GIN index and runs
VACUUM ANALYZE. It then picks 2-, 4- and 6-character queries by document frequency (the
most common, and a rare one) and times, warm, each of them ``--runs`` times:

- page:  the queryset the story list uses (published, search.search, for_list) sliced to
         the first 20 and materialised;
- count: search.capped_count of the same results (what the paginator runs);
- LIKE:  the same 20 newest stories found with title/summary/body ``contains`` instead.

It prints p50 and p95 in milliseconds as a table. Timings never change the exit status;
an error (or a search that disagrees with the LIKE scan on a hit count) does.
"""

import argparse
import functools
import itertools
import math
import os
import random
import statistics
import sys
import time
from collections import Counter

from archive import (
    HAN,
    drop_database,
    generate,
    recreate_database,
    server_url_and_name,
    setup_django,
)

# --- Choosing queries ----------------------------------------------------------------------------


def choose_queries(seed, sample_size=3000):
    """The most common n-gram, one in 1% of stories and a rare one, for n = 2, 4, 6."""
    from django.db.models import Q  # noqa: PLC0415

    from articles import search  # noqa: PLC0415
    from articles.models import Article  # noqa: PLC0415

    rng = random.Random(seed)
    ids = list(Article.objects.values_list("pk", flat=True))
    sampled = rng.sample(ids, min(sample_size, len(ids)))
    df = {2: Counter(), 4: Counter(), 6: Counter()}
    for article in Article.objects.filter(pk__in=sampled).only("title", "summary", "body"):
        title, rest = search.document_text(article)
        runs = HAN.findall(search.normalise(f"{title}\n{rest}"))
        for n, counter in df.items():
            counter.update({run[i : i + n] for run in runs for i in range(len(run) - n + 1)})

    published = Article.objects.published()
    queries = []
    for counter in df.values():
        common = counter.most_common(1)[0][0]
        queries.append((common, "common"))
        # Medium: in about 1% of the stories, where the planner switches plans.
        target = len(sampled) / 100
        mid = min(sorted(counter), key=lambda g: (abs(counter[g] - target), g))
        queries.append((mid, "1%"))
        # Rare: seen in one sampled story; the first that stays rare in the whole set.
        once = sorted(g for g, c in counter.items() if c == 1)
        rng.shuffle(once)
        limit = max(3, len(ids) // 1000)
        for gram in once[:200]:
            hits = search.search(published, gram).count()
            if 1 <= hits <= limit:
                queries.append((gram, "rare"))
                break
    result = []
    for q, kind in queries:
        hits = search.search(published, q).count()
        like = published.filter(
            Q(title__contains=q) | Q(summary__contains=q) | Q(body__contains=q)
        ).count()
        result.append((q, kind, hits, like))
    return result


# --- Timing --------------------------------------------------------------------------------------


def percentile(samples, p):
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def timed(fn, runs):
    """``runs`` samples (ms) of each step ``fn`` reports, after one warm-up call.

    ``fn(clock)`` calls ``clock()`` after each step; the samples are the times between."""
    fn(lambda: None)  # warm: plans, caches, the first connection
    samples = None
    for _ in range(runs):
        marks = [time.perf_counter()]
        fn(functools.partial(_mark, marks))
        steps = [(b - a) * 1000 for a, b in itertools.pairwise(marks)]
        samples = samples or [[] for _ in steps]
        for series, value in zip(samples, steps, strict=True):
            series.append(value)
    return samples


def _mark(marks):
    marks.append(time.perf_counter())


def results(q):
    from articles import search  # noqa: PLC0415
    from articles.models import Article  # noqa: PLC0415

    # As ArticleListView: published, newest first, the q filter, for_list.
    return search.search(Article.objects.published().newest_first(), q).for_list()


def view_page(q, clock=lambda: None):
    """What the story list does: CappedPaginator counts, then fetches page 1 (20 rows)."""
    from articles.views.lists import CappedPaginator  # noqa: PLC0415

    paginator = CappedPaginator(results(q), 20)
    paginator.count  # noqa: B018 - the capped count query
    clock()
    rows = list(paginator.page(1).object_list)
    clock()
    return rows


def one_ranked_query(q, clock=lambda: None):
    """Page 1 as a single query ranked by title hit (what a slice did before two streams)."""
    queryset = results(q)
    # search.search made it a subclass of (_RankedSlices, its class): back to the plain
    # class, whose slices are ordinary ORDER BY queries.
    queryset.__class__ = type(queryset).__bases__[1]
    rows = list(queryset[:20])
    clock()
    return rows


def like_page(q, clock=lambda: None):
    from django.db.models import Q  # noqa: PLC0415

    from articles.models import Article  # noqa: PLC0415

    queryset = (
        Article.objects.published()
        .filter(Q(title__contains=q) | Q(summary__contains=q) | Q(body__contains=q))
        .order_by("-published_at", "-pk")
        .for_list()
    )
    rows = list(queryset[:20])
    clock()
    return rows


def explain(q):
    """EXPLAIN ANALYZE every statement the first page and the count run."""
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    with CaptureQueriesContext(connection) as captured:
        view_page(q)
    for query in captured.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"\n-- {q}: {query['sql'][:160]}…\n{plan}")


# --- Main ----------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="stories (default 10,000)")
    parser.add_argument("--full", action="store_true", help="100,000 stories")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per search query")
    parser.add_argument("--like-runs", type=int, default=None, help="runs per LIKE query")
    parser.add_argument("--db", default="portal_bench", help="the throwaway database")
    parser.add_argument("--seed", type=int, default=20250620)
    parser.add_argument("--processes", type=int, default=min(4, os.cpu_count() or 1))
    parser.add_argument("--reuse", action="store_true", help="keep existing data of the same N")
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE plans")
    args = parser.parse_args()
    n = 100_000 if args.full else args.n
    like_runs = args.like_runs or max(5, args.runs // (5 if n > 20_000 else 2))

    url = os.environ.get("DATABASE_URL", "")
    server_url, bench_url = server_url_and_name(url, args.db)
    reuse = False
    if args.reuse:
        try:
            setup_django(bench_url)
            from articles.models import Article  # noqa: PLC0415

            reuse = Article.objects.count() == n
        except Exception:  # noqa: BLE001 - no such database yet: generate it
            reuse = False
    if not reuse:
        print(f"Creating database {args.db} with {n:,} stories…")
        recreate_database(server_url, args.db)
        setup_django(bench_url)
        from django.core.management import call_command  # noqa: PLC0415

        call_command("migrate", verbosity=0)
        generate(n, args.seed, args.processes)

    from django.db import connection  # noqa: PLC0415

    from articles.models import Article  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('articles_article'))")
        size = cursor.fetchone()[0]
    published = Article.objects.published().count()
    queries = choose_queries(args.seed)

    errors = []
    table = []
    for q, kind, hits, like_hits in queries:
        if hits != like_hits:
            errors.append(f"{q}: search finds {hits}, LIKE finds {like_hits}")
        if args.explain:
            explain(q)
        counted, rows = timed(lambda clock, q=q: view_page(q, clock), args.runs)
        total = [a + b for a, b in zip(counted, rows, strict=True)]
        (single,) = timed(lambda clock, q=q: one_ranked_query(q, clock), like_runs)
        (like,) = timed(lambda clock, q=q: like_page(q, clock), like_runs)
        table.append((q, kind, hits, [rows, counted, total, single, like]))

    print(
        f"\n{n:,} stories ({published:,} published), PostgreSQL {version}, table + indexes "
        f"{size}; warm; ms over {args.runs} runs ({like_runs} for the last two columns)\n"
        "  page: the 20 rows of page 1 as the view fetches them after counting\n"
        "  count: the paginator's capped count (up to 1,001)\n"
        "  view: count + page, the database work of one /search/ request\n"
        "  1 query: page 1 as one query ranked by title hit (the shape before two streams)\n"
        "  LIKE: the 20 newest stories with title/summary/body LIKE '%q%'\n"
    )
    columns = ["page", "count", "view", "1 query", "LIKE"]
    header = f"{'query':<8}{'len':>4} {'kind':<7}{'hits':>8}" + "".join(
        f"{name + ' p50':>13}{'p95':>7}" for name in columns
    )
    print(header)
    print("-" * len(header))
    for q, kind, hits, series in table:
        pad = " " * (8 - 2 * len(q))  # Han characters are two columns wide
        print(
            f"{q}{pad}{len(q):>4} {kind:<7}{hits:>8,}"
            + "".join(f"{statistics.median(s):>13.1f}{percentile(s, 95):>7.1f}" for s in series)
        )
    worst_page = max(percentile(series[0], 95) for *_, series in table)
    worst_view = max(percentile(series[2], 95) for *_, series in table)
    print(
        f"\nworst p95: page {worst_page:.1f} ms, view (count + page) {worst_view:.1f} ms "
        "(target at 100,000 stories: first page under 20 ms)"
    )

    if not args.keep:
        drop_database(server_url, args.db)
    for error in errors:
        print("ERROR:", error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
