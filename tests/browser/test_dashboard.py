"""The editors' dashboard at /admin/ in Chromium: the right stories, no axe violations,
usable on a phone. Screenshots at 390 px and 1280 px go to test-artifacts/."""

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, DailyReads, Status, TaggedArticle, Topic

from ..factories import ArticleFactory, TopicFactory
from .conftest import DESKTOP
from .roles import CONTRIBUTORS, EDITORS, member, sign_in
from .test_audits import describe_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_390 = {"width": 390, "height": 844}


@pytest.fixture
def newsroom(django_user_model):
    editor = member(django_user_model, EDITORS, "xiaowang", "小王")
    writer = member(django_user_model, CONTRIBUTORS, "xiaoli", "丽", last_name="李")

    now = timezone.now()
    ArticleFactory(title="我的草稿：杜桥眼镜产业园二期规划", status=Status.DRAFT, created_by=editor)
    waiting = ArticleFactory(
        title="待审：上饶光学企业赴德参展", status=Status.DRAFT, created_by=writer
    )
    Article.objects.filter(pk=waiting.pk).update(submitted_at=now - dt.timedelta(hours=3))
    ArticleFactory(title="定时：临海眼镜博览会开幕", published_at=now + dt.timedelta(days=1))
    read = ArticleFactory(title="已发：丹阳镜片出口同比增长两成", published_at=now)
    DailyReads.objects.create(article=read, day=timezone.localdate(), views=1234)
    return editor


def test_the_dashboard_shows_each_section_and_passes_axe(
    live_server, new_page, page_problems, artifacts_dir, newsroom
):
    axe = Axe()
    problems = []
    for name, viewport in [("desktop", DESKTOP), ("phone", PHONE_390)]:
        page = new_page(viewport)
        sign_in(page, live_server, newsroom)

        expect(page.locator("#dashboard-my-drafts")).to_contain_text("杜桥眼镜产业园二期规划")
        waiting = page.locator("#dashboard-waiting")
        expect(waiting).to_contain_text("上饶光学企业赴德参展")
        expect(waiting).to_contain_text("李丽")  # who submitted it
        expect(page.locator("#dashboard-scheduled")).to_contain_text("临海眼镜博览会开幕")
        expect(page.locator("#dashboard-recent")).to_contain_text("丹阳镜片出口同比增长两成")
        expect(page.locator("#dashboard-most-read")).to_contain_text("1,234")
        # Django's list of models is still there to find everything else.
        expect(page.locator("#content-related .app-articles")).to_be_visible()

        problems += describe_axe("dashboard", name, axe.run(page).response["violations"])
        page.screenshot(path=artifacts_dir / f"dashboard-{name}.png", full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the dashboard scrolls sideways on {name} by {overflow}px"

        # A title opens the story's change page.
        page.locator("#dashboard-waiting a", has_text="上饶光学企业赴德参展").click()
        expect(page).to_have_url(re.compile(r"/admin/articles/article/\d+/change/"))

    page_problems.assert_none()
    assert not problems, "\n".join(["axe violations:", *problems])


def test_an_editor_merges_two_topics_through_the_confirmation_page(
    live_server, page, page_problems, artifacts_dir, newsroom
):
    glasses, industry = TopicFactory(name="眼镜"), TopicFactory(name="眼镜产业")
    ArticleFactory(title="两个话题都有", topics=[glasses, industry])
    ArticleFactory(title="只有眼镜", topics=[glasses])
    ArticleFactory(title="只有眼镜产业", topics=[industry])
    sign_in(page, live_server, newsroom)

    page.goto(f"{live_server.url}/admin/articles/topic/")
    for topic in (glasses, industry):
        page.locator(f"input[name=_selected_action][value='{topic.pk}']").check()
    page.locator("select[name=action]").select_option("merge_selected")
    page.locator("button[name=index]").click()

    # The confirmation: the topic with most stories is chosen (a tie: by name).
    expect(page.locator("h1")).to_be_visible()
    chosen = page.locator("input[name=keep]:checked")
    expect(chosen).to_have_value(str(glasses.pk))
    violations = Axe().run(page).response["violations"]
    page.screenshot(path=artifacts_dir / "topic-merge-confirmation.png", full_page=True)
    assert not violations, "\n".join(describe_axe("topic-merge", "desktop", violations))

    page.locator(".merge-form [type=submit]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("眼镜")
    assert list(Topic.objects.values_list("name", flat=True)) == ["眼镜"]
    assert TaggedArticle.objects.filter(tag=glasses).count() == 3
    page_problems.assert_none()
