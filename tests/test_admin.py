"""The editors' room: every page opens, editors have what they need and no more."""

import datetime as dt
import io
import json

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote as admin_quote
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles.models import Article, Event, Organisation, Place, Status

from .factories import (
    PASSWORD,
    ArticleFactory,
    EventFactory,
    EventOrganiserFactory,
    OrganisationFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def one_of_each(site, superuser):
    """At least one row of every registered model, so every change page can be opened."""
    from taggit.models import Tag

    Tag.objects.create(name="旧标签")
    # A failed and a successful sign-in: django-axes' attempt, log and failure log.
    from django.test import Client  # noqa: PLC0415

    visitor = Client()
    visitor.post("/admin/login/", {"username": superuser.username, "password": "wrong"})
    visitor.post("/admin/login/", {"username": superuser.username, "password": PASSWORD})
    visitor.post("/admin/login/", {"username": superuser.username, "password": "wrong"})
    return site


def an_instance(model):
    instance = model._default_manager.order_by("pk").first()
    assert instance is not None, f"no {model._meta.label} to open"
    return instance


# --- Every admin page opens ---------------------------------------------------------------


def test_admin_index_opens(superuser_client):
    response = superuser_client.get("/admin/")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _ in REGISTERED]
)
def test_every_admin_page_opens_for_a_superuser(
    superuser_client, superuser, one_of_each, model, model_admin
):
    instance = an_instance(model)
    pk = admin_quote(instance.pk)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    urls = [admin_url(model, "changelist"), admin_url(model, "change", pk)]
    urls.append(admin_url(model, "history", pk))
    # Logs of sign-in attempts (django-axes) are read-only: nobody adds one by hand.
    if model_admin.has_add_permission(request):
        urls.append(admin_url(model, "add"))
    if model_admin.has_delete_permission(request, instance):
        urls.append(admin_url(model, "delete", pk))
    if model_admin.search_fields:
        urls.append(admin_url(model, "changelist") + "?q=%E7%9C%BC%E9%95%9C")  # 眼镜
    for url in urls:
        response = superuser_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize(
    "query",
    [
        "?status__exact=draft",
        "?featured__exact=1",
        "?published_at__gte=2025-01-01",
        "?o=-3",
        "?published_at__year=2025",
        "?place__id__exact=1",
        "?topics__id__exact=1",
        "?event__id__exact=1",
    ],
)
def test_article_changelist_filters_and_sorts(superuser_client, one_of_each, query):
    response = superuser_client.get(admin_url(Article, "changelist") + query)
    assert response.status_code == 200


def test_article_changelist_shows_the_publication_state(superuser_client, one_of_each):
    response = superuser_client.get(admin_url(Article, "changelist"))
    rows = {a.pk: a for a in response.context["cl"].result_list}

    assert one_of_each.draft.pk in rows and one_of_each.scheduled.pk in rows
    html = response.content.decode()
    assert "●" in html and "◷" in html and "○" in html  # published, scheduled, draft


def autocomplete_fields():
    """(app_label, model_name, field_name) of every autocomplete the admin shows."""
    found = {("articles", "article", "topics")}  # the topics widget of ArticleAdminForm
    for model, model_admin in REGISTERED:
        for field_name in model_admin.autocomplete_fields:
            found.add((model._meta.app_label, model._meta.model_name, field_name))
        for inline in model_admin.inlines:
            for field_name in inline.autocomplete_fields:
                found.add((model._meta.app_label, inline.model._meta.model_name, field_name))
    return sorted(found)


def test_the_autocompletes_cover_topics_places_organisations_and_events():
    fields = {(model, field) for _app, model, field in autocomplete_fields()}
    assert {
        ("article", "topics"),
        ("article", "place"),
        ("article", "organisations"),
        ("article", "event"),
        ("eventorganiser", "organisation"),
    } <= fields


@pytest.mark.parametrize(
    ("app_label", "model_name", "field_name"),
    autocomplete_fields(),
    ids=["-".join(f) for f in autocomplete_fields()],
)
@pytest.mark.parametrize("who", ["superuser", "editor"])
def test_autocomplete_endpoints_answer(
    client, one_of_each, superuser, editor, who, app_label, model_name, field_name
):
    client.force_login(superuser if who == "superuser" else editor)
    url = "/admin/autocomplete/"
    params = {"app_label": app_label, "model_name": model_name, "field_name": field_name}

    everything = client.get(url, {**params, "term": ""})
    assert everything.status_code == 200, everything.content
    assert json.loads(everything.content)["results"]

    searched = client.get(url, {**params, "term": "眼镜"})
    assert searched.status_code == 200


