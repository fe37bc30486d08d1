"""What several models share: the publishing rule, slugs filled from names, places.

The publishing rule is written once for queries (``PublishableQuerySet.published``) and
once for a single row (``Publishable.is_published``); see docs/publishing.md.
"""

import datetime as dt
import functools

from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Q
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..text import pinyin_slug

#: Dates outside these days are typing mistakes (a year 1 or 2205), and some cannot even
#: be stored: Beijing's 1900 offset turns 0001-01-01 into a year-0 UTC time. Every date
#: an editor types or an import suggests must fall between them.
EARLIEST_DAY = dt.date(1949, 1, 1)
LATEST_DAY = dt.date(2100, 12, 31)


def _day_of(value):
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            return value.date()
        try:
            return timezone.localtime(value).date()
        except (OverflowError, ValueError):  # the conversion leaves the years Python knows
            return value.date()
    return value


def validate_sane_date(value):
    """A date or time between EARLIEST_DAY and LATEST_DAY (days in Beijing time)."""
    day = _day_of(value)
    if day is not None and not (EARLIEST_DAY <= day <= LATEST_DAY):
        raise ValidationError(
            _("Use a date between %(first)s and %(last)s."),
            code="out_of_range",
            params={"first": EARLIEST_DAY.isoformat(), "last": LATEST_DAY.isoformat()},
        )


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


def still_up(now):
    """No take-down time, or one still to come."""
    return Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now)


class PublishableQuerySet(models.QuerySet):
    def published(self):
        # A future published_at means "scheduled", a past unpublish_at "taken down":
        # both decided at query time, no cron job.
        now = timezone.now()
        return self.filter(still_up(now), status=Status.PUBLISHED, published_at__lte=now)

    def scheduled(self):
        """Published, but not yet: their time is still to come."""
        return self.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())

    def taken_down(self):
        """Published, and their take-down time has passed."""
        return self.filter(status=Status.PUBLISHED, unpublish_at__lte=timezone.now())

    def next_change(self):
        """The next time one of these appears or disappears without any write, or None."""
        now = timezone.now()
        times = [
            self.scheduled()
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first(),
            self.filter(status=Status.PUBLISHED, unpublish_at__gt=now)
            .order_by("unpublish_at")
            .values_list("unpublish_at", flat=True)
            .first(),
        ]
        times = [t for t in times if t is not None]
        return min(times) if times else None


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
        validators=[validate_sane_date],
        help_text=_(
            "Readers see a published item from this time on. A time in the future schedules it."
        ),
    )

    unpublish_at = models.DateTimeField(
        _("take-down time"),
        null=True,
        blank=True,
        validators=[validate_sane_date],
        help_text=_("Optional: readers no longer see the item from this time on."),
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.unpublish_at and self.published_at and self.unpublish_at <= self.published_at:
            raise ValidationError(
                {"unpublish_at": _("The take-down time must come after the publication time.")}
            )

    @property
    def is_published(self):
        now = timezone.now()
        return (
            self.status == Status.PUBLISHED
            and self.published_at <= now
            and (self.unpublish_at is None or self.unpublish_at > now)
        )

    @property
    def is_scheduled(self):
        return self.status == Status.PUBLISHED and self.published_at > timezone.now()

    @property
    def is_taken_down(self):
        return (
            self.status == Status.PUBLISHED
            and self.unpublish_at is not None
            and self.unpublish_at <= timezone.now()
        )


class SluggedModel(models.Model):
    """A row whose empty ``slug`` is made from its name before it is validated or saved.

    Subclasses define the ``slug`` field and ``make_slug()``. ``clean()`` fills it too,
    because model forms check the non-empty constraint before ``save()`` runs.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.fill_slug()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.fill_slug()

    def make_slug(self) -> str:
        raise NotImplementedError

    def fill_slug(self):
        if not self.slug:
            self.slug = self.make_slug()


class InPlaceQuerySet(models.QuerySet):
    """Rows of a model with a ``place``, found by a place and everything below it."""

    def in_place(self, place):
        # The materialised path makes "临海 and everything in it" one prefix match.
        return self.filter(place__path__startswith=place.path)


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


def url_of(name, *args):
    """``reverse(name, args=args)``, remembered: list pages name hundreds of addresses and
    reversing one costs as much as rendering it (the arguments are part of the key)."""
    return _reverse(name, args, get_urlconf(), get_script_prefix())


@functools.lru_cache(maxsize=50_000)
def _reverse(name, args, urlconf, prefix):
    return reverse(name, args=args, urlconf=urlconf)


@receiver(setting_changed)
def _forget_addresses(setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _reverse.cache_clear()
