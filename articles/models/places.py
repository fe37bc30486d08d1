"""Places: province > prefecture-level city > county > town or development zone."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..text import SORT_KEY_LENGTH, sort_key
from .base import SluggedModel, alias_list, unique_slug, url_of

#: The deepest a place may sit below its province (0). Real trees are five levels deep;
#: the materialised path (8 characters a level, 255 in all) would hold 31.
MAX_DEPTH = 9


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


class Place(SluggedModel):
    """A node of the hierarchy province > city > county > town / development zone.

    ``path`` is a materialised path of zero-padded ids ("/0000001/0000005/"), so
    "this place and everything below it" is one indexed prefix match (docs/places.md).
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
    #: The name in pinyin order (articles/text.py sort_key); siblings are listed by it.
    sort_key = models.CharField(
        _("sort key"), max_length=SORT_KEY_LENGTH, editable=False, default=""
    )

    objects = PlaceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["path", "depth", "sort_key"])

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["path"]
        permissions = [
            # Editors add towns and zones; the tree above them is the administrators'.
            ("manage_place_tree", _("Can change provinces, cities and counties")),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="place_slug_not_empty"),
        ]

    def __str__(self):
        return self.name

    def make_slug(self):
        return unique_slug(Place, self.name, separator="", instance_pk=self.pk)

    def save(self, *args, **kwargs):
        self.sort_key = sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        with transaction.atomic():
            super().save(*args, **kwargs)
            self._update_path()

    def get_absolute_url(self):
        return url_of("articles:place-detail", self.slug)

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
        super().clean()
        if self.parent_id and self.pk:
            if self.parent_id == self.pk or (self.path and self.parent.path.startswith(self.path)):
                raise ValidationError(
                    {"parent": _("A place cannot be part of itself or of a place inside it.")}
                )
        if self.parent_id:
            # How deep this place's own subtree goes below it (0 for a new place).
            below = 0
            if self.pk and self.path:
                deepest = Place.objects.within(self).aggregate(d=models.Max("depth"))["d"]
                below = (deepest or self.depth) - self.depth
            if self.parent.depth + 1 + below > MAX_DEPTH:
                raise ValidationError(
                    {
                        "parent": _(
                            "Places nest at most %(n)d levels deep (province, city, county, "
                            "town or zone, and a few more)."
                        )
                        % {"n": MAX_DEPTH + 1}
                    }
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
