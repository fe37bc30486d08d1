"""Accessibility (axe) and HTML validity (Nu Html Checker) of the public pages.

Every public page is audited with the demo content loaded: axe must report no
violations and the Nu Html Checker no errors (the quality bars of docs/architecture.md).
A screenshot of each page, on a desktop and on a 360 px phone, is saved to
test-artifacts/ for a look.
"""

import json
import shutil
import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.demo import load_demo
from articles.models import Article, Event, Organisation, Place, Topic

from .conftest import PHONE, REPO_ROOT

VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def audited_pages():
    """(name, path) of the pages to audit, from the demo content."""
    story = Article.objects.published().get(slug__startswith="zhejiang-linhai")
    event = Event.objects.get(slug="2025-guangxue-yuanqijian-jiaoliuhui")
    return [
        ("home", "/"),
        ("article-list", "/articles/"),
        ("article-list-filtered", "/articles/?place=taizhou&topic=眼镜"),
        ("article-list-bad-filter", "/articles/?place=nowhere&date_from=2025-13-45"),
        ("article", story.get_absolute_url()),
        ("place", Place.objects.get(slug="taizhou").get_absolute_url()),
        ("place-list", "/places/"),
        ("organisation", Organisation.objects.get(slug="shangrao-shifan").get_absolute_url()),
        ("organisation-list", "/organisations/?kind=company"),
        ("event", event.get_absolute_url()),
        ("event-list", "/events/"),
        ("topic", Topic.objects.get(name="眼镜").get_absolute_url()),
        ("topic-list", "/topics/"),
        ("not-found", "/articles/999999-missing/"),
    ]


EXPECTED_STATUS = {"article-list-bad-filter": 400, "not-found": 404}


def describe_axe(name, viewport, violations):
    lines = []
    for violation in violations:
        lines.append(
            f"[{name} @ {viewport}] {violation['id']} ({violation.get('impact')}): "
            f"{violation['help']} <{violation.get('helpUrl', '')}>"
        )
        for node in violation["nodes"][:8]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return lines


def run_vnu(files):
    """Nu Html Checker over all files in one JVM; returns its messages."""
    if not VNU_JAR.exists():
        pytest.fail(f"{VNU_JAR} is missing: run `npm ci --ignore-scripts` in {REPO_ROOT}.")
    java = shutil.which("java")
    if not java:
        pytest.fail("java is missing: the Nu Html Checker needs a Java runtime.")
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    try:
        return json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(
            f"vnu gave no JSON (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
        )


def test_public_pages_pass_axe_and_the_nu_html_checker(
    live_server, new_page, page_problems, artifacts_dir, tmp_path
):
    load_demo()
    pages = audited_pages()
    desktop, phone = new_page(), new_page(PHONE)
    axe = Axe()
    axe_problems, html_files = [], {}

    for name, path in pages:
        response = desktop.goto(live_server.url + path)
        assert response is not None
        assert response.status == EXPECTED_STATUS.get(name, 200), f"{name}: {path}"
        # The HTML as the server sent it, not as the browser re-serialises it.
        html_file = tmp_path / f"{name}.html"
        html_file.write_bytes(response.body())
        html_files[str(html_file)] = name
        assert desktop.title(), f"{name} has no <title>"
        assert desktop.locator("link[rel=canonical]").count() == 1, name
        assert desktop.locator("meta[name=description]").count() == 1, name
        assert desktop.locator("meta[property='og:title']").count() == 1, name
        axe_problems += describe_axe(name, "desktop", axe.run(desktop).response["violations"])
        desktop.screenshot(path=artifacts_dir / f"audit-{name}-desktop.png", full_page=True)

        phone.goto(live_server.url + path)
        axe_problems += describe_axe(name, "phone", axe.run(phone).response["violations"])
        phone.screenshot(path=artifacts_dir / f"audit-{name}-phone.png", full_page=True)
        overflow = phone.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} scrolls sideways on a 360 px phone by {overflow}px"

    messages = run_vnu(html_files)
    errors = [m for m in messages if m.get("type") == "error"]
    html_problems = [
        f"[{html_files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}] "
        f"line {m.get('lastLine')}: {m.get('message')}\n    {m.get('extract', '').strip()[:200]}"
        for m in errors
    ]
    page_problems.assert_none()
    assert not axe_problems and not html_problems, "\n".join(
        ["axe violations:", *axe_problems, "", "Nu Html Checker errors:", *html_problems]
    )
