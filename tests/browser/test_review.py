"""The review in a browser: a contributor writes and submits a story; an editor finds it
in the queue and sends it back; the contributor reads the comment, edits and submits
again; the editor schedules it; readers see it only from its time on. Then the editor
changes the published story and reverts the change from its history.

And axe on the editors' pages: the review queue, the review page, the story form.
"""

import datetime as dt
import re
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, Status

from .roles import CONTRIBUTORS, EDITORS, member, sign_in
from .test_audits import describe_axe
from .test_editor import choose  # noqa: F401 - the same autocomplete helper, if needed

TITLE = "丹阳镜片企业亮相国际光学博览会"
FIRST = "11月18日，丹阳多家镜片企业在国际光学博览会上展出新品。"
ADDED = "展会期间签约金额超过两亿元。"
COMMENT = "请补充签约金额的来源。"
#: How far ahead the editor schedules the story: long enough to check it is hidden.
AHEAD = dt.timedelta(seconds=12)


@pytest.fixture
def people(django_user_model):
    writer = member(django_user_model, CONTRIBUTORS, "xiaozhang", "小红", "张")
    editor = member(django_user_model, EDITORS, "laoli", "建国", "李")
    return writer, editor


def write_body(page, *paragraphs):
    body = page.locator(".prose-editor [contenteditable=true]")
    body.click()
    page.keyboard.press("End")
    for n, text in enumerate(paragraphs):
        if n or body.inner_text().strip():
            page.keyboard.press("Enter")
        page.keyboard.type(text)


def no_form_errors(page):
    errors = page.locator(".errornote, .errorlist li").all_inner_texts()
    assert not errors, f"the admin refused it: {errors}"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_story_goes_from_writer_to_editor_to_readers_and_back_through_history(
    live_server, new_page, page_problems, people
):
    writer, editor = people
    writer_page, editor_page, reader = new_page(), new_page(), new_page()

    # The contributor writes a story and submits it.
    sign_in(writer_page, live_server, writer)
    writer_page.goto(f"{live_server.url}/admin/articles/article/add/")
    expect(writer_page.locator("#id_status")).to_have_count(0)  # no publishing for them
    writer_page.locator("#id_title").fill(TITLE)
    write_body(writer_page, FIRST)
    with writer_page.expect_navigation():
        writer_page.locator("input[name=_submit]").first.click()
    no_form_errors(writer_page)
    expect(writer_page.locator(".messagelist .success")).to_contain_text("已提交审核")
    story = Article.objects.get(title=TITLE)
    assert story.submitted_at and story.created_by == writer

    # The editor finds it in the queue and sends it back with a comment.
    sign_in(editor_page, live_server, editor)
    editor_page.goto(f"{live_server.url}/admin/articles/article/review/")
    row = editor_page.locator("#review-queue tbody tr", has_text=TITLE)
    expect(row).to_contain_text("张小红")
    row.get_by_role("link", name="审核").click()
    editor_page.get_by_label("给作者的意见").fill(COMMENT)
    with editor_page.expect_navigation():
        editor_page.get_by_role("button", name="退回给作者").click()
    expect(editor_page.locator(".messagelist .success")).to_contain_text("已退回给作者")
    expect(editor_page.locator("#review-queue")).to_have_count(0)  # the queue is empty

    # The contributor reads the comment on the story, edits it and submits again.
    writer_page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    expect(writer_page.locator(".review-note")).to_contain_text(COMMENT)
    write_body(writer_page, ADDED)
    with writer_page.expect_navigation():
        writer_page.locator("input[name=_submit]").first.click()
    no_form_errors(writer_page)
    story.refresh_from_db()
    assert ADDED in story.body and story.submitted_at is not None

    # The editor schedules it a few seconds ahead.
    editor_page.goto(f"{live_server.url}/admin/articles/article/review/")
    editor_page.locator("#review-queue tbody tr", has_text=TITLE).get_by_role(
        "link", name="审核"
    ).click()
    at = timezone.localtime().replace(microsecond=0) + AHEAD
    editor_page.get_by_label("发布时间").fill(at.strftime("%Y-%m-%dT%H:%M:%S"))
    with editor_page.expect_navigation():
        editor_page.get_by_role("button", name="定时发布").click()
    expect(editor_page.locator(".messagelist .success")).to_contain_text("定时发布")
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED and story.published_at == at
    editor_page.goto(f"{live_server.url}/admin/articles/article/")
    expect(editor_page.locator("#result_list tr", has_text=TITLE)).to_contain_text(
        f"定时发布 {at.month}月{at.day}日 {at:%H:%M}"
    )

    # Readers do not see it before its time, and do after it.
    reader.goto(f"{live_server.url}/articles/")
    expect(reader.locator(".article-item-title", has_text=TITLE)).to_have_count(0)
    assert reader.goto(f"{live_server.url}{story.get_absolute_url()}").status == 404
    time.sleep(max(0.0, (at - timezone.now()).total_seconds()) + 1)
    reader.goto(f"{live_server.url}/articles/")
    link = reader.locator(".article-item-title a", has_text=TITLE)
    expect(link).to_have_count(1)
    link.click()
    expect(reader.locator("h1")).to_have_text(TITLE)
    expect(reader.locator(".story-body")).to_contain_text(ADDED)

    # The editor changes the title, then reverts the change from the story's history.
    editor_page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    editor_page.locator("#id_title").fill(TITLE + "（有误）")
    with editor_page.expect_navigation():
        editor_page.locator("#article_form input[name=_save]").first.click()
    no_form_errors(editor_page)
    editor_page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/history/")
    # The newest version has no revert link: the first one is the version before it.
    revert = editor_page.locator(".history-revert-link").first
    expect(revert).to_have_text(re.compile("还原"))
    revert.click()
    expect(editor_page.locator("#content-main")).to_contain_text(TITLE + "（有误）")
    with editor_page.expect_navigation():
        editor_page.locator("#content-main form [type=submit]").click()
    story.refresh_from_db()
    assert story.title == TITLE and story.is_published
    reader.goto(f"{live_server.url}{story.get_absolute_url()}")
    expect(reader.locator("h1")).to_have_text(TITLE)

    page_problems.assert_none()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_editors_pages_pass_axe(live_server, new_page, page_problems, people):
    writer, editor = people
    waiting = Article.objects.create(
        title=TITLE,
        body=f"<p>{FIRST}</p>",
        status=Status.DRAFT,
        created_by=writer,
        submitted_at=timezone.now() - dt.timedelta(days=3),
    )
    axe, problems = Axe(), []
    for user, paths in (
        (
            editor,
            [
                "/admin/articles/article/review/",
                f"/admin/articles/article/{waiting.pk}/review/",
                f"/admin/articles/article/{waiting.pk}/change/",
                "/admin/articles/article/",
            ],
        ),
        (writer, ["/admin/articles/article/add/", "/admin/articles/article/"]),
    ):
        for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
            page = new_page(viewport)
            sign_in(page, live_server, user)
            for path in paths:
                page.goto(live_server.url + path)
                result = axe.run(page)
                problems += describe_axe(
                    f"{user.username} {path}", viewport["width"], result.response["violations"]
                )
    assert not problems, "\n".join(problems)
    page_problems.assert_none()
