"""What the cleaner gives back, and the notebook its steps write removals and flags in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

#: Characters of context shown with a removal or flag.
CONTEXT = 10


@dataclass(frozen=True)
class Removal:
    """Text the cleaner took out of the body."""

    #: pinyin, chrome, share, comment_box, duplicate_title, credit, meta
    kind: str
    text: str
    #: about ten characters of cleaned text before it, so an editor can find it
    context: str = ""
    #: offset in ``CleanResult.source_text``, or None (HTML sections)
    position: int | None = None


@dataclass(frozen=True)
class Flag:
    """Something an editor must look at: the cleaner was not sure."""

    #: pinyin (unverified annotation left in), mojibake, title (none found)
    kind: str
    text: str
    #: for the editor, in Chinese
    message: str
    context: str = ""
    position: int | None = None
    #: what the cleaner put in its place ("" when it left the text as it was)
    replacement: str = ""


@dataclass
class CleanResult:
    title: str = ""
    #: cleaned body paragraphs, simplified
    paragraphs: list[str] = field(default_factory=list)
    #: the input, unchanged
    original: str = ""
    #: read as HTML (removal positions point into the text taken from its tags)
    is_html: bool = False
    #: the text the cleaner worked on: the input with newlines normalised, or
    #: the text extracted from HTML; removal and flag positions point into it
    source_text: str = ""
    removals: list[Removal] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    #: image credit, e.g. 临海市委宣传部 from (图片由临海市委宣传部授权提供)
    credit: str = ""
    #: a suggestion only: see date_note
    published_on: dt.date | None = None
    date_note: str = ""
    #: the date is the page's own publication time: the note informs, nothing to check
    date_from_page: bool = False
    source: str = ""
    source_url: str = ""
    author: str = ""
    #: the 责任编辑 the original outlet names (Article.source_editor)
    editor_name: str = ""
    #: 原标题: the title the story first ran under
    original_title: str = ""
    was_traditional: bool = False
    #: ASCII punctuation marks made full-width (typography.punctuate): a count, not removals
    punctuation_fixed: int = 0

    @property
    def text(self) -> str:
        """The body, one paragraph a line."""
        return "\n".join(self.paragraphs)

    def as_text(self) -> str:
        """Title and body as plain text; cleaning it again gives the same title and body."""
        return "\n".join([self.title, *self.paragraphs] if self.title else self.paragraphs)

    def removals_of(self, kind: str) -> list[Removal]:
        return [r for r in self.removals if r.kind == kind]

    def flags_of(self, kind: str) -> list[Flag]:
        return [f for f in self.flags if f.kind == kind]


class Notes:
    """Where the cleaning steps record what they remove and flag.

    Each removal or flag carries the last ``CONTEXT`` characters of cleaned text
    before it: what was kept so far (``emit``) plus, inside a line, the part of
    the line before the spot (``extra_context``; only its last ``CONTEXT``
    characters count, so callers pass ``before(text, index)``). Only the tail of
    what was kept is remembered, so each note costs the same however long the text.
    """

    def __init__(self, result: CleanResult | None = None):
        self.result = result if result is not None else CleanResult()
        #: the last CONTEXT characters of what was kept, lines ended by "\n"
        self.emitted = ""

    def emit(self, text: str) -> None:
        """A line kept as title or body, for the context of what comes after it."""
        self.emitted = (self.emitted + text[-CONTEXT:] + "\n")[-CONTEXT:]

    def context(self, extra: str = "") -> str:
        tail = (self.emitted + extra[-CONTEXT:])[-CONTEXT:]
        return tail.replace("\n", " ").strip()

    def remove(self, kind: str, text: str, position: int | None, extra_context: str = "") -> None:
        self.result.removals.append(Removal(kind, text, self.context(extra_context), position))

    def flag(
        self,
        kind: str,
        text: str,
        message: str,
        position: int | None = None,
        extra_context: str = "",
        replacement: str = "",
    ) -> None:
        self.result.flags.append(
            Flag(kind, text, message, self.context(extra_context), position, replacement)
        )


def before(text: str, index: int) -> str:
    """The ``CONTEXT`` characters of ``text`` before ``index``: all a note's context needs."""
    return text[max(0, index - CONTEXT) : index]
