"""How long cleaning takes on hostile inputs: each shape at 0.5 MB and 2 MB.

    .venv/bin/python bench/cleaning.py                 # every shape, about 3 minutes
    .venv/bin/python bench/cleaning.py --only deep,pinyin
    .venv/bin/python bench/cleaning.py --tree /path/to/an/older/checkout --clean-only

For each shape (nesting, one huge line, brackets, pinyin, credits, meta lines, mojibake,
unterminated tags …) the text is built at each size and measured in a process of its
own (so a shape that takes hours on older code is cut off by ``--timeout`` and the run
goes on), best of ``--repeat`` runs in process time:

- **clean**: ``articles.ingest.cleaning.clean()`` alone;
- **import**: the text work of an upload before any query: the bytes decoded
  (``uploads.read_upload``), cleaned, cut to the story's columns and body bound
  (``importer.fit_to_story``), fingerprinted, the body's HTML sanitised, the original
  marked for the review page (``admin_import.marked_original``) and the names of the
  demo's places, organisations, events and topics looked for (``suggest.match_names``).
  What ``preview_import()`` adds to that is the database.

The ratio is 2 MB over 0.5 MB: about 4 means linear, 16 quadratic. ``--tree`` imports
``articles`` from another checkout (to measure the code before a change); only the clean
column exists there unless that checkout has the same functions.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MB = 1_000_000
SENTENCE = "临海市杜桥镇的眼镜企业迎来新订单，浙江省光学学会专家到场指导。"


def rep(unit, n):
    return unit * max(1, n // len(unit))


def nested(before, after, n, middle="正文"):
    return rep(before, n // 2) + middle + rep(after, n // 2)


def varied_lines(n):
    return "".join(
        chr(0x4E00 + (i * 7919) % 20000) + chr(0x4E00 + (i * 104729) % 20000) + "\n"
        for i in range(n // 3)
    )


def mismatched_pinyin(n):
    return "".join(chr(0x4E00 + (i * 7919) % 20000) * 8 + "(zhōngguó)" for i in range(n // 18))


#: name -> (builds the text at about n characters, read as HTML)
SHAPES = {
    "deep-divs": (lambda n: nested("<div>", "</div>", n), True),
    "deep-inline": (lambda n: nested("<span><b><i>", "</i></b></span>", n), True),
    "deep-nav": (lambda n: nested("<nav>", "</nav>", n, "导航"), True),
    "deep-share-class": (lambda n: rep('<div class="share">x', n), True),
    "unmatched-end-tags": (lambda n: nested("<div>", "</span>", n, ""), True),
    "head-body-pairs": (lambda n: nested("<div>", "<head><body>", n, ""), True),
    "single-p-2mb": (lambda n: "<p>" + rep(SENTENCE, n) + "</p>", True),
    "tiny-paragraphs": (lambda n: rep("<p>一二</p>", n), True),
    "open-comments": (lambda n: rep("<!--", n), True),
    "open-tags": (lambda n: "<p>x</p>" + rep("<a", n), True),
    "open-quotes": (lambda n: "<p>x</p>" + rep("<a b='x", n), True),
    "one-line": (lambda n: rep(SENTENCE + " ", n), False),
    "one-line-no-blank": (lambda n: rep(SENTENCE, n), False),
    "parentheses": (lambda n: rep("(a)(b)(c)(d)", n), False),
    "open-parentheses": (lambda n: rep("(", n), False),
    "pinyin": (lambda n: rep("會(huì)議(yì)", n), False),
    "pinyin-lines": (lambda n: rep("會(huì)議(yì)在上饒召開。\n", n), False),
    "pinyin-mismatched": (mismatched_pinyin, False),
    "credits-one-line": (lambda n: rep("文字(图片由临海市委宣传部提供)", n), False),
    "nested-credits": (lambda n: nested("(图片由张三", "提供)", n, ""), False),
    "credits-distinct": (
        lambda n: "".join(f"文字(图片由张三{i}提供)" for i in range(n // 16)),
        False,
    ),
    "meta-lines": (lambda n: rep("来源：临海新闻网 作者：张三 2025-06-21 09:30\n", n), False),
    "title-lines": (lambda n: rep("临海眼镜产业推进会召开\n", n), False),
    "tiny-lines": (lambda n: rep("一二\n", n), False),
    "tiny-lines-varied": (varied_lines, False),
    "mojibake-everywhere": (lambda n: rep("领域髽I(yè)家\ufffd", n), False),
    "known-mojibake": (lambda n: rep("?qū)<摇⑵髽I(yè)", n), False),
    "toned-run": (lambda n: "x(" + "ā" * n, False),
    "quotes": (lambda n: rep("“a。 ", n), False),
    "phrases": (lambda n: rep("著力显著", n), False),
    "blank-lines": (lambda n: rep("\n", n), False),
}


def measure(name, size, repeat, clean_only):
    """In the child process: the seconds of each column for one shape and size."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_PLAIN_STATIC", "1")
    make, is_html = SHAPES[name]
    text = make(size)
    from articles.ingest.cleaning import clean  # noqa: PLC0415 - from the tree chosen

    figures = {"chars": len(text), "clean": best(lambda: clean(text, is_html=is_html), repeat)}
    if not clean_only:
        work = import_work(text, is_html)
        figures["import"] = best(work, repeat)
    print(json.dumps(figures))


