"""Turn a reprinted page into a draft story: clean it, suggest its links, save it.

The cleaning itself is pure text work (``cleaning.clean``); this module adds what
needs the database: which places, organisations, events and topics the text
names, whether the page was imported before (the unique fingerprint has the last
word when two imports run at once), and the draft itself, every value cut to what a
story holds (``limits``, ``fit_to_story``). An import never publishes: an editor
checks the draft and the suggestions first: it waits in the review queue.
"""

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.safestring import mark_safe

from ..models import Article, Event, Organisation, Place, Status, Topic
from ..models.base import EARLIEST_DAY, LATEST_DAY
from ..models.stories import MAX_BODY_CHARS
from . import limits
from .cleaning import clean
from .results import CleanResult, Flag
from .suggest import match_names

#: Flags that only inform (the encoding a file was read in): not "flagged for checking".
NOTE_KINDS = frozenset({"note"})

#: Suffixes a place name may drop in running text: 临海市 is often just 临海.
PLACE_SUFFIXES = ("省", "市", "区", "县", "镇", "乡", "街道")


@dataclass
class Suggestions:
    place: Place | None = None
    places: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    event: Event | None = None
    events: list = field(default_factory=list)
    topics: list = field(default_factory=list)


@dataclass
class ImportPreview:
    cleaned: CleanResult
    suggestions: Suggestions
    fingerprint: str
    duplicate: Article | None
    #: the link given with the page, if usable ("" otherwise: see the flags)
    source_url: str = ""

    @property
    def body_html(self):
        return paragraphs_to_html(self.cleaned.paragraphs)


