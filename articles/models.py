"""Places, organisations, events, topics and the stories that link them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import TagBase, TaggedItemBase

from . import search
from .text import pinyin_slug

# --- Publishing rule ------------------------------------------------------------------
# Written once for queries (PublishableQuerySet.published) and once for a single row
# (Publishable.is_published). A future published_at means "scheduled": decided at query
# time, so no cron job is needed to make a story appear.


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())


class Publishable(models.Model):
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Only published items are visible to readers."),
    )
    published_at = models.DateTimeField(
        _("publication time"),
        default=timezone.now,
        help_text=_(
            "Readers see a published item from this time on. A time in the future schedules it."
        ),
    )

    class Meta:
        abstract = True

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == Status.PUBLISHED and self.published_at > timezone.now()


def unique_slug(model, text, *, separator="-", instance_pk=None, fallback="item"):
    """A pinyin slug for ``text`` that no other row of ``model`` uses."""
    base = pinyin_slug(text, separator=separator) or fallback
    slug, n = base, 2
    others = model._default_manager.exclude(pk=instance_pk)
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def alias_list(text):
    """Aliases are edited one per line (or separated by commas)."""
    return [
        a.strip() for a in text.replace(",", "\n").replace("，", "\n").splitlines() if a.strip()
    ]


# --- Place ----------------------------------------------------------------------------


class PlaceKind(models.TextChoices):
    PROVINCE = "province", _("Province or municipality")
    CITY = "city", _("Prefecture-level city")
    COUNTY = "county", _("County, county-level city or district")
    TOWN = "town", _("Town")
    ZONE = "zone", _("Development zone")


class PlaceQuerySet(models.QuerySet):
    def within(self, place):
        """The place itself and every place below it."""
        return self.filter(path__startswith=place.path)

    def clusters(self):
        return self.filter(is_cluster=True)


class Place(models.Model):
    """A node of the hierarchy province > city > county > town / development zone.

    ``path`` is a materialised path of zero-padded ids ("/0000001/0000005/"), so
    "this place and everything below it" is one indexed prefix match.
    """

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("URL name"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_(
            "ASCII letters, digits and hyphens, used in the address. Left empty, it is "
            "made from the pinyin of the name; check it for places that share a reading "
            "(台州 and 泰州 both give taizhou)."
        ),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=PlaceKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The larger place this one belongs to; empty for a province."),
    )
    aliases = models.TextField(
        _("other names"),
        blank=True,
        help_text=_("Other names used in stories, one per line (上饶经开区)."),
    )
    description = models.TextField(_("description"), blank=True)
    is_cluster = models.BooleanField(
        _("industry cluster"),
        default=False,
        help_text=_("Shown among the clusters on the front page."),
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="place_slug_not_empty"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fill_slug()
        with transaction.atomic():
            super().save(*args, **kwargs)
            self._update_path()

    def get_absolute_url(self):
        return reverse("articles:place-detail", kwargs={"slug": self.slug})

    def fill_slug(self):
        # Also called by clean(): forms validate the non-empty constraint before save().
        if not self.slug:
            self.slug = unique_slug(Place, self.name, separator="", instance_pk=self.pk)

    @property
    def alias_list(self):
        return alias_list(self.aliases)

    def ancestor_ids(self):
        """Ids on the path above this place, from the root down (no query)."""
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]

    def ancestors(self):
        ids = self.ancestor_ids()
        return sorted(Place.objects.filter(pk__in=ids), key=lambda p: p.depth)

    def trail(self):
        """This place below its ancestors, from the province down: for breadcrumbs."""
        return [*self.ancestors(), self]

    def clean(self):
        self.fill_slug()
        if self.parent_id and self.pk:
            if self.parent_id == self.pk or (self.path and self.parent.path.startswith(self.path)):
                raise ValidationError(
                    {"parent": _("A place cannot be part of itself or of a place inside it.")}
                )

    def _update_path(self):
        parent_path = self.parent.path if self.parent_id else "/"
        new_path = f"{parent_path}{self.pk:07d}/"
        old_path = self.path
        if new_path == old_path:
            return
        new_depth = new_path.count("/") - 2
        Place.objects.filter(pk=self.pk).update(path=new_path, depth=new_depth)
        if old_path:
            # Moving a place moves everything below it.
            Place.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
                depth=F("depth") + (new_depth - self.depth),
            )
        self.path, self.depth = new_path, new_depth


# --- Organisation ------------------------------------------------------------------------


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    ASSOCIATION = "association", _("Industry association")
    ACADEMIC = "academic", _("University or laboratory")
    TESTING = "testing", _("Testing centre")
    GOVERNMENT = "government", _("Government body")
    PARK = "park", _("Industrial park")


class OrganisationQuerySet(models.QuerySet):
    def in_place(self, place):
        return self.filter(place__path__startswith=place.path)


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(
        _("URL name"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_("ASCII, used in the address. Left empty, it is made from the pinyin."),
    )
    short_name = models.CharField(
        _("short name"), max_length=100, blank=True, help_text=_("As readers know it: 凤凰光学.")
    )
    aliases = models.TextField(
        _("other names"),
        blank=True,
        help_text=_("Further names used in stories, one per line; used to suggest links."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=OrganisationKind.choices)
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"])]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="organisation_slug_not_empty"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fill_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:organisation-detail", kwargs={"slug": self.slug})

    def fill_slug(self):
        # Also called by clean(): forms validate the non-empty constraint before save().
        if not self.slug:
            self.slug = unique_slug(
                Organisation, self.short_name or self.name, separator="", instance_pk=self.pk
            )

    def clean(self):
        self.fill_slug()

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def alias_list(self):
        return alias_list(self.aliases)


# --- Event ------------------------------------------------------------------------------


class EventQuerySet(PublishableQuerySet):
    def upcoming(self, today=None):
        """Events that have not ended yet, soonest first."""
        today = today or timezone.localdate()
        return self.filter(
            Q(ends_on__gte=today) | Q(ends_on__isnull=True, starts_on__gte=today)
        ).order_by("starts_on", "start_time", "pk")

    def past(self, today=None):
        today = today or timezone.localdate()
        return self.filter(
            Q(ends_on__lt=today) | Q(ends_on__isnull=True, starts_on__lt=today)
        ).order_by("-starts_on", "-pk")

    def in_place(self, place):
        return self.filter(place__path__startswith=place.path)


class Event(Publishable):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("URL name"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_("ASCII, used in the address. Left empty, it is made from the pinyin."),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(
        _("last day"), null=True, blank=True, help_text=_("Empty for a one-day event.")
    )
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    organisers = models.ManyToManyField(
        Organisation,
        through="EventOrganiser",
        verbose_name=_("organisers"),
        related_name="events",
        blank=True,
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_on"]
        indexes = [
            models.Index(fields=["status", "starts_on"]),
            models.Index(fields=["status", "ends_on"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="event_slug_not_empty"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="event_ends_on_or_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="event_status_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.fill_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:event-detail", kwargs={"slug": self.slug})

    def fill_slug(self):
        # Also called by clean(): forms validate the non-empty constraint before save().
        if not self.slug:
            self.slug = unique_slug(Event, self.title, instance_pk=self.pk, fallback="event")

    @property
    def last_day(self):
        return self.ends_on or self.starts_on

    @property
    def is_multi_day(self):
        return self.ends_on is not None and self.ends_on != self.starts_on

    def clean(self):
        self.fill_slug()
        errors = {}
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The last day cannot be before the first day.")
        if (
            self.start_time
            and self.end_time
            and not self.is_multi_day
            and self.end_time < self.start_time
        ):
            errors["end_time"] = _("The end time cannot be before the start time.")
        if errors:
            raise ValidationError(errors)


class OrganiserRole(models.TextChoices):
    HOST = "host", _("Host (主办)")
    COHOST = "cohost", _("Co-host (联合主办)")
    ORGANISER = "organiser", _("Organiser (承办)")
    SUPPORTER = "supporter", _("Supporter (协办)")


class EventOrganiser(models.Model):
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="organiser_roles"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="event_roles",
    )
    role = models.CharField(_("role"), max_length=10, choices=OrganiserRole.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organisation", "role"], name="event_organiser_role_unique"
            ),
            models.CheckConstraint(
                condition=Q(role__in=OrganiserRole.values), name="event_organiser_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"


# --- Topic ------------------------------------------------------------------------------


class Topic(TagBase):
    """A taggit tag with a description. Chinese names keep Chinese slugs (眼镜)."""

    description = models.TextField(_("description"), blank=True)
    featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Shown on the front page and in menus.")
    )

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def get_absolute_url(self):
        return reverse("articles:topic-detail", kwargs={"slug": self.slug})


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey("Article", on_delete=models.CASCADE)
    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_articles")

    class Meta:
        verbose_name = _("article topic")
        verbose_name_plural = _("article topics")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="article_topic_unique")
        ]


# --- Article ----------------------------------------------------------------------------

#: What the rich-text editor offers; the same list drives the nh3 allow-list.
BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "History": True,
    "SpecialCharacters": True,
}


class ArticleQuerySet(PublishableQuerySet):
    def in_place(self, place):
        """Stories whose place is ``place`` or any place below it."""
        return self.filter(place__path__startswith=place.path)

    def tagged(self, topic):
        return self.filter(topics=topic)

    def mentioning(self, organisation):
        return self.filter(organisations=organisation)

    def covering(self, event):
        return self.filter(event=event)

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def most_read(self):
        return self.order_by("-view_count", "-published_at", "-pk")

    def for_list(self):
        """What a list item shows: place and topics, without a query per row."""
        return self.select_related("place").prefetch_related("topics")

    def related_to(self, article, limit=4):
        """Other published stories sharing a topic, else the same place."""
        topic_ids = [t.pk for t in article.topics.all()]
        condition = Q(topics__in=topic_ids)
        if article.place_id:
            condition |= Q(place_id=article.place_id)
        ids = (
            self.published()
            .filter(condition)
            .exclude(pk=article.pk)
            .values_list("pk", flat=True)
            .distinct()
        )
        return self.filter(pk__in=ids).newest_first()[:limit]


class Article(Publishable):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("URL name"),
        max_length=100,
        blank=True,
        help_text=_("Made from the pinyin of the title when left empty. Stories are found by id."),
    )
    summary = models.TextField(
        _("summary"),
        max_length=500,
        blank=True,
        help_text=_("One or two sentences for lists, search results and link previews."),
    )
    body = ProseEditorField(_("body"), extensions=BODY_EXTENSIONS, sanitize=True, blank=True)
    cover = models.ImageField(_("cover image"), upload_to="covers/%Y/%m/", blank=True)
    cover_alt = models.CharField(
        _("cover description"),
        max_length=200,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    cover_credit = models.CharField(
        _("image credit"), max_length=200, blank=True, help_text=_("图片由…提供: who supplied it.")
    )
    source = models.CharField(
        _("source"),
        max_length=100,
        blank=True,
        help_text=_("The outlet first publishing it (来源)."),
    )
    source_url = models.URLField(_("original link"), max_length=500, blank=True, db_index=True)
    author = models.CharField(_("author"), max_length=100, blank=True)
    source_editor = models.CharField(
        _("editor at the source"),
        max_length=100,
        blank=True,
        help_text=_("The responsible editor (责任编辑) the original outlet names, if any."),
    )
    original_title = models.CharField(
        _("original title"),
        max_length=200,
        blank=True,
        help_text=_("原标题: the title the story first ran under, when the reprint changed it."),
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible editor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="edited_articles",
        help_text=_("责任编辑; set to you when you create a story."),
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        help_text=_("The main place of the story; readers filtering by a province find it too."),
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisations"), related_name="articles", blank=True
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    topics = TaggableManager(
        verbose_name=_("topics"), through=TaggedArticle, blank=True, help_text=""
    )
    featured = models.BooleanField(
        _("lead story"), default=False, help_text=_("Shown at the top of the front page.")
    )
    original_text = models.TextField(
        _("original text"),
        blank=True,
        help_text=_("The text as it was imported, before cleaning; kept for reference."),
    )
    import_fingerprint = models.CharField(
        _("import fingerprint"), max_length=64, blank=True, db_index=True, editable=False
    )
    import_flags = models.JSONField(
        _("import warnings"),
        default=list,
        blank=True,
        help_text=_("What the importer could not clean by itself; check these passages."),
    )
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_pub_idx"),
            models.Index(fields=["status", "-view_count"], name="article_status_views_idx"),
            models.Index(fields=["place", "-published_at"], name="article_place_pub_idx"),
            models.Index(fields=["event", "-published_at"], name="article_event_pub_idx"),
            models.Index(
                fields=["-published_at"],
                condition=Q(featured=True),
                name="article_featured_pub_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="article_slug_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="article_status_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.fill_slug()
        # Sanitise on every save, not just in admin forms: nothing stored can run script.
        self.body = self._meta.get_field("body").sanitize(self.body or "")
        with transaction.atomic():
            super().save(*args, **kwargs)
            search.index_article(self)

    def get_absolute_url(self):
        return reverse("articles:article-detail", kwargs={"pk": self.pk, "slug": self.slug})

    def fill_slug(self):
        # Also called by clean(): forms validate the non-empty constraint before save().
        if not self.slug:
            self.slug = pinyin_slug(self.title) or "story"

    def clean(self):
        self.fill_slug()

    @property
    def editor_name(self):
        if not self.editor:
            return ""
        return self.editor.get_full_name() or self.editor.get_username()
