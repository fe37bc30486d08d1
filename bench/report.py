"""The figures of bench/pages.py as terminal tables, Markdown and (chart.py) a PNG."""

import os
import platform
import subprocess
import time
import unicodedata
from pathlib import Path

from pages import CACHED_TARGET, PAGES, STATIC

TARGETS = {page.key: page.target for page in PAGES}
CACHED_TARGETS = {page.key: page.cached_target for page in PAGES}
HEAD = ["page", "req/s", "p50", "p99", "err", "req/s", "p50", "p99", "err", "queries", "DB ms",
        "req ms"]  # fmt: skip


def meta(args, modes):
    """When, where and how: the conditions the figures hold for."""

    def git(*words):
        done = subprocess.run(["git", *words], capture_output=True, text=True, check=False)
        return done.stdout.strip()

    return {
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain", "--untracked-files=no")),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "modes": modes,
        "seconds": args.seconds,
        "warmup": args.warmup,
        "wrk": f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s --latency",
        "gunicorn": f"gunicorn portal.wsgi -w {args.workers}",
        "seed": args.seed,
    }


# --- Numbers ---------------------------------------------------------------------------------


def rate(value):
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def ms(value):
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def ratio(a, b, suffix=""):
    return f"{a / b:.2f}{suffix}" if a is not None and b else "–"


def width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text, size, right=False):
    space = " " * max(0, size - width(text))
    return space + text if right else text + space


def figures(size, mode, key):
    return size.get(mode, {}).get(key, {})


# --- Tables ----------------------------------------------------------------------------------


def size_rows(size):
    """The cells of one size's table: one row per page."""
    rows = []
    for page in size["pages"]:
        row = [page["path"]]
        for mode in ("uncached", "cached"):
            run = figures(size, mode, page["key"])
            if run:
                row += [rate(run["rps"]), ms(run["p50_ms"]), ms(run["p99_ms"]), str(run["errors"])]
            else:
                row += ["–"] * 4
        queries = str(page.get("queries", "–"))
        if page.get("status") != 200:
            status = page.get("status")  # the in-process request failed: its status
            queries = f"{status}!" if isinstance(status, int) else "error!"
        row += [queries, ms(page.get("db_ms")), ms(page.get("inprocess_ms"))]
        rows.append(row)
    return rows


def title(n, size):
    return (
        f"{int(n):,} stories ({size['published']:,} published, database {size['database_size']}"
        f"{', reused' if size.get('reused') else ''})"
    )


def summary_rows(results):
    """Per page: uncached 100k ÷ 1k, cached ÷ static per size, and the targets missed."""
    sizes = sorted(results["sizes"].items(), key=lambda item: int(item[0]))
    small, large = (sizes[0][1], sizes[-1][1]) if len(sizes) > 1 else (None, None)
    rows = []
    for page in sizes[0][1]["pages"] if sizes else []:
        key = page["key"]
        row = [key]
        if small:
            row.append(ratio(_rps(large, "uncached", key), _rps(small, "uncached", key), "×"))
        for _n, size in sizes:
            row.append(ratio(_rps(size, "cached", key), _rps(size, "cached", STATIC)))
        missed = []
        for n, size in sizes:
            label = f"{int(n) // 1000}k" if int(n) % 1000 == 0 else n
            for mode, target in (
                ("uncached", TARGETS.get(key, 100)),
                ("cached", CACHED_TARGETS.get(key, CACHED_TARGET)),
            ):
                got = _rps(size, mode, key)
                if key != STATIC and got is not None and got < target:
                    missed.append(f"{label} {mode} {rate(got)} < {target:,}")
        row.append("; ".join(missed) or ("–" if key == STATIC else "none"))
        rows.append(row)
    head = ["page"] + (["uncached 100k÷1k"] if small else [])
    head += [f"cached÷static {int(n):,}" for n, _ in sizes] + ["targets missed (req/s)"]
    return head, rows


def _rps(size, mode, key):
    run = figures(size, mode, key)
    return run.get("rps") if run else None