def test_topic_autocomplete_finds_chinese_topics_by_name(superuser_client, one_of_each):
    response = superuser_client.get(
        "/admin/autocomplete/",
        {"app_label": "articles", "model_name": "article", "field_name": "topics", "term": "眼"},
    )
    results = json.loads(response.content)["results"]
    assert results == [{"id": str(one_of_each.glasses.pk), "text": "眼镜"}]


# --- The 编辑 group --------------------------------------------------------------------------


def test_editors_group_is_made_by_the_migration():
    group = Group.objects.get(name="编辑")
    codenames = set(group.permissions.values_list("codename", flat=True))

    assert {"add_article", "change_article", "add_event", "change_event"} <= codenames
    assert {"add_organisation", "change_organisation"} <= codenames
    assert not any(
        codename.endswith("_user") or codename.endswith("_group") for codename in codenames
    )


def test_an_editor_can_add_and_change_stories_events_and_organisations(editor_client, one_of_each):
    for url in (
        "/admin/",
        admin_url(Article, "changelist"),
        admin_url(Article, "add"),
        admin_url(Article, "change", one_of_each.story.pk),
        admin_url(Article, "change", one_of_each.draft.pk),
        admin_url(Event, "add"),
        admin_url(Event, "change", one_of_each.event.pk),
        admin_url(type(one_of_each.company), "add"),
        admin_url(type(one_of_each.company), "change", one_of_each.company.pk),
        admin_url(type(one_of_each.glasses), "add"),
        admin_url(type(one_of_each.places.duqiao), "changelist"),
    ):
        assert editor_client.get(url).status_code == 200, url


def test_an_editor_cannot_manage_users_the_place_tree_or_delete_stories(
    editor_client, one_of_each, superuser
):
    city = one_of_each.places.linhai
    for url in (
        "/admin/auth/user/",
        f"/admin/auth/user/{superuser.pk}/change/",
        "/admin/auth/group/",
        admin_url(Article, "delete", one_of_each.story.pk),
        admin_url(type(city), "delete", city.pk),
    ):
        assert editor_client.get(url).status_code == 403, url
    # A city is read-only to an editor; towns and zones are theirs to add (test_roles.py).
    page = editor_client.get(admin_url(type(city), "change", city.pk))
    assert page.status_code == 200 and not page.context["has_change_permission"]


def test_readers_are_sent_to_the_login_page(client, one_of_each):
    response = client.get(admin_url(Article, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- Publishing actions ---------------------------------------------------------------------


def run_action(client, model, action, objects):
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [o.pk for o in objects]},
    )


def test_publish_action_publishes_drafts_and_keeps_scheduled_times(editor_client, db):
    draft = ArticleFactory(draft=True)
    scheduled_draft = ArticleFactory(draft=True, scheduled=True)
    time = scheduled_draft.published_at

    response = run_action(editor_client, Article, "publish", [draft, scheduled_draft])

    assert response.status_code == 302
    draft.refresh_from_db()
    scheduled_draft.refresh_from_db()
    assert draft.is_published
    assert scheduled_draft.status == Status.PUBLISHED and scheduled_draft.is_scheduled
    assert scheduled_draft.published_at == time
    assert list(Article.objects.published()) == [draft]


def test_unpublish_action_returns_stories_to_draft(editor_client, client, db):
    story = ArticleFactory()
    other = ArticleFactory()

    run_action(editor_client, Article, "unpublish", [story])

    story.refresh_from_db()
    assert story.status == Status.DRAFT
    assert list(Article.objects.published()) == [other]
    client.logout()
    assert client.get(story.get_absolute_url()).status_code == 404


def test_publish_and_unpublish_events(superuser_client, db):
    event = EventFactory(draft=True)
    run_action(superuser_client, Event, "publish", [event])
    event.refresh_from_db()
    assert event.is_published

    run_action(superuser_client, Event, "unpublish", [event])
    event.refresh_from_db()
    assert event.status == Status.DRAFT


