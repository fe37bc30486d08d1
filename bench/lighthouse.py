"""Lighthouse scores of the reader pages, in Debian's Chromium, against the demo site.

    .venv/bin/python bench/lighthouse.py                  # six pages, about 2 minutes
    .venv/bin/python bench/lighthouse.py --keep           # keep the JSON reports

It makes a throwaway SQLite database with the demo content, serves it with gunicorn
(debug off, as in production) on 127.0.0.1, installs Lighthouse with npm into
bench/.lighthouse on first use (it is not part of `make test`), and runs it on the front
page, the story list, a story, a place, an event and the organisation directory. It
prints the accessibility, SEO and best-practices scores (and performance, which depends
on the machine) of each page, and every audit that did not pass in the first three.
A page under 1.0 in any of the three makes it exit 1.
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
TOOLS = ROOT / "bench" / ".lighthouse"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_VERSION = "12"
CHROMIUM = "/usr/bin/chromium"
CATEGORIES = ("accessibility", "seo", "best-practices")
CHROME_FLAGS = " ".join(
    [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        '"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"',
    ]
)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def install_lighthouse():
    if LIGHTHOUSE.exists():
        return
    TOOLS.mkdir(parents=True, exist_ok=True)
    (TOOLS / "package.json").write_text('{"private": true}\n')
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", f"lighthouse@{LIGHTHOUSE_VERSION}"],
        cwd=TOOLS,
        check=True,
    )


def run_lighthouse(command, attempts=3):
    """Lighthouse now and then fails to record a trace (NO_NAVSTART): try again."""
    for attempt in range(1, attempts + 1):
        done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM})
        if done.returncode == 0:
            return
        print(f"    (Lighthouse failed, attempt {attempt} of {attempts})", file=sys.stderr)
    raise SystemExit(f"Lighthouse failed {attempts} times: {command[1]}")


def demo_site(workdir, env):
    """Migrate a fresh SQLite database, load the demo, collect static files."""
    for command in (["migrate", "-v0"], ["load_demo"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True
        )


def pages(env):
    """The six pages: the first story, place, event of the demo."""
    code = (
        "from articles.models import Article, Event, Place;"
        "print(Article.objects.published().first().get_absolute_url());"
        "print(Place.objects.clusters().first().get_absolute_url());"
        "print(Event.objects.published().first().get_absolute_url())"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    story, place, event = out[-3:]
    return {
        "front page": "/",
        "story list": "/articles/",
        "story": story,
        "place": place,
        "event": event,
        "organisations": "/organisations/",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the JSON reports")
    args = parser.parse_args()
    install_lighthouse()
    workdir = Path(tempfile.mkdtemp(prefix="lighthouse-"))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir}/db.sqlite3",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_SECRET_KEY": "lighthouse-only-secret-key-not-for-production-0123456789",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PAGE_CACHE_SECONDS": "0",
    }
    env.pop("DJANGO_DEBUG", None)
    env.pop("DJANGO_PLAIN_STATIC", None)
    demo_site(workdir, env)
    server = subprocess.Popen(
        [GUNICORN, "portal.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    failed = False
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        print(f"{'page':<15} {'a11y':>5} {'seo':>5} {'best':>5} {'perf':>5}  url")
        for name, path in pages(env).items():
            report = workdir / f"{name.replace(' ', '-')}.json"
            run_lighthouse(
                [
                    LIGHTHOUSE,
                    base + path,
                    "--quiet",
                    "--output=json",
                    f"--output-path={report}",
                    f"--chrome-flags={CHROME_FLAGS}",
                    "--only-categories=accessibility,seo,best-practices,performance",
                    "--locale=zh",
                ]
            )
            result = json.loads(report.read_text())
            scores = {k: v["score"] for k, v in result["categories"].items()}
            print(
                f"{name:<15} {scores['accessibility']:>5.2f} {scores['seo']:>5.2f} "
                f"{scores['best-practices']:>5.2f} {scores['performance']:>5.2f}  {path}"
            )
            for category in CATEGORIES:
                if scores[category] < 1:
                    failed = True
                    for ref in result["categories"][category]["auditRefs"]:
                        audit = result["audits"][ref["id"]]
                        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                            print(f"    {category}: {ref['id']}: {audit['title']}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
        if args.keep:
            print(f"reports kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
