"""Counting a story's readers without writing its row on every view.

The story page asks the browser to send a beacon (static/js/read.js) once it is shown:
pages served from the page cache count too, and robots, which run no script, do not;
a beacon from a client that names itself a robot is ignored as well, and logged-in staff
get no beacon. Each worker adds the beacons up in memory and writes them in one
transaction every ``FLUSH_EVERY_VIEWS`` views or ``FLUSH_EVERY_SECONDS`` seconds, and
when it exits. A worker that dies loses at most that many views.

The view counts drive the most-read lists; the readers of each day (``DailyReads``)
drive the editors' "most read this week". Writing them never bumps the content version:
cached pages show the counts of when they were made, for at most PAGE_CACHE_SECONDS.
"""

import atexit
import re
import threading
import time
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import Article, DailyReads

FLUSH_EVERY_VIEWS = 50
FLUSH_EVERY_SECONDS = 10.0

#: User agents that announce a robot, a link previewer or a script.
ROBOT = re.compile(
    r"bot|crawl|spider|slurp|archiver|fetch|preview|headless|lighthouse|monitor|"
    r"curl|wget|python|java/|go-http|okhttp|scrapy|httpclient|^$",
    re.IGNORECASE,
)

_pending: Counter = Counter()
_lock = threading.Lock()
_last_flush = time.monotonic()


def is_robot(user_agent: str) -> bool:
    return bool(ROBOT.search(user_agent or ""))


def count_read(pk: int) -> None:
    """One reader of story ``pk``; written with the next flush."""
    with _lock:
        _pending[pk] += 1
        due = (
            sum(_pending.values()) >= FLUSH_EVERY_VIEWS
            or time.monotonic() - _last_flush >= FLUSH_EVERY_SECONDS
        )
    if due:
        flush()


def flush() -> int:
    """Write the views counted so far (published stories only); returns how many."""
    global _last_flush
    with _lock:
        pending = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    if not pending:
        return 0  # no transaction, no connection (this also runs when any process exits)
    by_views = defaultdict(list)
    for pk, views in pending.items():
        by_views[views].append(pk)
    today = timezone.localdate()
    with transaction.atomic():
        for views, pks in by_views.items():
            # update() sends no signals: counting readers changes no cached page.
            published = list(
                Article.objects.published().filter(pk__in=pks).values_list("pk", flat=True)
            )
            Article.objects.filter(pk__in=published).update(view_count=F("view_count") + views)
            _add_daily(today, published, views)
    return sum(pending.values())


def _add_daily(day, pks, views):
    """Add ``views`` to each story's readers of ``day``: one upsert, the same SQL on
    SQLite and PostgreSQL (a row another worker made meanwhile is added to)."""
    if not pks:
        return
    table = connection.ops.quote_name(DailyReads._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (article_id, day, views) VALUES (%s, %s, %s)"
            f" ON CONFLICT (article_id, day) DO UPDATE SET views = {table}.views + excluded.views",
            [(pk, day, views) for pk in pks],
        )


def pending() -> int:
    """Views counted but not written yet."""
    with _lock:
        return sum(_pending.values())


@atexit.register
def _flush_at_exit():
    try:
        flush()
    except Exception:  # noqa: BLE001 - the database may be gone when the process ends
        pass
