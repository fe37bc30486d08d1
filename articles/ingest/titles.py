"""The title: the page's own, or the first title-like line; repeats of it are removed.

An HTML page names its title (``<h1>`` or ``<title>``): its first occurrence
in the text is skipped, later ones are removed as duplicates. Plain text has
no such hint: the first line of the header that reads like a title (4 to
``MAX_TITLE`` characters, at least four of them Han, no sentence punctuation
at its end or full stop inside) is taken, and lines repeating it are removed.
"""

from __future__ import annotations

import unicodedata

from articles.text import han_chars, to_simplified

from .mojibake import MojibakeCheck
from .results import Notes
from .textspans import CLOSERS, Text

#: Longest line taken for a title.
MAX_TITLE = 64
_SENTENCE_END = set("。！？!?；;，,、：:…")


def norm_title(text: str) -> str:
    """A title as compared with other lines: simplified, NFKC, without blanks."""
    return norm_simplified(to_simplified(text))


def norm_simplified(simple: str) -> str:
    """``norm_title`` of a text already simplified."""
    return "".join(unicodedata.normalize("NFKC", simple).translate(_INVISIBLE).split())


#: Blanks that are not whitespace to Python: zero-width space, byte-order mark.
_INVISIBLE = str.maketrans("", "", "\u200b\ufeff")


def title_like(line: str) -> bool:
    if not (4 <= len(line) <= MAX_TITLE) or len(han_chars(line)) < 4:
        return False
    core = line.rstrip(CLOSERS)
    if not core or core[-1] in _SENTENCE_END:
        return False
    return not any(p in line for p in "。！？")


class Titles:
    """Which line of one text is its title, and which lines repeat it.

    ``hint`` is the page's own title (pinyin already stripped), "" for plain text.
    """

    def __init__(self, notes: Notes, mojibake: MojibakeCheck, hint: str = ""):
        self.notes = notes
        self.mojibake = mojibake
        self.hint = hint
        self.hint_norm = norm_title(hint) if hint else ""
        self.hint_seen = False
        #: the title line found in the text (when there is no hint)
        self.line: Text | None = None
        self.norm = ""

    def take_line(self, line: Text, simple: str, *, header: bool) -> bool:
        """Is ``line`` (``simple`` once simplified) the title or a repeat of it?

        The first title-like line of the header (``header``: no body paragraph
        has come yet) becomes the title, its mojibake checked; a repeat is
        recorded as a removal.
        """
        targets = self.hint_norm or self.norm  # a title to compare lines with
        norm = norm_simplified(simple) if targets else ""
        if self.hint_norm and norm == self.hint_norm and not self.hint_seen:
            self.hint_seen = True
            return True
        if self.line is None and not self.hint_norm and header and title_like(simple):
            self.line, self.norm = self.mojibake.check(line), norm_simplified(simple)
            self.notes.emit(self.line.text)
            return True
        if norm and norm in (self.norm, self.hint_norm):
            self.notes.remove("duplicate_title", line.text, line.offset(0))
            return True
        return False

    def take_back(self) -> Text | None:
        """The title line, given up: a text of one short line has that line as its body."""
        line, self.line = self.line, None
        return line

    @property
    def raw(self) -> str:
        """The title as written (before t2s), "" when none was found."""
        if self.hint:
            return self.hint
        return self.line.text if self.line is not None else ""
