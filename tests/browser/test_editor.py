"""An editor posts a story in the admin; a reader finds it under its place's filter."""

import re

import pytest
from playwright.sync_api import expect

from articles.demo import load_demo
from articles.models import Article, Organisation, Place, Status, Topic

from .roles import EDITORS, PASSWORD, role_group

TITLE = "杜桥眼镜企业联合发布智能镜片团体标准"
BODY_FIRST = "11月20日，杜桥眼镜行业协会联合八家企业发布智能镜片团体标准。"
BODY_SECOND = "标准涵盖镜片光学性能与佩戴舒适度等十二项指标。"


def editors_group():
    """The 编辑 group as the data migrations made it (made again after a flush)."""
    return role_group(EDITORS)


@pytest.fixture
def editor(django_user_model):
    group = editors_group()
    assert not group.permissions.filter(content_type__app_label="auth").exists()
    user = django_user_model.objects.create_user(
        "xiaowang", password=PASSWORD, is_staff=True, first_name="小王"
    )
    user.groups.add(group)
    return user


def choose(page, field, search, option):
    """Pick ``option`` in the admin's select2 autocomplete for ``field``."""
    widget = page.locator(f"#id_{field} + .select2")
    multiple = widget.locator(".select2-selection--multiple").count() > 0
    if multiple:
        widget.locator(".select2-search__field").click()
        search_box = widget.locator(".select2-search__field")
    else:
        widget.locator(".select2-selection").click()
        search_box = page.locator(".select2-container--open .select2-search__field")
    search_box.fill(search)
    results = page.locator(".select2-container--open .select2-results__option")
    results.filter(has_text=re.compile(f"^{re.escape(option)}$")).click()
    expect(widget.locator(".select2-selection")).to_contain_text(option)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_publishes_a_story_that_readers_find_under_its_place(
    live_server, page, new_page, page_problems, editor
):
    load_demo()
    place = Place.objects.get(slug="duqiao")
    organisation = Organisation.objects.get(slug="duqiao-yanjingcheng")
    topic = Topic.objects.get(name="镜片")

    # Log in to the editors' room.
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.locator("#id_username").fill(editor.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    expect(page.locator("#user-tools")).to_contain_text(editor.first_name)

    # Add a story.
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    # The URL name (slug) is left empty, as the help text allows: it is made from
    # the pinyin of the title.
    page.locator("#id_title").fill(TITLE)
    body = page.locator(".prose-editor [contenteditable=true]")
    body.click()
    page.keyboard.type(BODY_FIRST)
    page.keyboard.press("Enter")
    page.keyboard.type(BODY_SECOND)
    expect(body.locator("p")).to_have_count(2)
    choose(page, "place", "杜桥", place.name)
    choose(page, "organisations", "杜桥眼镜", organisation.name)
    choose(page, "topics", "镜片", topic.name)
    page.locator("#id_status").select_option(Status.PUBLISHED)
    with page.expect_navigation():
        page.locator("#article_form input[name=_save]").first.click()
    form_errors = page.locator(".errornote, .errorlist li").all_inner_texts()
    assert not form_errors, f"the admin refused the story: {form_errors}"
    expect(page.locator(".messagelist .success")).to_be_visible()

    article = Article.objects.get(title=TITLE)
    assert article.status == Status.PUBLISHED and article.is_published
    assert article.place == place
    assert list(article.organisations.all()) == [organisation]
    assert list(article.topics.all()) == [topic]
    assert article.editor == editor
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", article.slug), article.slug  # pinyin
    assert BODY_FIRST in article.body and BODY_SECOND in article.body

    # A reader, not logged in, filters by the place above the story's place.
    reader = new_page()
    reader.goto(f"{live_server.url}/articles/?place={place.parent.slug}")
    expect(reader.locator(".chip-remove[data-filter=place]")).to_contain_text(place.parent.name)
    link = reader.locator(".article-item-title a", has_text=TITLE)
    expect(link).to_have_count(1)
    link.click()
    expect(reader).to_have_url(live_server.url + article.get_absolute_url())
    expect(reader.locator("h1")).to_have_text(TITLE)
    story_body = reader.locator(".story-body")
    expect(story_body.locator("p").nth(0)).to_have_text(BODY_FIRST)
    expect(story_body.locator("p").nth(1)).to_have_text(BODY_SECOND)
    expect(reader.locator(".story-header a", has_text=place.name)).to_have_attribute(
        "href", place.get_absolute_url()
    )
    expect(reader.locator(".story-links a", has_text=topic.name)).to_have_attribute(
        "href", topic.get_absolute_url()
    )
    expect(reader.locator(".story-links a", has_text=organisation.display_name)).to_have_attribute(
        "href", organisation.get_absolute_url()
    )
    page_problems.assert_none()
