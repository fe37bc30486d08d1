"""Organisations: companies, associations, universities, test centres, government, parks."""

from django.db import models
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import images
from ..text import SORT_KEY_LENGTH, sort_key
from .base import InPlaceQuerySet, SluggedModel, alias_list, unique_slug, url_of
from .places import Place


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    ASSOCIATION = "association", _("Industry association")
    ACADEMIC = "academic", _("University or laboratory")
    TESTING = "testing", _("Testing centre")
    GOVERNMENT = "government", _("Government body")
    PARK = "park", _("Industrial park")


class OrganisationQuerySet(InPlaceQuerySet):
    pass


class Organisation(SluggedModel):
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
    #: The name in pinyin order (articles/text.py sort_key, docs/ordering.md), set on save.
    sort_key = models.CharField(
        _("sort key"), max_length=SORT_KEY_LENGTH, editable=False, default="", db_index=True
    )
    logo = images.PictureField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        validators=[images.validate_logo],
        help_text=_("PNG (transparent background) or JPEG, at least 32 pixels on each side."),
    )

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["sort_key"])

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["sort_key", "pk"]
        indexes = [models.Index(fields=["kind", "sort_key"], name="organisation_kind_order_idx")]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="organisation_slug_not_empty"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.sort_key = sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)

    def make_slug(self):
        return unique_slug(
            Organisation, self.short_name or self.name, separator="", instance_pk=self.pk
        )

    def get_absolute_url(self):
        return url_of("articles:organisation-detail", self.slug)

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def alias_list(self):
        return alias_list(self.aliases)


@receiver(post_save, sender=Organisation, dispatch_uid="articles.make_logo_renditions")
def make_logo_renditions(sender, instance, raw=False, update_fields=None, **kwargs):
    """The logo's renditions are made when the organisation is saved (articles/images.py)."""
    if instance.logo and not raw and (update_fields is None or "logo" in update_fields):
        images.make_renditions_on_commit(instance.logo, images.LOGO_RENDITIONS)
