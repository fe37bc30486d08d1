#!/usr/bin/env python
"""Load for the hardening guard: 60 s of wrk at 64 connections against gunicorn -w 2 on the
100,000-story benchmark database, over a mix of thousands of URLs; every answer counted.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/stress.py [--seconds 60] [--connections 64] [--cache 300]

The database is the one bench/pages.py builds and keeps (portal_bench_pages_100k: run
pages.py with --keep or --reuse first). The paths mix every reader page with what
crawlers and strangers send: every place × topic combination, pages 1 to 60 (51 and up
are past the end: 400), stories by id (some that do not exist: 404), searches for words
of every frequency and for punctuation, and malformed parameters (400). Pass: no socket
error or timeout and no answer of 500 or more; 4xx answers to bad input are expected.
"""

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

from archive import server_url_and_name, setup_django
from load import collectstatic, django_env, flush_redis, gunicorn

HERE = Path(__file__).resolve().parent


def paths(seed=7):
    """The URL mix, from the benchmark database's own places, topics and stories."""
    from articles.models import Article, Event, Organisation, Place, Topic  # noqa: PLC0415

    rng = random.Random(seed)
    places = list(Place.objects.values_list("slug", flat=True))
    topics = list(Topic.objects.values_list("slug", flat=True))
    organisations = list(Organisation.objects.values_list("slug", flat=True)[:80])
    events = list(Event.objects.values_list("slug", flat=True)[:80])
    stories = list(
        Article.objects.order_by("?").values_list("pk", "slug")[:400]  # a sample, once
    )
    out = ["/", "/articles/", "/places/", "/topics/", "/organisations/", "/events/"]
    out += [f"/places/{p}/" for p in places]
    out += [f"/topics/{quote(t)}/" for t in topics]
    out += [f"/organisations/{o}/" for o in organisations]
    out += [f"/events/{e}/" for e in events]
    out += [f"/articles/{pk}-{slug}/" for pk, slug in stories]
    out += [f"/articles/{pk}/" for pk, _slug in stories[:50]]  # redirects to the slug
    out += [f"/articles/{10**7 + i}-nothing/" for i in range(20)]  # 404
    out += [f"/articles/?place={p}&topic={quote(t)}" for p in places for t in topics[:15]]
    out += [f"/articles/?page={n}" for n in range(1, 61)]
    out += [f"/articles/?topic={quote(t)}&page={rng.randint(1, 55)}" for t in topics]
    words = [
        "眼镜",
        "光学",
        "镜片",
        "产业",
        "上饶",
        "临海",
        "激光",
        "一壮",
        "打有限光",
        "AI",
        "2025",
    ]
    out += [f"/search/?q={quote(w)}" for w in words]
    out += [f"/search/?q={quote(w)}&place={rng.choice(places)}" for w in words for _n in range(5)]
    out += [
        "/search/?q=%21%21%21",
        "/articles/?page=abc",
        "/articles/?page=999999999",
        "/articles/?place=nowhere",
        "/articles/?date_from=2025-13-45",
        "/articles/?date_from=0001-01-01",
        "/articles/?q=" + "x" * 500,
        "/organisations/?kind=spaceship",
        "/events/?place=" + "%E5" * 30,
        "/script/hant/?next=https://evil.example/",
        "/healthz",
    ]
    rng.shuffle(out)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--cache", type=int, default=300, help="PAGE_CACHE_SECONDS (0: off)")
    parser.add_argument("--db", default="portal_bench_pages_100k")
    parser.add_argument("--redis-db", type=int, default=9)
    args = parser.parse_args()

    import os  # noqa: PLC0415

    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith("postgres"):
        sys.exit("bench/stress.py needs DATABASE_URL=postgresql://… naming the server")
    bench_url = server_url_and_name(server_url, args.db)[1]
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
    setup_django(bench_url)
    url_paths = paths()
    cache_url = f"redis://127.0.0.1:6379/{args.redis_db}"
    env = django_env(bench_url, cache_url, args.cache)
    collectstatic(env)
    flush_redis(cache_url)
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "paths.txt"
        listing.write_text("\n".join(url_paths) + "\n", encoding="utf-8")
        log = Path(tmp) / "gunicorn.log"
        with gunicorn(env, log) as base:
            print(f"{len(url_paths):,} paths, {args.seconds} s, {args.connections} connections")
            done = subprocess.run(
                [
                    "wrk",
                    f"-t{args.threads}",
                    f"-c{args.connections}",
                    f"-d{args.seconds}s",
                    "--timeout=30s",
                    "--latency",
                    "-s",
                    str(HERE / "stress.lua"),
                    base,
                    "--",
                    str(listing),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode:
                sys.exit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        server_log = log.read_text(errors="replace")
    print(done.stdout)
    statuses = json.loads(re.search(r"STATUS (\{.*\})", done.stdout)[1] or "{}")
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", done.stdout
    )
    socket_errors = sum(int(n) for n in socket.groups()) if socket else 0
    server_errors = sum(n for status, n in statuses.items() if int(status) >= 500)
    print(
        f"answers by status: {dict(sorted(statuses.items()))}; socket errors {socket_errors}; "
        f"answers of 500 or more {server_errors}; worker timeouts "
        f"{server_log.count('WORKER TIMEOUT')}; tracebacks {server_log.count('Traceback')}"
    )
    return 1 if socket_errors or server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
