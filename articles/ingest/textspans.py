"""Lines that remember where each character came from, and long lines cut into paragraphs."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from articles.text import is_han

#: Blanks stripped from the ends of a line: spaces, ideographic space, no-break
#: space, zero-width space, byte-order mark.
BLANK = " \t\u3000\u00a0\u200b\ufeff"
#: Closing quotes and brackets that may follow a sentence's full stop.
CLOSERS = "”’」』\"')）】》"
#: Lines at least this long are split into paragraphs at a blank after 。！？.
SPLIT_LONG_LINES_AT = 200


@dataclass
class Text:
    """A string and, per character, its offset in the source text."""

    text: str
    #: a range for text as it stands in the source, a list once pieces were cut out
    pos: Sequence[int]

    @classmethod
    def at(cls, text: str, start: int) -> Text:
        return cls(text, range(start, start + len(text)))

    def offset(self, index: int) -> int | None:
        if not self.pos:
            return None
        return self.pos[min(index, len(self.pos) - 1)]

    def strip(self, chars: str | None = None) -> Text:
        text = self.text
        if text and not _stripped(text[0], chars) and not _stripped(text[-1], chars):
            return self  # nothing to strip (a Text is never changed in place)
        left = len(self.text) - len(self.text.lstrip(chars))
        right = len(self.text.rstrip(chars))
        if right <= left:
            return Text("", [])
        return Text(self.text[left:right], self.pos[left:right])


def _stripped(char: str, chars: str | None) -> bool:
    return char.isspace() if chars is None else char in chars


def text_lines(source_text: str) -> Iterator[Text]:
    """The lines of ``source_text`` with something besides blanks, each knowing its
    offsets (runs of empty lines are skipped without a look at each)."""
    for m in _LINE.finditer(source_text):
        if m.group().strip(BLANK):
            yield Text.at(m.group(), m.start())


_LINE = re.compile("[^\n]+")


def _quotations(line: str) -> list[tuple[int, int]]:
    """Where the quote marks change the depth of quotation: (offset, +1 or -1).

    Quotes pair like brackets (“…”, 「…」, 『…』); the characters between a pair are
    inside a quotation. A quote never closed, or a closing one never opened,
    protects nothing. So a piece cut out at an unprotected blank pairs its quotes the
    same way when cut again.
    """
    steps = []
    for opener, closer in ("“”", "「」", "『』"):
        opened = []
        for m in re.finditer(f"[{opener}{closer}]", line):
            if m.group() == opener:
                opened.append(m.start())
            elif opened:
                steps += [(opened.pop() + 1, 1), (m.start(), -1)]
    return sorted(steps)


def split_long_line(line: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs in a very long line: cut at blanks after 。！？ (and
    closing quotes), never inside a “quotation” (“大国工匠 互聘共享”)."""
    if len(line) < SPLIT_LONG_LINES_AT:
        return [(0, len(line))]
    steps, step, level = _quotations(line), 0, 0
    spans, start = [], 0
    for blank in re.finditer(f"[{BLANK}]+", line):
        k = blank.start() - 1
        while k >= 0 and line[k] in CLOSERS:
            k -= 1
        if k < 0 or line[k] not in "。！？!?":
            continue
        if line[k] in "!?" and (k == 0 or not is_han(line[k - 1])):
            continue
        while step < len(steps) and steps[step][0] <= blank.start():
            level += steps[step][1]
            step += 1
        if level > 0:  # inside a quotation
            continue
        spans.append((start, blank.start()))
        start = blank.end()
    spans.append((start, len(line)))
    return [(a, b) for a, b in spans if b > a]


def paragraphs_of(line: str) -> list[str]:
    """The paragraphs of one body line, blanks stripped (most lines are one paragraph)."""
    if len(line) < SPLIT_LONG_LINES_AT:
        piece = line.strip(BLANK)
        return [piece] if piece else []
    pieces = (line[a:b].strip(BLANK) for a, b in split_long_line(line))
    return [piece for piece in pieces if piece]
