"""Fixtures shared by every test module (the browser tests too).

Test-only settings live here, not in portal/settings.py.
"""

import types

import pytest

from .factories import (
    ArticleFactory,
    EditorFactory,
    EventFactory,
    EventOrganiserFactory,
    OrganisationFactory,
    PlaceFactory,
    SuperUserFactory,
    TopicFactory,
)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Hashing with PBKDF2 costs a third of a second per user; uploads go to a temporary folder.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Whole-page caching is tested in test_page_cache.py; elsewhere tests read
    # response.context, which a page served from the cache does not have.
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def places(db):
    """浙江省 > 台州市 > 临海市 > 杜桥镇 and 江西省 > 上饶市 > 上饶经开区."""
    zhejiang = PlaceFactory(name="浙江省", slug="zhejiang", kind="province")
    taizhou = PlaceFactory(name="台州市", slug="taizhou", kind="city", parent=zhejiang)
    linhai = PlaceFactory(
        name="临海市", slug="linhai", kind="county", parent=taizhou, is_cluster=True
    )
    duqiao = PlaceFactory(name="杜桥镇", slug="duqiao", kind="town", parent=linhai, is_cluster=True)
    jiangxi = PlaceFactory(name="江西省", slug="jiangxi", kind="province")
    shangrao = PlaceFactory(
        name="上饶市", slug="shangrao", kind="city", parent=jiangxi, is_cluster=True
    )
    zone = PlaceFactory(
        name="上饶经济技术开发区", slug="shangraojingkaiqu", kind="zone", parent=shangrao
    )
    return types.SimpleNamespace(
        zhejiang=zhejiang,
        taizhou=taizhou,
        linhai=linhai,
        duqiao=duqiao,
        jiangxi=jiangxi,
        shangrao=shangrao,
        zone=zone,
    )


@pytest.fixture
def site(places):
    """A small published site with one of everything, plus a draft and a scheduled story."""
    glasses = TopicFactory(name="眼镜", featured=True)
    lenses = TopicFactory(name="镜片")
    company = OrganisationFactory(
        name="浙江测试眼镜有限公司", short_name="测试眼镜", slug="ceshiyanjing", place=places.duqiao
    )
    association = OrganisationFactory(
        name="中国测试光学协会", slug="ceshixiehui", kind="association", place=places.shangrao
    )
    event = EventFactory(title="眼镜产业推进会", slug="yanjing-tuijinhui", place=places.linhai)
    EventOrganiserFactory(event=event, organisation=association, role="host")
    EventOrganiserFactory(event=event, organisation=company, role="organiser")
    story = ArticleFactory(
        title="杜桥眼镜产业创新联盟成立",
        place=places.duqiao,
        event=event,
        featured=True,
        topics=[glasses],
        organisations=[company, association],
    )
    other = ArticleFactory(title="上饶光学元件产业发展", place=places.zone, topics=[lenses])
    draft = ArticleFactory(
        title="草稿新闻不应出现", draft=True, place=places.duqiao, topics=[glasses], event=event
    )
    scheduled = ArticleFactory(
        title="定时新闻不应出现",
        scheduled=True,
        place=places.duqiao,
        topics=[glasses],
        organisations=[company],
        event=event,
        featured=True,
    )
    return types.SimpleNamespace(
        places=places,
        glasses=glasses,
        lenses=lenses,
        company=company,
        association=association,
        event=event,
        story=story,
        other=other,
        draft=draft,
        scheduled=scheduled,
    )


@pytest.fixture
def editor(db):
    return EditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def superuser(db):
    return SuperUserFactory()


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client
