#!/usr/bin/env python
"""Every reader page through a real gunicorn under wrk, at 1,000 and 100,000 stories.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/pages.py [--sizes 1000,100000] [--seconds 5] [--reuse]

DATABASE_URL only names the PostgreSQL server. For each size the benchmark builds (or with
--reuse, reuses) its own database, portal_bench_pages_1k / _100k, shaped like a regional
news archive (bench/world.py, bench/archive.py), picks concrete URLs from its data, and
counts each page's queries and their time in-process (bench/prepare.py). It then starts
``gunicorn portal.wsgi -w 2`` on a free port with debug off, twice: page cache off
(PAGE_CACHE_SECONDS=0) and on (300), with Redis db --redis-db flushed before each, checks
every URL answers 200, and loads one URL at a time with ``wrk -t2 -c8 --latency`` (a
warm-up, then --seconds), the static file /static/css/site.css first as the baseline.

It prints a table per size (req/s, p50 and p99 ms and errors uncached and cached; queries,
DB ms and request ms in-process) and a summary per page (uncached rate at 100,000 over 1,000
stories; cached rate as a fraction of the static file's in the same run), and writes them
as Markdown (--markdown), the raw figures as JSON (--json) and a chart (--chart). Errors
are socket errors, timeouts and 4xx/5xx answers. A URL that does not answer 200 before
loading stops the run (exit 1); slow pages never do.
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Page:
    """A page to load: ``path`` takes the values bench/prepare.py picks from the data."""

    key: str  # short and ASCII: the chart's label, what --only matches
    path: str  # {placeholders}: see prepare.pick_values
    target: int = 100  # req/s uncached
    cached_target: int = 1000  # req/s cached


STATIC = "static"
CACHED_TARGET = 1000
#: Add a page here; a new placeholder needs a value in prepare.pick_values.
PAGES = [
    Page(STATIC, "/static/css/site.css", target=0),
    Page("home", "/"),
    Page("list", "/articles/"),
    Page("list-topic", "/articles/?topic={topic}"),
    Page("list-province-topic", "/articles/?place={province}&topic={topic}"),
    Page("list-3-filters", "/articles/?place={city}&topic={topic}&organisation={org_in_city}"),
    Page("list-deep-page", "/articles/?page={deep_page}"),
    Page("story", "/articles/{story_id}-{story_slug}/"),
    Page("place-province", "/places/{province}/"),
    Page("place-town", "/places/{town}/"),
    Page("places", "/places/"),
    Page("topics", "/topics/"),
    Page("topic", "/topics/{topic}/"),
    Page("organisations", "/organisations/"),
    Page("organisation", "/organisations/{org}/"),
    Page("events", "/events/"),
    Page("event", "/events/{event}/"),
    Page("search-common", "/search/?q={q_common}", target=50),
    Page("search-1pct", "/search/?q={q_1pct}"),
    Page("search-rare", "/search/?q={q_rare}"),
    Page("sitemap-index", "/sitemap.xml"),
    # 10,000 addresses a page (about 1 MB), made once per change and read by crawlers now
    # and then: a cached copy is served as fast as its megabyte can be copied.
    Page("sitemap-stories", "/sitemap-stories.xml", target=10, cached_target=300),
]
MODES = {"uncached": 0, "cached": 300}  # PAGE_CACHE_SECONDS


def page_urls(pages, values, only=""):
    """(page, readable path, percent-encoded URL) of each page ``only`` selects (and static)."""
    quoted = {k: quote(str(v), safe="") for k, v in values.items()}
    for page in pages:
        if only and page.key != STATIC and only not in page.key and only not in page.path:
            continue
        yield page, page.path.format(**values), page.path.format(**quoted)


def size_label(n):
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


# --- One size --------------------------------------------------------------------------------


def prepare(args, server_url, n, env):
    """bench/prepare.py in its own process: the database, the URLs, queries per page."""
    from archive import server_url_and_name  # noqa: PLC0415

    db = f"portal_bench_pages_{size_label(n)}"
    server_url_and_name(server_url, db)  # refuses a name without "bench" before anything
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        command = [
            sys.executable,
            str(HERE / "prepare.py"),
            "--server-url",
            server_url,
            "--db",
            db,
            "--n",
            str(n),
            "--seed",
            str(args.seed),
            "--processes",
            str(args.processes),
            "--only",
            args.only,
            "--out",
            out.name,
        ]
        if args.reuse:
            command.append("--reuse")
        if subprocess.run(command, env=env, check=False).returncode:
            sys.exit(f"bench/prepare.py failed for {n:,} stories (above)")
        return json.loads(Path(out.name).read_text(encoding="utf-8"))


def load_run(args, servers):
    """One gunicorn per size, every page checked for a 200; then page by page, each size
    in turn, so that a page's figures at every size come from the same minute (the
    machine's speed drifts over a run). ``servers``: (size, env, pages, log path)."""
    from load import fetch, flush_redis, gunicorn, wrk  # noqa: PLC0415

    results = {size: {} for size, *_ in servers}
    load_before = os.getloadavg()[0]  # other work on the machine skews every figure
    with contextlib.ExitStack() as stack:
        bases = {}
        for size, env, pages, log_path in servers:
            flush_redis(env["CACHE_URL"])
            bases[size] = stack.enter_context(gunicorn(env, log_path, workers=args.workers))
            failures = []
            for page in pages:
                status, body = fetch(bases[size] + page["url"])
                if status != 200:
                    failures.append(f"  {status} {page['path']}\n    {body[:300]!r}")
            if failures:
                sys.exit(
                    f"These pages ({size:,} stories) do not answer 200 (the run stops here):\n"
                    + "\n".join(failures)
                )
        keys = [page["key"] for page in servers[0][2]]
        for key in keys:
            for size, _env, pages, _log in servers:
                page = next(p for p in pages if p["key"] == key)
                base = bases[size]
                url = base + page["url"]
                fetch(base + "/static/css/site.css")  # wait for what the last run left queued
                if args.warmup:
                    wrk(url, args.warmup, threads=args.threads, connections=args.connections)
                    fetch(base + "/static/css/site.css")
                figures = wrk(url, args.seconds, threads=args.threads, connections=args.connections)
                if not figures["errors"]:
                    figures.pop("raw")
                results[size][key] = figures
                p50, p99 = figures["p50_ms"], figures["p99_ms"]
                print(
                    f"  {size_label(size):>5} {key:<22}{figures['rps']:>10,.1f} req/s  p50 "
                    f"{p50 if p50 is not None else float('nan'):8.1f}  p99 "
                    f"{p99 if p99 is not None else float('nan'):8.1f} ms  "
                    f"errors {figures['errors']}",
                    flush=True,
                )
    logs = {}
    for size, _env, _pages, log_path in servers:
        log = Path(log_path).read_text(errors="replace")
        logs[size] = {
            "load_before": load_before,
            "worker_timeouts": log.count("WORKER TIMEOUT"),
            "tracebacks": log.count("Traceback"),
        }
    return results, logs


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", default="1000,100000", help="stories (default 1000,100000)")
    parser.add_argument("--seconds", type=int, default=5, help="wrk run per URL (default 5)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up per URL (default 2 s)")
    parser.add_argument("--only", default="", help="pages whose key or path contains this")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a database of the same N and seed, and keep it"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases at the end")
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument("--no-cache-run", action="store_true", help="page cache off only")
    modes.add_argument("--cache-only", action="store_true", help="page cache on only")
    parser.add_argument("--seed", type=int, default=20250620, help="of the generated data")
    parser.add_argument(
        "--processes",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="processes generating stories",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (8)")
    parser.add_argument(
        "--redis-db", type=int, default=9, help="first Redis db, one a size, flushed (9)"
    )
    parser.add_argument("--markdown", default=str(HERE / "pages-results.md"), help="tables")
    parser.add_argument("--json", default=str(HERE / "pages-results.json"), help="figures")
    parser.add_argument("--chart", default=str(HERE / "pages.png"), help="the PNG chart")
    parser.add_argument(
        "--replot",
        action="store_true",
        help="only rewrite the table, Markdown and chart from --json",
    )
    args = parser.parse_args()

    import report  # noqa: PLC0415

    if args.replot:
        results = json.loads(Path(args.json).read_text(encoding="utf-8"))
        report.publish(results, args.markdown, args.chart)
        return 0
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith("postgres"):
        sys.exit("bench/pages.py needs DATABASE_URL=postgresql://… naming the server")
    from archive import drop_database, server_url_and_name  # noqa: PLC0415
    from load import collectstatic, django_env, flush_redis  # noqa: PLC0415

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    modes = [m for m in MODES if not (args.no_cache_run and m == "cached")]
    modes = [m for m in modes if not (args.cache_only and m == "uncached")]
    cache_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    results = {"meta": report.meta(args, modes), "sizes": {}}
    collectstatic(django_env(server_url, cache_url, 0))
    log_dir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    print(f"gunicorn logs in {log_dir}")
    dbs = {n: f"portal_bench_pages_{size_label(n)}" for n in sizes}
    urls = {n: server_url_and_name(server_url, db)[1] for n, db in dbs.items()}
    try:
        for n in sizes:
            t0 = time.perf_counter()
            flush_redis(cache_url)
            size = prepare(args, server_url, n, django_env(urls[n], cache_url, 0))
            size["seconds"] = time.perf_counter() - t0
            results["sizes"][str(n)] = size
        for mode in modes:
            print(f"Page cache {'on' if MODES[mode] else 'off'}, sizes side by side:")
            servers = [
                (
                    n,
                    django_env(urls[n], f"redis://127.0.0.1:6379/{args.redis_db + i}", MODES[mode]),
                    results["sizes"][str(n)]["pages"],
                    log_dir / f"gunicorn-{size_label(n)}-{mode}.log",
                )
                for i, n in enumerate(sizes)
            ]
            figures, logs = load_run(args, servers)
            for n in sizes:
                results["sizes"][str(n)][mode] = figures[n]
                results["sizes"][str(n)][f"{mode}_log"] = logs[n]
            Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    finally:  # also when a page fails its check or the run is interrupted
        if not (args.keep or args.reuse):
            for n in sizes:
                drop_database(server_url, dbs[n])
    results["meta"]["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    report.publish(results, args.markdown, args.chart)
    return 0


if __name__ == "__main__":
    sys.exit(main())
