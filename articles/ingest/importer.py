"""Turn a reprinted page into a draft story: clean it, suggest its links, save it.

The cleaning itself is pure text work (``cleaning.clean``); this module adds what
needs the database: which places, organisations, events and topics the text
names, whether the page was imported before, and the draft itself. An import
never publishes: an editor checks the draft and the suggestions first.
"""

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html_join

from ..models import Article, Event, Organisation, Place, Status, Topic
from .cleaning import clean
from .results import CleanResult
from .suggest import match_names

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

    @property
    def body_html(self):
        return paragraphs_to_html(self.cleaned.paragraphs)


def fingerprint(raw: str) -> str:
    """The same text, however its whitespace was mangled, gives the same fingerprint."""
    folded = "".join(unicodedata.normalize("NFKC", raw).split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def paragraphs_to_html(paragraphs) -> str:
    return format_html_join("", "<p>{}</p>", ((p,) for p in paragraphs if p.strip()))


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


def preview_import(
    *, text: str, is_html: bool | None = None, source_url: str = ""
) -> ImportPreview:
    cleaned = clean(text, is_html=is_html, import_date=timezone.localdate())
    print_ = fingerprint(text)
    return ImportPreview(
        cleaned=cleaned,
        suggestions=suggest_links(title=cleaned.title, text=cleaned.text),
        fingerprint=print_,
        duplicate=find_duplicate(fingerprint_=print_, source_url=source_url or cleaned.source_url),
    )


@dataclass
class ImportOutcome:
    article: Article
    created: bool
    flags: list


@transaction.atomic
def article_import(
    *,
    text: str,
    editor=None,
    is_html: bool | None = None,
    source_url: str = "",
    accept_suggestions: bool = True,
    overrides: dict | None = None,
) -> ImportOutcome:
    """Save the cleaned text as a draft, or return the story it was imported as before.

    ``overrides`` holds what the editor changed on the import page: title, summary,
    source, source_url, author, source_editor, original_title, published_at,
    cover_credit, place, event, organisations, topics. An empty title, source_url or
    published_at falls back to what the cleaner found; any other key present wins,
    even when empty (the editor cleared the field).
    """
    preview = preview_import(text=text, is_html=is_html, source_url=source_url)
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
        body=paragraphs_to_html(cleaned.paragraphs),
        source=overrides.get("source", cleaned.source),
        source_url=overrides.get("source_url") or source_url or cleaned.source_url,
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
    )
    article.save()
    article.organisations.set(overrides.get("organisations", suggestions.organisations))
    article.topics.set(list(overrides.get("topics", suggestions.topics)))
    return ImportOutcome(article, created=True, flags=flags)