def fingerprint(raw: str) -> str:
    """The same text, however its whitespace was mangled, gives the same fingerprint."""
    folded = "".join(unicodedata.normalize("NFKC", raw).split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def paragraphs_to_html(paragraphs) -> str:
    """``<p>…</p>`` per paragraph, escaped (as ``format_html_join`` would, faster)."""
    html = "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p.strip())
    return mark_safe(html)  # noqa: S308 - every paragraph is escaped


def find_duplicate(*, fingerprint_: str, source_url: str = "") -> Article | None:
    query = Article.objects.filter(import_fingerprint=fingerprint_)
    duplicate = query.first()
    if duplicate is None and source_url:
        duplicate = Article.objects.filter(source_url=source_url).first()
    return duplicate


def place_names(place):
    names = [place.name, *place.alias_list]
    for suffix in PLACE_SUFFIXES:
        if place.name.endswith(suffix) and len(place.name) - len(suffix) >= 2:
            names.append(place.name[: -len(suffix)])
    return names


def suggest_links(*, title: str, text: str) -> Suggestions:
    """Places, organisations, the event and topics named in the text, longest names first."""
    full = f"{title}\n{text}"
    places = list(Place.objects.all())
    organisations = list(Organisation.objects.all())
    events = list(Event.objects.all())
    topics = list(Topic.objects.all())

    candidates = (
        [(("place", p.pk), place_names(p)) for p in places]
        + [(("organisation", o.pk), [o.name, o.short_name, *o.alias_list]) for o in organisations]
        + [(("event", e.pk), [e.title]) for e in events]
    )
    matches = match_names(full, [(key, [n for n in names if n]) for key, names in candidates])
    by_key = {m.key: m for m in matches}

    found_places = [p for p in places if ("place", p.pk) in by_key]
    place_candidates = [(key, names) for key, names in candidates if key[0] == "place"]
    in_title = {m.key for m in match_names(title, place_candidates)}
    suggestions = Suggestions(
        places=found_places,
        organisations=[o for o in organisations if ("organisation", o.pk) in by_key],
        events=[e for e in events if ("event", e.pk) in by_key],
        topics=[t for t in topics if t.name in full],
    )
    suggestions.place = primary_place(found_places, by_key, in_title)
    suggestions.event = suggestions.events[0] if len(suggestions.events) == 1 else None
    return suggestions


def primary_place(places, matches, in_title):
    """The deepest place named in the title, else the most mentioned (deeper wins ties)."""
    if not places:
        return None
    titled = [p for p in places if ("place", p.pk) in in_title]
    if titled:
        return max(titled, key=lambda p: p.depth)
    return max(places, key=lambda p: (matches[("place", p.pk)].count, p.depth))


#: The columns a cleaned value goes to, their label for the editor, and the
#: attribute of ``CleanResult`` it comes from.
_FIELDS = (
    ("title", "title", "标题"),
    ("source", "source", "来源"),
    ("author", "author", "作者"),
    ("source_editor", "editor_name", "原文的责任编辑"),
    ("original_title", "original_title", "原标题"),
    ("cover_credit", "credit", "图片来源"),
)


def fit_to_story(cleaned: CleanResult) -> None:
    """Cut what the cleaner found to what a story holds: each value to its column, the
    body to ``MAX_BODY_CHARS`` of HTML; a flag for each cut."""
    for column, attr, label in _FIELDS:
        limit = Article._meta.get_field(column).max_length
        value, flag = limits.fit(getattr(cleaned, attr), limit, label)
        if flag is not None:
            setattr(cleaned, attr, value)
            cleaned.flags.append(flag)
    cleaned.paragraphs, flag = limits.fit_body(cleaned.paragraphs, MAX_BODY_CHARS)
    if flag is not None:
        cleaned.flags.append(flag)


def preview_import(
    *,
    text: str,
    is_html: bool | None = None,
    source_url: str = "",
    extra_flags: Iterable[Flag] = (),
) -> ImportPreview:
    """The cleaned page as a story would hold it, its suggested links, and the story it
    was imported as before, if any. ``extra_flags`` come first (what reading the upload
    found: its encoding, control characters removed)."""
    cleaned = clean(
        text,
        is_html=is_html,
        import_date=timezone.localdate(),
        date_range=(EARLIEST_DAY, LATEST_DAY),
    )
    cleaned.flags[:0] = list(extra_flags)
    if source_url and not limits.usable_url(source_url):
        cleaned.flags.append(limits.bad_url_flag(source_url))
        source_url = ""
    fit_to_story(cleaned)
    print_ = fingerprint(text)
    return ImportPreview(
        cleaned=cleaned,
        suggestions=suggest_links(title=cleaned.title, text=cleaned.text),
        fingerprint=print_,
        duplicate=find_duplicate(fingerprint_=print_, source_url=source_url or cleaned.source_url),
        source_url=source_url,
    )


@dataclass
class ImportOutcome:
    article: Article
    created: bool
    flags: list


def needs_check(flags: list[dict]) -> bool:
    """Does any flag ask the editor to check something (not only a note)?"""
    return any(flag.get("kind") not in NOTE_KINDS for flag in flags)


@transaction.atomic
def article_import(
    *,
    text: str,
    editor=None,
    is_html: bool | None = None,
    source_url: str = "",
    accept_suggestions: bool = True,
    overrides: dict | None = None,
    extra_flags: Iterable[Flag] = (),
) -> ImportOutcome:
    """Save the cleaned text as a draft, or return the story it was imported as before.

    ``overrides`` holds what the editor changed on the import page: title, summary,
    source, source_url, author, source_editor, original_title, published_at,
    cover_credit, place, event, organisations, topics. An empty title, source_url or
    published_at falls back to what the cleaner found; any other key present wins,
    even when empty (the editor cleared the field). ``extra_flags``: what reading the
    upload found (``uploads.Upload.flags``).

    The same text imported at the same time twice (two editors, two processes) makes
    one story: the database refuses a second story with the same fingerprint, and the
    one imported first is returned with ``created=False``.
    """
    preview = preview_import(
        text=text, is_html=is_html, source_url=source_url, extra_flags=extra_flags
    )
    cleaned, overrides = preview.cleaned, overrides or {}
    if preview.duplicate is not None:
        return ImportOutcome(preview.duplicate, created=False, flags=[])

    suggestions = preview.suggestions if accept_suggestions else Suggestions()
    published_at = overrides.get("published_at")
    if published_at is None and cleaned.published_on:
        published_at = timezone.make_aware(dt.datetime.combine(cleaned.published_on, dt.time(9)))
    flags = [
        {"kind": f.kind, "text": f.text, "message": f.message}
        for f in cleaned.flags
        # A title the editor wrote answers the "no title found" flag.
        if not (f.kind == "title" and overrides.get("title"))
    ]
    # A date the page states itself needs no check; a guessed or missing one does.
    if cleaned.date_note and not cleaned.date_from_page and not overrides.get("published_at"):
        flags.append({"kind": "date", "text": "", "message": cleaned.date_note})

    article = Article(
        title=overrides.get("title") or cleaned.title or "(无标题)",
        summary=overrides.get("summary", ""),
        body=_body(cleaned.paragraphs),
        source=overrides.get("source", cleaned.source),
        source_url=overrides.get("source_url") or preview.source_url or cleaned.source_url,
        author=overrides.get("author", cleaned.author),
        source_editor=overrides.get("source_editor", cleaned.editor_name),
        original_title=overrides.get("original_title", cleaned.original_title),
        cover_credit=overrides.get("cover_credit", cleaned.credit),
        status=Status.DRAFT,
        published_at=published_at or timezone.now(),
        place=overrides.get("place", suggestions.place),
        event=overrides.get("event", suggestions.event),
        editor=editor,
        original_text=text,
        import_fingerprint=preview.fingerprint,
        import_flags=flags,
        # Imported drafts wait in the review queue like a contributor's (docs/editors.md).
        created_by=editor,
        submitted_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        # Imported meanwhile by someone else: the unique fingerprint stopped this copy.
        first = Article.objects.filter(import_fingerprint=preview.fingerprint).first()
        if first is None:
            raise
        return ImportOutcome(first, created=False, flags=[])
    article.organisations.set(overrides.get("organisations", suggestions.organisations))
    article.topics.set(list(overrides.get("topics", suggestions.topics)))
    return ImportOutcome(article, created=True, flags=flags)


def _body(paragraphs: list[str]) -> str:
    """The body's HTML, within MAX_BODY_CHARS once sanitised (``fit_to_story`` cut the
    paragraphs by the same count; this makes sure of it)."""
    sanitize = Article._meta.get_field("body").sanitize
    paragraphs = list(paragraphs)
    while paragraphs and len(sanitize(paragraphs_to_html(paragraphs))) > MAX_BODY_CHARS:
        paragraphs.pop()
    return paragraphs_to_html(paragraphs)
