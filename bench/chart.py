"""bench/pages.py's chart: requests per second of every page, grouped bars on a log scale.

Per page, one bar per size and cache mode (uncached bars together, then cached), the
targets as black ticks across their bars (100 req/s uncached, 50 for the common-word
search, 1,000 cached), and the static file's rate of each run as a dotted line.
"""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402
from pages import CACHED_TARGET, PAGES, STATIC  # noqa: E402

LABEL_BOX = {"facecolor": "white", "edgecolor": "none", "pad": 0.3, "alpha": 0.8}
TEMPLATES = {page.key: page.path for page in PAGES}
TARGETS = {page.key: page.target for page in PAGES}
CACHED_TARGETS = {page.key: page.cached_target for page in PAGES}
COLOURS = {  # (size rank, mode): light for uncached, dark for cached; blue small, orange large
    (0, "uncached"): "#9ecae1",
    (0, "cached"): "#2171b5",
    (1, "uncached"): "#fdae6b",
    (1, "cached"): "#d94801",
}


def label(key):
    path = TEMPLATES.get(key, "").replace("{", "<").replace("}", ">")
    return f"{key}\n{path}" if path else key


def draw(results, path):
    sizes = sorted(results["sizes"].items(), key=lambda item: int(item[0]))[-2:]
    keys = [page["key"] for page in sizes[0][1]["pages"]]
    series = [
        (rank, n, size, mode)
        for mode in ("uncached", "cached")
        for rank, (n, size) in enumerate(sizes)
        if size.get(mode)
    ]
    height = 0.8 / max(1, len(series))
    fig, ax = plt.subplots(figsize=(11, 0.62 * len(keys) + 1.8), layout="constrained")
    rates = [run["rps"] for *_, size, mode in series for run in size[mode].values()]
    top = max([1.0, *rates])
    low = 10 ** math.floor(math.log10(max(0.1, min([r for r in rates if r > 0] or [1.0]) / 2)))
    for i, (rank, n, size, mode) in enumerate(series):
        ys = [row - 0.4 + height * (i + 0.5) for row in range(len(keys))]
        runs = [size[mode].get(key, {}) for key in keys]
        rps = [run.get("rps") or 0.0 for run in runs]
        colour = COLOURS[(rank, mode)]
        name = f"{int(n):,} stories, {mode}"
        bars = ax.barh(
            ys, [max(r, low) for r in rps], height=height * 0.95, color=colour, label=name
        )
        for bar, y, r, run in zip(bars, ys, rps, runs, strict=True):
            text = f"{r:,.0f}" if r >= 10 else f"{r:.1f}"
            if run.get("errors"):  # a rate of error pages is no rate: hatched, in red
                bar.set_hatch("////")
                bar.set_edgecolor("#b00000")
                text += f"  ({run['errors']:,} errors of {run['requests']:,})"
            ax.text(
                max(r, low) * 1.06,
                y,
                text,
                va="center",
                fontsize=6.5,
                color="#b00000" if run.get("errors") else "#333333",
                bbox=LABEL_BOX,
            )
        static = size[mode].get(STATIC, {}).get("rps")
        if static:
            ax.axvline(static, color=colour, linestyle=":", linewidth=1.4)
    # Targets: a tick across the bars they apply to.
    for row, key in enumerate(keys):
        if key == STATIC:
            continue
        for mode, target in (
            ("uncached", TARGETS.get(key, 100)),
            ("cached", CACHED_TARGETS.get(key, CACHED_TARGET)),
        ):
            idx = [i for i, s in enumerate(series) if s[3] == mode]
            if idx:
                y0 = row - 0.4 + height * min(idx)
                ax.plot([target, target], [y0, y0 + height * len(idx)], color="black", lw=2)
    ax.set_xscale("log")
    ax.set_xlim(low, top * 3)
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _pos: f"{x:,.{max(0, -int(math.floor(math.log10(x))))}f}")
    )
    ax.set_yticks(range(len(keys)), [label(k) for k in keys], fontsize=7.5)
    ax.invert_yaxis()
    ax.set_xlabel("requests per second (log scale)")
    ax.grid(axis="x", which="major", color="#dddddd")
    ax.set_axisbelow(True)
    m = results.get("meta", {})
    ax.set_title(
        f"Reader pages through {m.get('gunicorn', 'gunicorn')}, {m.get('wrk', 'wrk')}"
        f" (commit {m.get('commit', '?')}, {m.get('started', '')[:10]})",
        fontsize=10,
    )
    handles, _labels = ax.get_legend_handles_labels()
    handles += [
        Patch(facecolor="white", edgecolor="#b00000", hatch="////", label="run with errors"),
        Line2D(
            [],
            [],
            color="black",
            lw=2,
            label="target (100 uncached, 1,000 cached; search-common 50, sitemap-stories 10/300)",
        ),
        Line2D(
            [], [], color="grey", linestyle=":", label="static file, same run (colour of its run)"
        ),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=7.5, frameon=False)
    fig.savefig(path, dpi=110)
    plt.close(fig)
