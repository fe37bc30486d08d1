"""Playwright on Debian's Chromium against pytest-django's live server.

The browser is started once per session; every test gets fresh contexts (no
cookies or storage carried over) with a Simplified Chinese locale, so the
site answers in Chinese as it does for its readers.

Chromium is required: when /usr/bin/chromium is missing the tests fail, they
never skip (``.ci/run`` installs Debian's ``chromium`` first).
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test's thread; Django refuses
# ORM calls from a thread with a running loop unless told otherwise. The Makefile
# exports this too; set it here so a direct `pytest tests/browser` works.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import sync_playwright  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Nothing but the live server: a page that reaches out to the internet fails
    # to load that resource instead of hanging or leaking requests.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def _playwright():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium). "
            "The browser tests need it and do not skip."
        )
    browser = _playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class PageProblems:
    """Script errors and server errors seen by the pages of one test."""

    def __init__(self):
        self.script_errors = []
        self.server_errors = []

    def watch(self, page):
        page.on("pageerror", lambda error: self.script_errors.append(f"{page.url}: {error}"))
        page.on("response", self._on_response)

    def _on_response(self, response):
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.url}")

    def assert_none(self):
        assert not self.server_errors, "server errors:\n" + "\n".join(self.server_errors)
        assert not self.script_errors, "script errors:\n" + "\n".join(self.script_errors)


@pytest.fixture
def page_problems():
    return PageProblems()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_test_failed = report.failed
    return report


@pytest.fixture
def new_page(request, browser, page_problems):
    """``new_page(viewport)``: a page in a fresh zh-CN context; closed after the test.

    When the test fails, every page it opened is saved to test-artifacts/ first.
    """
    contexts = []

    def make(viewport=DESKTOP):
        context = browser.new_context(
            locale="zh-CN",
            viewport=viewport,
            extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page_problems.watch(page)
        return page

    yield make
    if getattr(request.node, "browser_test_failed", False):
        ARTIFACTS.mkdir(exist_ok=True)
        pages = [page for context in contexts for page in context.pages]
        for n, page in enumerate(pages, start=1):
            page.screenshot(path=ARTIFACTS / f"failed-{request.node.name}-{n}.png", full_page=True)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop-sized page (1280x900)."""
    return new_page(DESKTOP)


@pytest.fixture
def phone_page(new_page):
    """A phone-sized page (360x800)."""
    return new_page(PHONE)


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
