"""An editor imports the Linhai reprint, publishes it; a reader finds it by any word."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from articles.demo import DEMO_DIR, load_demo
from articles.models import Article, Organisation, Place, Status

from .test_editor import PASSWORD, editors_group

RAW = DEMO_DIR / "raw" / "linhai-eyewear-forum.txt"


@pytest.fixture
def import_editor(django_user_model):
    """An editor of the 编辑 group (the group test_editor.py checks)."""
    user = django_user_model.objects.create_user(
        "xiaoli", password=PASSWORD, is_staff=True, first_name="小李"
    )
    user.groups.add(editors_group())
    return user


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    expect(page.locator("#user-tools")).to_contain_text(user.first_name)


def search_from_header(page, q):
    page.locator("#site-search").fill(q)
    with page.expect_navigation():
        page.locator(".header-search button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    expect(page.locator("#site-search")).to_have_value(q)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_editor_imports_the_linhai_reprint_and_readers_find_it_by_any_word(
    live_server, page, new_page, page_problems, import_editor
):
    load_demo()
    # The demo itself is imported from this very file: without its stories the paste
    # below is a new import, not a duplicate.
    Article.objects.all().delete()
    linhai = Place.objects.get(slug="linhai")
    optics_society = Organisation.objects.get(name="浙江省光学学会")
    raw = RAW.read_text(encoding="utf-8")

    log_in(page, live_server, import_editor)

    # The stories' list offers the import page among its tools.
    page.goto(f"{live_server.url}/admin/articles/article/")
    import_link = page.locator(".object-tools a[href$='/admin/articles/article/import/']")
    expect(import_link).to_have_count(1)
    import_link.click()
    expect(page).to_have_url(f"{live_server.url}/admin/articles/article/import/")

    # Step 1: paste the reprinted page as it was copied from the outlet's site.
    page.locator("textarea[name=text]").fill(raw)
    with page.expect_navigation():
        page.locator("form:has(input[name=step][value=preview]) [type=submit]").click()
    assert not page.locator(".errornote, .errorlist li").all_inner_texts()

    # Step 2: the review page, with the suggestions already chosen.
    expect(page.locator("#id_place option:checked")).to_have_text(linhai.name)
    expect(page.locator("#id_event option:checked")).to_contain_text("互聘共享")
    checked_organisations = page.locator("#id_organisations label:has(input:checked)")
    expect(checked_organisations.filter(has_text=optics_society.name)).to_have_count(1)
    checked_names = [name.strip() for name in checked_organisations.all_inner_texts()]
    for name in ("温州医科大学附属眼视光医院", "台州眼镜产业创新联盟", "中国·杜桥眼镜城"):
        assert name in checked_names, (name, checked_names)
    checked_topics = page.locator("#id_topics label:has(input:checked)")
    expect(checked_topics.filter(has_text=re.compile(r"^\s*眼镜\s*$"))).to_have_count(1)
    expect(page.locator("#id_title")).to_have_value(re.compile("临海"))
    expect(page.locator("#id_cover_credit")).to_have_value("临海市委宣传部")

    cleaned = page.locator(".import-cleaned")
    expect(cleaned).to_contain_text("互聘共享")
    expect(cleaned).not_to_contain_text("(qǐyè)")
    expect(cleaned).not_to_contain_text("qǐyè")
    original = page.locator(".import-original")
    expect(original).to_contain_text("企业(qǐyè)")  # the original keeps what was removed…
    assert original.locator("del").count() > 10  # …struck through, every removal
    expect(original.locator("del.removed-pinyin", has_text="(qǐyè)").first).to_be_visible()

    with page.expect_navigation():
        page.locator("form:has(input[name=step][value=save]) [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/articles/article/\d+/change/$"))
    expect(page.locator(".messagelist .success")).to_be_visible()

    article = Article.objects.get()
    assert article.status == Status.DRAFT and not article.is_published
    assert article.place == linhai
    assert optics_society in article.organisations.all()
    assert article.editor == import_editor
    assert article.cover_credit == "临海市委宣传部"
    assert "互聘共享" in article.body and "qǐyè" not in article.body
    assert "(qǐyè)" in article.original_text

    # The suggested date is the "6月20日" of the text, in the last year it was not ahead.
    suggested = timezone.localtime(article.published_at)
    assert (suggested.month, suggested.day) == (6, 20), suggested

    # Publish it from the story's own page, dated now: on 20 June before 09:00 the
    # suggested time would still be ahead and the story merely scheduled.
    now = timezone.localtime() - dt.timedelta(minutes=1)
    page.locator("#id_status").select_option(Status.PUBLISHED)
    page.locator("#id_published_at_0").fill(f"{now:%Y-%m-%d}")
    page.locator("#id_published_at_1").fill(f"{now:%H:%M:%S}")
    with page.expect_navigation():
        page.locator("#article_form input[name=_save]").first.click()
    form_errors = page.locator(".errornote, .errorlist li").all_inner_texts()
    assert not form_errors, f"the admin refused the story: {form_errors}"
    expect(page.locator(".messagelist .success")).to_be_visible()
    article.refresh_from_db()
    assert article.is_published, (article.status, article.published_at)

    # A reader on a phone, not logged in, searches from the header of the front page.
    reader = new_page({"width": 360, "height": 800})
    reader.goto(f"{live_server.url}/")
    search_from_header(reader, "互聘共享")
    results = reader.locator(".article-item")
    expect(results).to_have_count(1)
    title_link = results.locator(".article-item-title a")
    expect(title_link).to_have_text(article.title)
    expect(results.locator(".snippet mark").first).to_have_text("互聘共享")

    # The story: the picture credit the importer found, and its place.
    with reader.expect_navigation():
        title_link.click()
    expect(reader).to_have_url(live_server.url + article.get_absolute_url())
    expect(reader.locator("h1")).to_have_text(article.title)
    expect(reader.locator(".story")).to_contain_text("临海市委宣传部")
    expect(reader.locator(".story-header a", has_text=linhai.name)).to_have_attribute(
        "href", linhai.get_absolute_url()
    )
    expect(reader.locator(".story-body")).not_to_contain_text("qǐyè")

    # A query in traditional characters finds the simplified story.
    search_from_header(reader, "眼鏡")
    expect(results).to_have_count(1)
    expect(title_link).to_have_text(article.title)
    expect(results.locator(".snippet mark").first).to_have_text("眼镜")

    # 繁: the same page in traditional characters.
    with reader.expect_navigation():
        reader.locator(".script-toggle").click()
    expect(reader.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(reader).to_have_url(re.compile(r"/search/\?q="))
    expect(title_link).to_contain_text("臨海")
    expect(title_link).not_to_contain_text("临海")
    expect(reader.locator(".script-toggle")).to_have_text("简")
    page_problems.assert_none()
