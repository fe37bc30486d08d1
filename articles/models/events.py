"""Events: conferences, trade fairs, forums, with their organisers and roles."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .base import (
    InPlaceQuerySet,
    Publishable,
    PublishableQuerySet,
    SluggedModel,
    Status,
    unique_slug,
    url_of,
    validate_sane_date,
)
from .organisations import Organisation
from .places import Place


class EventQuerySet(PublishableQuerySet, InPlaceQuerySet):
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


class Event(Publishable, SluggedModel):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("URL name"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_("ASCII, used in the address. Left empty, it is made from the pinyin."),
    )
    starts_on = models.DateField(_("first day"), validators=[validate_sane_date])
    ends_on = models.DateField(
        _("last day"),
        null=True,
        blank=True,
        validators=[validate_sane_date],
        help_text=_("Empty for a one-day event."),
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
    history = HistoricalRecords()

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

    def make_slug(self):
        return unique_slug(Event, self.title, instance_pk=self.pk, fallback="event")

    def get_absolute_url(self):
        return url_of("articles:event-detail", self.slug)

    @property
    def last_day(self):
        return self.ends_on or self.starts_on

    @property
    def is_multi_day(self):
        return self.ends_on is not None and self.ends_on != self.starts_on

    def clean(self):
        super().clean()
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
