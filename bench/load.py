"""Serving and loading for bench/pages.py: gunicorn started and stopped, wrk run and read.

Everything stays on 127.0.0.1. gunicorn runs in a session of its own, so that stopping it
(SIGTERM to the master, SIGKILL to its process group if it does not stop) ends its workers
too, whatever happened during the run.
"""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # .venv/bin: gunicorn beside the interpreter
#: Inherited variables that would change what the server does: replaced, never passed on.
OWN_VARIABLES = ("DJANGO_", "DATABASE_URL", "CACHE_URL", "PAGE_CACHE_SECONDS")


def django_env(database_url, cache_url, cache_seconds):
    """The environment of gunicorn (and of the in-process measurement): debug off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_VARIABLES)}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY="bench",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_LOG_LEVEL="ERROR",
        DJANGO_PLAIN_STATIC="1",  # no manifest: collectstatic once into staticfiles/
        PAGE_CACHE_SECONDS=str(cache_seconds),
        CACHE_URL=cache_url,
    )
    return env


def collectstatic(env):
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def flush_redis(cache_url):
    import redis  # noqa: PLC0415

    client = redis.Redis.from_url(cache_url)
    try:
        client.flushdb()
    finally:
        client.close()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- gunicorn ----------------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(env, log_path, workers=2):
    """Serve the site on a free port; yields its base URL; stops the server on the way out."""
    base = f"http://127.0.0.1:{free_port()}"
    command = [str(BIN / "gunicorn"), "portal.wsgi", "-w", str(workers), "-b", base[7:]]
    # gunicorn 27 opens a control socket at one path per user (~/.gunicorn/gunicorn.ctl):
    # not needed here, and it would take over that of another gunicorn on the machine.
    command.append("--no-control-socket")
    with open(log_path, "ab") as log:
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        _wait_until_serving(base, process, log_path)
        yield base
    finally:
        _stop(process)


def _wait_until_serving(base, process, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}:\n{_tail(log_path)}")
        with contextlib.suppress(OSError):
            fetch(base + "/robots.txt", timeout=2)
            return
        time.sleep(0.2)
    sys.exit(f"gunicorn did not answer within {timeout} s:\n{_tail(log_path)}")


def _stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # the master stops its workers
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):  # anything left of its group
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _tail(path, lines=30):
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])


# --- Requests ----------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is an answer of its own, not followed


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url, timeout=300):
    """(status, body) of one GET, redirects not followed; OSError when nothing answers."""
    try:
        with _opener.open(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# --- wrk ---------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def wrk(url, seconds, *, threads=2, connections=8, timeout=30):
    """One wrk run; its figures as parse_wrk returns them, and its output as ``raw``."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={timeout}s",
        "--latency",
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + timeout + 60)
    if done.returncode != 0:
        sys.exit(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    return {**parse_wrk(done.stdout), "raw": done.stdout}


def _ms(value, unit):
    return float(value) * UNITS[unit]


def parse_wrk(text):
    """Requests/s, p50/p99 (ms), requests, and the errors: socket errors and non-2xx/3xx."""
    result = {
        "rps": 0.0,
        "p50_ms": None,
        "p99_ms": None,
        "requests": 0,
        "socket_errors": 0,
        "non_2xx_3xx": 0,
    }
    if match := re.search(r"Requests/sec:\s+([\d.]+)", text):
        result["rps"] = float(match[1])
    for pct in ("50", "99"):
        if match := re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s|m|h)\b", text, re.M):
            result[f"p{pct}_ms"] = _ms(match[1], match[2])
    if match := re.search(r"(\d+) requests in", text):
        result["requests"] = int(match[1])
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    ):
        result["socket_errors"] = sum(int(g) for g in match.groups())
        result["timeouts"] = int(match[4])
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", text):
        result["non_2xx_3xx"] = int(match[1])
    result["errors"] = result["socket_errors"] + result["non_2xx_3xx"]
    return result
