"""factory_boy factories for the portal's models.

Defaults make the common case short: stories and events are published (a moment
ago), places are cities, topics have Chinese names and keep them as slugs. Pass
``status``/``published_at`` or use the ``draft`` and ``scheduled`` traits for the
edges.
"""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify
from factory.django import DjangoModelFactory

from articles.models import (
    Article,
    Event,
    EventOrganiser,
    Organisation,
    OrganisationKind,
    OrganiserRole,
    Place,
    PlaceKind,
    Status,
    Topic,
)

EDITORS_GROUP = "编辑"
PASSWORD = "correct-horse-battery-staple"


def an_hour_ago():
    return timezone.now() - dt.timedelta(hours=1)


def tomorrow():
    return timezone.now() + dt.timedelta(days=1)


class PlaceFactory(DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"测试市{n}")
    slug = factory.Sequence(lambda n: f"place-{n}")
    kind = PlaceKind.CITY
    parent = None


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试光学有限公司{n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = OrganisationKind.COMPANY
    place = None


class EventFactory(DjangoModelFactory):
    """A published two-day event a month from now (Beijing date)."""

    class Meta:
        model = Event

    class Params:
        draft = factory.Trait(status=Status.DRAFT)
        scheduled = factory.Trait(published_at=factory.LazyFunction(tomorrow))

    title = factory.Sequence(lambda n: f"光学产业大会{n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=1))
    place = None
    venue = "国际会展中心"
    status = Status.PUBLISHED
    published_at = factory.LazyFunction(an_hour_ago)


class EventOrganiserFactory(DjangoModelFactory):
    class Meta:
        model = EventOrganiser

    event = factory.SubFactory(EventFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = OrganiserRole.HOST


class TopicFactory(DjangoModelFactory):
    """A topic with a Chinese name; the slug is the name, as taggit makes it."""

    class Meta:
        model = Topic
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"主题{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name, allow_unicode=True))


class ArticleFactory(DjangoModelFactory):
    """A published story, published an hour ago; the slug comes from the title's pinyin.

    ``ArticleFactory(topics=[t1, t2], organisations=[o])`` links them after saving.
    """

    class Meta:
        model = Article
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(status=Status.DRAFT)
        scheduled = factory.Trait(published_at=factory.LazyFunction(tomorrow))

    title = factory.Sequence(lambda n: f"光学产业新闻第{n}篇")
    summary = "产业集群的一条新闻摘要。"
    body = "<p>正文第一段。</p><p>正文第二段。</p>"
    source = "台州日报"
    source_url = "https://example.com/news/1.html"
    author = "记者"
    status = Status.PUBLISHED
    published_at = factory.LazyFunction(an_hour_ago)
    place = None
    event = None

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(list(extracted))

    @factory.post_generation
    def organisations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organisations.set(list(extracted))


class UserFactory(DjangoModelFactory):
    """A reader account; log in with ``PASSWORD`` or ``client.force_login``."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password(PASSWORD)


class EditorFactory(UserFactory):
    """A staff member in the 编辑 group that the data migration creates."""

    username = factory.Sequence(lambda n: f"editor{n}")
    first_name = "编辑"
    is_staff = True

    @factory.post_generation
    def editors_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=EDITORS_GROUP))


class SuperUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True


class ContributorFactory(UserFactory):
    """A staff member in the 撰稿 (contributor) group of migration 0014_roles."""

    username = factory.Sequence(lambda n: f"writer{n}")
    first_name = "撰稿"
    is_staff = True

    @factory.post_generation
    def contributors_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="撰稿"))


class AdministratorFactory(UserFactory):
    """A staff member in the 管理员 (site administrator) group; not a superuser."""

    username = factory.Sequence(lambda n: f"siteadmin{n}")
    first_name = "管理员"
    is_staff = True

    @factory.post_generation
    def administrators_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name="管理员"))
