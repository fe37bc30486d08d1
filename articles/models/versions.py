"""The content version: one row that changes whenever anything readers see changes.

Caches of pages and of counts put the version in their keys, so a change to a story,
event, organisation, place or topic makes every cached page and count stale at once, on
every server sharing the database (docs/caching.md). The row also holds the next
scheduled publication: no cached entry may live past it, because a scheduled story
appears at its time without any write.

The version is random, not a counter: a rolled-back transaction or a database restored
from a backup can never bring back a version that cached entries were made under.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .events import Event
from .stories import Article

_TABLE = "articles_contentversion"


@dataclass(frozen=True)
class ContentState:
    version: int
    #: the earliest publication time still in the future (story or event), or None
    next_publication: dt.datetime | None

    def seconds_left(self, seconds: float, now: dt.datetime | None = None) -> int:
        """How long an entry made now may be kept: at most ``seconds``, never past the
        next scheduled publication or the next midnight in Beijing (when "upcoming"
        events become past ones). Whole seconds, rounded down; 0 means "do not keep"."""
        now = now or timezone.now()
        limit = seconds
        if self.next_publication is not None:
            limit = min(limit, (self.next_publication - now).total_seconds())
        local = timezone.localtime(now)
        midnight = timezone.make_aware(
            dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time())
        )
        limit = min(limit, (midnight - now).total_seconds())
        return max(0, int(limit))


class ContentVersion(models.Model):
    version = models.BigIntegerField(_("version"), default=0)
    next_publication = models.DateTimeField(_("next scheduled publication"), null=True)
    #: False after a change, until the first reader works out the next publication.
    next_publication_known = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("content version")
        verbose_name_plural = _("content versions")

    def __str__(self):
        return str(self.version)

    @staticmethod
    def current() -> ContentState:
        """The current version, read with one cheap query on every cacheable request.

        After a change, or once the next scheduled publication has passed, the first
        reader also works out the next one and notes it, unless the version has changed
        again meanwhile (the UPDATE names the version it read).
        """
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT version, next_publication, next_publication_known FROM {_TABLE}"
                " WHERE id = 1"
            )
            row = cursor.fetchone()
        if row is None:
            ContentVersion.bump()
            return ContentVersion.current()
        version, next_publication, known = row
        next_publication = _aware(next_publication)
        if known and (next_publication is None or next_publication > timezone.now()):
            return ContentState(version, next_publication)
        next_publication = _next_publication()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_TABLE} SET next_publication = %s, next_publication_known = %s"
                " WHERE id = 1 AND version = %s",
                [next_publication, True, version],
            )
        return ContentState(version, next_publication)

    @staticmethod
    def bump() -> None:
        """Something readers see changed: a new version (one UPDATE).

        Called inside the writer's transaction, so no reader can see the new version
        before the change it stands for.
        """
        version = secrets.randbits(62)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_TABLE} SET version = %s, next_publication_known = %s WHERE id = 1",
                [version, False],
            )
            if cursor.rowcount:
                return
            try:
                with transaction.atomic():
                    cursor.execute(
                        f"INSERT INTO {_TABLE} (id, version, next_publication_known)"
                        " VALUES (1, %s, %s)",
                        [version, False],
                    )
            except IntegrityError:  # another request inserted it first
                pass


def _next_publication():
    """The next publication or take-down time still to come, of a story or an event."""
    times = [model.objects.next_change() for model in (Article, Event)]
    times = [t for t in times if t is not None]
    return min(times) if times else None


def _aware(value):
    # SQLite returns naive UTC datetimes (or strings) from a raw cursor.
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value