def import_work(text, is_html):
    """The text work of importing ``text`` as an uploaded file, without the database."""
    import types  # noqa: PLC0415

    import django  # noqa: PLC0415

    django.setup()
    from articles.admin_import import marked_original  # noqa: PLC0415
    from articles.ingest import uploads  # noqa: PLC0415
    from articles.ingest.cleaning import clean  # noqa: PLC0415
    from articles.ingest.importer import _body, fingerprint, fit_to_story  # noqa: PLC0415
    from articles.ingest.suggest import match_names  # noqa: PLC0415

    data, names = text.encode("utf-8"), demo_names()

    def work():
        upload = uploads.read_upload(data)
        cleaned = clean(upload.text, is_html=is_html)
        fit_to_story(cleaned)
        fingerprint(upload.text)
        _body(cleaned.paragraphs)
        marked_original(types.SimpleNamespace(cleaned=cleaned))
        match_names(f"{cleaned.title}\n{cleaned.text}", names)

    return work


def demo_names():
    """(key, names) of the demo's places, organisations, events and topics."""
    demo = ROOT / "articles" / "demo"
    load = lambda file: json.loads((demo / file).read_text(encoding="utf-8"))  # noqa: E731
    names, stack = [], list(load("places.json"))
    while stack:
        node = stack.pop()
        names.append((("place", node["slug"]), [node["name"]]))
        stack += node.get("children", [])
    for row in load("organisations.json"):
        names.append((("org", row["slug"]), [row["name"], row["short_name"], *row["aliases"]]))
    names += [(("event", row["slug"]), [row["title"]]) for row in load("events.json")]
    names += [(("topic", row["name"]), [row["name"]]) for row in load("topics.json")]
    return names


def best(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return min(times)


def run_child(args, name, size):
    command = [sys.executable, __file__, "--child", name, "--size", str(size)]
    command += ["--repeat", str(args.repeat)] + (["--clean-only"] if args.clean_only else [])
    env = {**os.environ, "PYTHONPATH": str(args.tree)}
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=args.timeout, check=True
        )
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as error:
        sys.exit(f"{name} at {size:,}: {error.stderr.strip().splitlines()[-1]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def shown(seconds, timeout):
    return f"> {timeout:.0f}" if seconds is None else f"{seconds:.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated parts of shape names")
    parser.add_argument("--sizes", default="0.5,2", help="MB, comma-separated (default 0.5,2)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300, help="seconds per measurement")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout to import from")
    parser.add_argument("--clean-only", action="store_true", help="only the clean column")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return measure(args.child, args.size, args.repeat, args.clean_only)

    sizes = [int(float(s) * MB) for s in args.sizes.split(",")]
    names = [n for n in SHAPES if not args.only or any(part in n for part in args.only.split(","))]
    columns = ["clean"] + ([] if args.clean_only else ["import"])
    labels = [f"{col} {size / MB:g} MB" for col in columns for size in sizes]
    labels += [f"{col} ratio" for col in columns]
    print(f"Python {sys.version.split()[0]}, tree {args.tree}, best of {args.repeat}, seconds")
    print(f"| shape | {' | '.join(labels)} |")
    print("|---|" + "---:|" * len(labels))
    for name in names:
        figures = [run_child(args, name, size) for size in sizes]
        cells = [shown(f.get(col) if f else None, args.timeout) for col in columns for f in figures]
        for col in columns:
            first, last = figures[0], figures[-1]
            if first and last and first.get(col):
                cells.append(f"{last[col] / first[col]:.1f}")
            else:
                cells.append("—")
        print(f"| {name} | {' | '.join(cells)} |", flush=True)


if __name__ == "__main__":
    main()