def text_table(head, rows, groups=None):
    widths = [max(width(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    lines = []
    if groups:
        lines.append(groups)
    for row in [head, None, *rows]:
        if row is None:
            lines.append("-" * width(lines[-1]))
        else:
            cells = zip(row, widths, strict=True)
            lines.append("  ".join(pad(c, w, right=i > 0) for i, (c, w) in enumerate(cells)))
    return "\n".join(lines)


def markdown_table(head, rows, left=(0,)):
    align = ["---" if i in left else "---:" for i in range(len(head))]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


def notes(size):
    out = []
    for mode in ("uncached", "cached"):
        log = size.get(f"{mode}_log") or {}
        if log.get("worker_timeouts") or log.get("tracebacks"):
            out.append(
                f"gunicorn ({mode}): {log['worker_timeouts']} worker timeouts, "
                f"{log['tracebacks']} tracebacks in its log"
            )
    cold = [
        f"{p['key']} {p['cold_queries']} / {ms(p['cold_db_ms'])}"
        for p in size["pages"]
        if "cold_queries" in p and p["cold_queries"] != p["queries"]
    ]
    if cold:
        out.append(f"first request with the cache cleared (queries / DB ms): {', '.join(cold)}")
    values = ", ".join(
        f"{k} = {size['values'][k]} ({v})" if k in size["values"] else f"{k}: {v}"
        for k, v in size["about"].items()
    )
    out.append(f"values: {values}")
    return out


def busy_warning(results):
    """The static file's rate is the same in every run on an idle machine: say when not."""
    static = {
        f"{int(n):,} {mode}": run[STATIC]["rps"]
        for n, size in results["sizes"].items()
        for mode in ("uncached", "cached")
        if STATIC in (run := size.get(mode) or {})
    }
    if len(static) > 1 and max(static.values()) > 1.3 * min(static.values()):
        rates = ", ".join(f"{rate(v)} ({k})" for k, v in static.items())
        yield (
            f"the static file's rate varied between runs: {rates} req/s. Something else was "
            "using the CPUs during the slower runs; compare figures within a run, or run again."
        )


def publish(results, markdown_path, chart_path):
    """Print the tables, write them as Markdown, draw the chart."""
    m = results.get("meta", {})
    how = (
        f"{m.get('gunicorn', 'gunicorn')}, {m.get('wrk', 'wrk')} after a {m.get('warmup')} s "
        f"warm-up, {m.get('cpus')} CPUs, commit {m.get('commit')}"
        f"{' + uncommitted changes' if m.get('uncommitted_changes') else ''}, {m.get('started')}"
    )
    md = [
        "# bench/pages.py results",
        "",
        how,
        "",
        "Columns: req/s, p50 and p99 latency (ms) and errors (socket errors, timeouts, 4xx/5xx)"
        " with the page cache off, then on; then, measured in-process with the cache off"
        " (median of 3 after a warm-up): queries per request, their time (DB ms) and the whole"
        " request's (req ms, no HTTP server).",
        "",
    ]
    print(f"\n{how}")
    for n, size in sorted(results["sizes"].items(), key=lambda item: int(item[0])):
        rows = size_rows(size)
        print(f"\n{title(n, size)}")
        widths = [max(width(r[i]) for r in [HEAD, *rows]) for i in range(len(HEAD))]
        off = sum(widths[1:5]) + 6
        groups = (
            " " * (widths[0] + 2)
            + pad("page cache off", off, right=True)
            + "  "
            + pad("page cache on", off, right=True)
        )
        print(text_table(HEAD, rows, groups))
        head = ["page", "off req/s", *HEAD[2:5], "on req/s", *HEAD[6:]]
        md += [f"## {title(n, size)}", "", markdown_table(head, rows), ""]
        for line in notes(size):
            print(line)
            md.append(f"- {line}")
        md.append("")
    for line in busy_warning(results):
        print(f"\nWARNING: {line}")
        md += [f"**Warning:** {line}", ""]
    head, rows = summary_rows(results)
    print(
        "\nSummary (targets: 100 req/s uncached, 1,000 cached; search-common 50 uncached;"
        " the sitemap's page of stories 10 and 300)"
    )
    print(text_table(head, rows))
    md += [
        "## Summary",
        "",
        "Uncached req/s at the largest size ÷ at the smallest; cached req/s ÷ the static"
        " file's in the same run; the runs below their target (100 req/s uncached, 1,000"
        " cached; 50 uncached for the common-word search; 10 and 300 for the sitemap's page"
        " of 10,000 stories).",
        "",
        markdown_table(head, rows, left=(0, len(head) - 1)),
        "",
    ]
    Path(markdown_path).write_text("\n".join(md), encoding="utf-8")
    print(f"\nwrote {markdown_path}")
    if results["sizes"]:
        import chart  # noqa: PLC0415

        chart.draw(results, chart_path)
        print(f"wrote {chart_path}")
