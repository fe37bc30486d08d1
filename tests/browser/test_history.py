"""History in a browser: an editor compares two versions of a story and reverts an edit
in two clicks; axe finds no violations on the history pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from articles.models import Article, Organisation, Status

from .roles import ADMINISTRATORS, EDITORS, member, sign_in
from .test_audits import describe_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def edit(story, user, **values):
    for name, value in values.items():
        setattr(story, name, value)
    story._history_user = user
    story.save()


def test_an_editor_reverts_an_edit_from_the_history(
    live_server, new_page, page_problems, django_user_model
):
    editor = member(django_user_model, EDITORS, "laoli", "建国", "李")
    company = Organisation.objects.create(name="浙江测试眼镜有限公司", slug="ceshi", kind="company")
    story = Article.objects.create(
        title="杜桥眼镜产业创新联盟成立",
        summary="二十家企业发起成立联盟。",
        body="<p>第一段不变。</p><p>联盟由二十家企业发起，<strong>推动</strong>产业升级。</p><p>最后一段。</p>",
        status=Status.PUBLISHED,
    )
    story.organisations.add(company)
    edit(
        story,
        editor,
        title="杜桥眼镜产业发展联盟成立（有误）",
        summary="三十家企业发起成立联盟。",
        body="<p>第一段不变。</p><p>联盟由三十家企业发起，推动产业升级。</p><p>最后一段。</p><p>新增一段&lt;附记&gt;。</p>",
    )
    story.organisations.clear()
    page = new_page()
    sign_in(page, live_server, editor)
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    page.locator("a.historylink").click()
    expect(page.locator("h1")).to_contain_text("杜桥")
    page.locator("input[name=old]").nth(3).check()
    page.locator("input[name=new]").nth(1).check()
    page.locator(".history-compare-form [type=submit]").click()
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/history/")
    page.locator(".history-revert-link").nth(1).click()
    with page.expect_navigation():
        page.locator("#content-main form [type=submit]").click()
    story.refresh_from_db()
    assert story.title == "杜桥眼镜产业创新联盟成立"
    assert list(story.organisations.all()) == [company]
    page_problems.assert_none()


def test_history_pages_pass_axe(live_server, new_page, page_problems, django_user_model):
    chief = member(django_user_model, ADMINISTRATORS, "chief", "主编", "王")
    story = Article.objects.create(
        title="偏光镜片出口增长", body="<p>正文。</p>", status=Status.PUBLISHED
    )
    edit(story, chief, title="偏光镜片出口大幅增长", body="<p>正文改了。</p>")
    gone = Article.objects.create(title="删掉的新闻", body="<p>正文。</p>")
    gone_pk = gone.pk
    gone.delete()
    record = Article.history.filter(id=gone_pk, history_type="-").get()
    versions = list(Article.history.filter(id=story.pk).order_by("-history_id"))
    paths = [
        f"/admin/articles/article/{story.pk}/history/",
        f"/admin/articles/article/{story.pk}/history/compare/?new={versions[0].pk}",
        f"/admin/articles/article/{story.pk}/history/{versions[1].pk}/revert/",
        "/admin/articles/article/deleted/",
        f"/admin/articles/article/deleted/{record.pk}/restore/",
        "/admin/articles/article/",
    ]
    axe, problems = Axe(), []
    for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
        page = new_page(viewport)
        sign_in(page, live_server, chief)
        for path in paths:
            page.goto(live_server.url + path)
            result = axe.run(page)
            problems += describe_axe(path, viewport["width"], result.response["violations"])
    assert not problems, "\n".join(problems)
    page_problems.assert_none()