# --- Writing a story through the admin form ---------------------------------------------------


def png_file():
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")


def story_form(places, **overrides):
    five_minutes_ago = timezone.localtime() - dt.timedelta(minutes=5)
    data = {
        "title": "临海眼镜企业走进智能制造",
        "summary": "一条测试摘要。",
        "body": '<p>正文</p><script>alert("x")</script><p onclick="steal()">第二段</p>',
        "place": places.duqiao.pk,
        "status": Status.PUBLISHED,
        "published_at_0": five_minutes_ago.strftime("%Y-%m-%d"),
        "published_at_1": five_minutes_ago.strftime("%H:%M:%S"),
        "slug": "",
        "source": "临海新闻网",
        "source_url": "https://example.com/a.html",
        "author": "记者",
        "cover_alt": "",
        "cover_credit": "",
    }
    data.update(overrides)
    return data


def test_an_editor_creates_a_story_with_topics_chosen_by_id(editor_client, editor, places, client):
    glasses, lenses = TopicFactory(name="眼镜"), TopicFactory(name="镜片")
    TopicFactory(name="激光")
    company = OrganisationFactory()
    event = EventFactory()

    response = editor_client.post(
        admin_url(Article, "add"),
        story_form(
            places,
            topics=[glasses.pk, lenses.pk],
            organisations=[company.pk],
            event=event.pk,
            editor=editor.pk,
            cover=png_file(),
            cover_alt="工人在检测镜片",
            cover_credit="临海市委宣传部",
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert set(article.topics.all()) == {glasses, lenses}
    assert list(article.organisations.all()) == [company]
    assert (article.place, article.event, article.editor) == (places.duqiao, event, editor)
    assert article.slug == "lin-hai-yan-jing-qi-ye-zou-jin-zhi-neng-zhi-zao"
    assert "<script" not in article.body and "onclick" not in article.body
    assert "正文" in article.body and "第二段" in article.body
    assert article.cover.name.startswith("covers/")
    assert article.is_published

    client.logout()  # the same client, now as a reader
    html = client.get(article.get_absolute_url()).content.decode()
    # Readers get the renditions, never the upload (docs/images.md).
    assert article.cover.url not in html and "page-720.jpg" in html
    assert "临海市委宣传部" in html
    assert "steal()" not in html
    response = client.get("/articles/?place=zhejiang")
    assert article in response.context["articles"]


def test_editing_a_story_keeps_and_changes_its_topics(superuser_client, places):
    glasses, lenses = TopicFactory(name="眼镜"), TopicFactory(name="镜片")
    article = ArticleFactory(topics=[glasses], place=places.duqiao)

    form = superuser_client.get(admin_url(Article, "change", article.pk))
    assert form.context["adminform"].form.initial["topics"] == [glasses.pk]

    response = superuser_client.post(
        admin_url(Article, "change", article.pk),
        story_form(places, title=article.title, slug=article.slug, topics=[lenses.pk]),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(article.topics.all()) == [lenses]


def test_the_add_form_names_the_editor(editor_client, editor):
    response = editor_client.get(admin_url(Article, "add"))
    assert response.context["adminform"].form.initial["editor"] == editor.pk


def test_an_event_with_organisers_is_saved_through_the_inline(superuser_client, places):
    host, cohost = OrganisationFactory(), OrganisationFactory()
    prefix = "organiser_roles"
    response = superuser_client.post(
        admin_url(Event, "add"),
        {
            "title": "2025上饶光学产业大会",
            "slug": "",
            "starts_on": "2025-06-20",
            "ends_on": "2025-06-21",
            "place": places.shangrao.pk,
            "venue": "上饶国际会展中心",
            "status": Status.PUBLISHED,
            "published_at_0": "2025-06-01",
            "published_at_1": "09:00:00",
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-organisation": host.pk,
            f"{prefix}-0-role": "host",
            f"{prefix}-0-order": "0",
            f"{prefix}-1-organisation": cohost.pk,
            f"{prefix}-1-role": "cohost",
            f"{prefix}-1-order": "1",
        },
    )
    assert response.status_code == 302, response.context["errors"]
    event = Event.objects.get()
    assert event.slug == "2025-shang-rao-guang-xue-chan-ye-da-hui"
    assert [(r.organisation, r.role) for r in event.organiser_roles.all()] == [
        (host, "host"),
        (cohost, "cohost"),
    ]


def test_an_event_ending_before_it_starts_is_refused_with_a_message(superuser_client, db):
    response = superuser_client.post(
        admin_url(Event, "add"),
        {
            "title": "倒着的大会",
            "starts_on": "2025-06-20",
            "ends_on": "2025-06-19",
            "status": Status.DRAFT,
            "published_at_0": "2025-06-01",
            "published_at_1": "09:00:00",
            "organiser_roles-TOTAL_FORMS": "0",
            "organiser_roles-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "ends_on" in response.context["adminform"].form.errors
    assert not Event.objects.exists()


# --- View on site -------------------------------------------------------------------------------


def test_view_on_site_works_for_a_draft_and_opens_the_preview(editor_client, db):
    draft = ArticleFactory(draft=True)
    content_type = ContentType.objects.get_for_model(Article)

    response = editor_client.get(f"/admin/r/{content_type.pk}/{draft.pk}/")
    assert response.status_code == 302
    assert response["Location"].endswith(draft.get_absolute_url())
    preview = editor_client.get(draft.get_absolute_url())
    assert preview.status_code == 200 and "no-store" in preview["Cache-Control"]


def test_change_page_links_to_the_story_on_the_site(superuser_client, db):
    role = EventOrganiserFactory()
    response = superuser_client.get(admin_url(Event, "change", role.event.pk))
    assert response.context["has_absolute_url"]


def test_places_and_organisations_added_without_a_slug_get_a_pinyin_one(superuser_client, places):
    """The slug field says "left empty, it is made from the pinyin": the form must accept that."""
    response = superuser_client.post(
        admin_url(type(places.duqiao), "add"),
        {"name": "丹阳市", "slug": "", "kind": "county", "parent": places.taizhou.pk},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    response = superuser_client.post(
        admin_url(type(places.duqiao), "add"),
        {"name": "丹阳", "slug": "", "kind": "county", "parent": places.taizhou.pk},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    response = superuser_client.post(
        admin_url(Organisation, "add"),
        {"name": "明月镜片股份有限公司", "short_name": "明月镜片", "slug": "", "kind": "company"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    assert set(Place.objects.filter(name__startswith="丹阳").values_list("slug", flat=True)) == {
        "danyangshi",
        "danyang",
    }
    assert Organisation.objects.get().slug == "mingyuejingpian"


def extra_admin_pages():
    """URL names of admin pages a model admin adds beyond Django's (the importer, …)."""
    standard = {"changelist", "add", "history", "delete", "change"}
    names = []
    for _model, model_admin in REGISTERED:
        for pattern in model_admin.get_urls():
            name = pattern.name or ""
            if name and name.rsplit("_", 1)[-1] not in standard and "<" not in str(pattern.pattern):
                names.append(name)
    return names


@pytest.mark.parametrize("name", extra_admin_pages())
def test_extra_admin_pages_open(superuser_client, one_of_each, name):
    assert superuser_client.get(reverse(f"admin:{name}")).status_code == 200


def test_moving_a_place_in_the_admin_moves_its_stories_with_it(superuser_client, places, client):
    story = ArticleFactory(place=places.duqiao)
    response = superuser_client.post(
        admin_url(Place, "change", places.linhai.pk),
        {"name": "临海市", "slug": "linhai", "kind": "county", "parent": places.shangrao.pk},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    places.duqiao.refresh_from_db()
    assert places.duqiao.path.startswith(places.shangrao.path)
    client.logout()
    assert list(client.get("/articles/?place=jiangxi").context["articles"]) == [story]
    assert list(client.get("/articles/?place=zhejiang").context["articles"]) == []


def test_a_place_cannot_be_moved_below_itself_in_the_admin(superuser_client, places):
    response = superuser_client.post(
        admin_url(Place, "change", places.taizhou.pk),
        {"name": "台州市", "slug": "taizhou", "kind": "city", "parent": places.duqiao.pk},
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    places.taizhou.refresh_from_db()
    assert places.taizhou.parent == places.zhejiang
