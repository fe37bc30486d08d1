"""The organisation directory's A–Z jump index in Chromium (docs/ordering.md): it leads
to the right page and heading, passes axe and the Nu Html Checker, and fits a phone."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.demo import load_demo

from ..factories import OrganisationFactory
from .test_audits import describe_axe, run_vnu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: 390 px: a current phone, wider than the audits' 360 px.
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def directory():
    """The demo's organisations and enough more for three pages, one under #."""
    load_demo()
    for i in range(25):
        OrganisationFactory(name=f"鹰潭眼镜产业有限公司{i:02d}")
    OrganisationFactory(name="3M中国有限公司")
    OrganisationFactory(name="ABC光学有限公司")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_jump_index(directory, live_server, new_page, page_problems, artifacts_dir, viewport):
    page = new_page(PHONE) if viewport == "phone" else new_page()
    response = page.goto(live_server.url + "/organisations/")
    assert response is not None and response.status == 200
    html_file = artifacts_dir / f"pinyin-index-{viewport}.html"
    html_file.write_bytes(response.body())

    index = page.locator("nav.jump-index")
    assert index.locator("a").all_inner_texts()[:2] == ["#", "A"]
    assert index.locator("li.jump-none").count() > 0
    assert page.locator("h2.letter-heading").first.inner_text() == "#"
    page.screenshot(path=artifacts_dir / f"pinyin-index-{viewport}.png", full_page=True)
    violations = axe_run(page)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"scrolls sideways by {overflow}px"

    # Z (浙江…, 中国…) starts on the second page: the link goes there, to its heading.
    link = index.get_by_role("link", name="Z", exact=True)
    assert link.get_attribute("href") == "?page=2#letter-Z"
    link.click()
    page.wait_for_url(re.compile(r"/organisations/\?page=2#letter-Z$"))
    heading = page.locator("#letter-Z")
    assert heading.inner_text() == "Z"
    assert heading.is_visible()
    # In view (at the top, unless the page is too short to scroll that far).
    box = heading.evaluate("el => el.getBoundingClientRect().toJSON()")
    assert 0 <= box["top"] and box["bottom"] <= page.viewport_size["height"]
    page.screenshot(path=artifacts_dir / f"pinyin-index-{viewport}-z.png")
    violations += axe_run(page)

    page_problems.assert_none()
    errors = [m for m in run_vnu([html_file]) if m.get("type") == "error"]
    assert not violations and not errors, "\n".join(
        [*violations, *(f"line {m.get('lastLine')}: {m.get('message')}" for m in errors)]
    )


def axe_run(page):
    return describe_axe(
        "organisation-list", page.viewport_size["width"], Axe().run(page).response["violations"]
    )
