"""Lines that remember where each character came from, and long lines cut into paragraphs."""

from __future__ import annotations

import re
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
    pos: list[int]

    @classmethod
    def at(cls, text: str, start: int) -> Text:
        return cls(text, list(range(start, start + len(text))))

    def offset(self, index: int) -> int | None:
        if not self.pos:
            return None
        return self.pos[min(index, len(self.pos) - 1)]

    def strip(self, chars: str | None = None) -> Text:
        left = len(self.text) - len(self.text.lstrip(chars))
        right = len(self.text.rstrip(chars))
        if right <= left:
            return Text("", [])
        return Text(self.text[left:right], self.pos[left:right])

    def cut(self, start: int, end: int) -> Text:
        return Text(self.text[:start] + self.text[end:], self.pos[:start] + self.pos[end:])

    def replace_span(self, start: int, end: int, new: str) -> Text:
        anchor = self.pos[start] if start < len(self.pos) else (self.pos[-1] if self.pos else 0)
        return Text(
            self.text[:start] + new + self.text[end:],
            self.pos[:start] + [anchor] * len(new) + self.pos[end:],
        )


def split_lines(source_text: str) -> list[Text]:
    """The lines of ``source_text``, each knowing its offsets."""
    lines, offset = [], 0
    for line in source_text.split("\n"):
        lines.append(Text.at(line, offset))
        offset += len(line) + 1
    return lines


def _quoted(line: str) -> list[bool]:
    """Per position, whether it lies inside a quotation that closes in this line.

    Quotes pair like brackets (“…”, 「…」, 『…』); a quote never closed, or a
    closing one never opened, protects nothing. So a piece cut out at an
    unprotected blank pairs its quotes the same way when cut again.
    """
    depth = [0] * (len(line) + 1)
    for opener, closer in ("“”", "「」", "『』"):
        opened = []
        for i, char in enumerate(line):
            if char == opener:
                opened.append(i)
            elif char == closer and opened:
                depth[opened.pop() + 1] += 1
                depth[i] -= 1
    inside, level = [], 0
    for step in depth[:-1]:
        level += step
        inside.append(level > 0)
    return inside


def split_long_line(line: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs in a very long line: cut at blanks after 。！？ (and
    closing quotes), never inside a “quotation” (“大国工匠 互聘共享”)."""
    if len(line) < SPLIT_LONG_LINES_AT:
        return [(0, len(line))]
    inside = _quoted(line)
    spans, start = [], 0
    for blank in re.finditer(f"[{BLANK}]+", line):
        k = blank.start() - 1
        while k >= 0 and line[k] in CLOSERS:
            k -= 1
        if k < 0 or line[k] not in "。！？!?":
            continue
        if line[k] in "!?" and (k == 0 or not is_han(line[k - 1])):
            continue
        if inside[blank.start()]:
            continue
        spans.append((start, blank.start()))
        start = blank.end()
    spans.append((start, len(line)))
    return [(a, b) for a, b in spans if b > a]


def paragraphs_of(line: str) -> list[str]:
    """The paragraphs of one body line, blanks stripped (most lines are one paragraph)."""
    pieces = (line[a:b].strip(BLANK) for a, b in split_long_line(line))
    return [piece for piece in pieces if piece]
