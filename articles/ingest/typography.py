"""Chinese typography: ASCII punctuation in Chinese text made full-width.

Reprinted pages often keep the half-width punctuation of the tool that produced them
("近日,2025全国…", "浙江临海:匠心铸就…"). ``full_width()`` turns ``, . : ; ! ? ( )`` into
``，。：；！？（）`` where they punctuate Chinese, and leaves Latin runs, numbers, URLs,
e-mail addresses, dates, times, ratios, versions and parentheses around Latin alone
(``G60科创走廊``, ``2025年``, ``(AI)``, ``3.5mm``, ``09:00``, ``2025.11.07``). The rules, in
full, are in docs/import-cleaning.md ("Full-width punctuation"); in short:

- *Chinese context* is a Han character, a CJK bracket or 、, or a curly quote whose other
  side is one of those; the neighbour of a mark is the next character on that side, past
  at most one ASCII space.
- ``,`` ``;`` ``:`` alone: a neighbour on either side is Chinese.
- ``!`` ``?`` (a run of them): the neighbour before is Chinese, and no ASCII letter or
  digit follows directly (``?qū`` is mojibake; ``?AI`` rarely a sentence).
- ``.`` alone: the neighbour before is Chinese, and the sentence visibly ends (end of the
  line, a closing quote or bracket, a space then Chinese), or Chinese follows directly
  and the text writes none of its full stops as 。 (then ``卡尔.蔡司`` is a name, not two
  sentences).
- ``( )``: a pair (matched across widths, within a line) whose content starts or ends
  with a Han character, looking past spaces and punctuation; a pair with one side
  already full-width is completed.
- A converted mark takes a single ASCII space beside it along (full-width punctuation
  carries its own space).
- A title (``headline=True``) keeps its ``.`` ``!`` ``?``: the cleaner tells a title by them.
- Nothing inside a URL, an e-mail address or an HTML character reference changes.

Pure text, no Django. Linear in the length of the text whatever its shape: candidates
are found by regular expression (possessive runs, no backtracking), each is judged by
looking at a bounded number of characters, and the brackets are matched with a stack.
Idempotent: the contexts a decision reads are never created or removed by a conversion.

This module decides and applies; how a text is read (Chinese, protected spans, the
marks and brackets) is typography_scan.py; passages and HTML bodies typography_html.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from .typography_scan import (
    FULL_WIDTH,
    SURE_ALWAYS,
    SURE_ELSE,
    SURE_IF_FULL_STOPS,
    Protected,
    bracket_positions,
    mark_spans,
    with_spaces,
)

__all__ = [
    "FULL_WIDTH",
    "TYPOGRAPHY_REASON",
    "Fix",
    "apply_fixes",
    "count_marks",
    "find_fixes",
    "full_width",
    "punctuate",
]

#: The change reason history records for the fix_typography command.
TYPOGRAPHY_REASON = "typography"


class Fix(NamedTuple):
    """``text[start:end]`` becomes ``new``: ASCII marks (a run of ! and ? is one fix) and a
    single space on either side they take along, replaced by the marks' full-width forms."""

    start: int
    end: int
    new: str


def full_width(text: str, *, full_stops: bool | None = None, headline: bool = False) -> str:
    """``text`` with the ASCII punctuation of its Chinese made full-width.

    ``full_stops``: does the story write its full stops as 。 (then a ``.`` directly between
    two Han characters is left alone)? ``None``: look in ``text``. ``headline``: ``.`` ``!``
    ``?`` stay as written (see ``find_fixes``).
    """
    if headline:
        return _apply(text, _edits(text, full_stops, headline=True))
    return _full_width(text, full_stops)[0]


def _full_width(text: str, full_stops: bool | None) -> tuple[str, int]:
    """``full_width`` and how many marks it made full-width.

    The same changes as ``find_fixes`` (the tests hold them equal), made faster: the marks
    straight between solid Chinese, most of them, are replaced by one pass of a regular
    expression each, without a look from Python. Such a mark has no space beside it to take
    along, no mark beside it to make a run with, and is never in a URL (its neighbours are
    not ASCII), so replacing it first changes nothing for the others.
    """
    if not text or not any(c in text for c in ",.:;!?()"):
        return text, 0
    if full_stops is None:
        full_stops = "。" in text
    protected = Protected(text)
    brackets = bracket_positions(text, protected)
    seen = _replaced(text, brackets) if brackets else text
    count = len(brackets)
    for pattern, mark in SURE_ALWAYS + (SURE_IF_FULL_STOPS if full_stops else SURE_ELSE):
        seen, made = pattern.subn(mark, seen)
        count += made
    spans = mark_spans(seen, protected, full_stops)  # what is left, judged in Python
    count += sum(e - a for a, e in spans)
    if brackets:
        # Converted brackets are in ``seen`` already; those with a space to take along
        # join the edits.
        n = len(text)
        spaced = [
            (b, b + 1)
            for b in brackets
            if (b and text[b - 1] == " ") or (b + 1 < n and text[b + 1] == " ")
        ]
        if spaced:
            spans = sorted(spans + spaced)
    return _apply(seen, with_spaces(text, spans)), count


def apply_fixes(text: str, fixes: Iterable[Fix]) -> str:
    """``text`` with ``fixes`` (in order, not overlapping) made."""
    return _apply(text, fixes)


def _apply(text: str, edits: Iterable[tuple[int, int, str]]) -> str:
    pieces, done = [], 0
    for start, end, new in edits:
        pieces.append(text[done:start])
        pieces.append(new)
        done = end
    if not pieces:
        return text
    pieces.append(text[done:])
    return "".join(pieces)


def find_fixes(text: str, *, full_stops: bool | None = None, headline: bool = False) -> list[Fix]:
    """The changes ``full_width`` makes to ``text``, in order, not overlapping.

    ``full_stops``: does the story write its full stops as 。 (then a ``.`` directly between
    two Han characters is left alone)? ``None``: look in ``text``.

    ``headline``: the text is a title, whose ``.`` ``!`` ``?`` stay as written. The cleaner
    tells a title from a sentence by them (a title has no 。！？ inside and none at its
    end; an ASCII ``.`` counts for neither), so a title made full-width there would no
    longer be read as the title when the cleaned text is cleaned again.
    """
    return [Fix(*edit) for edit in _edits(text, full_stops, headline=headline)]


def count_marks(fixes: Iterable[Fix]) -> int:
    """How many marks ``fixes`` make full-width."""
    return sum(len(fix.new) for fix in fixes)


def _edits(
    text: str, full_stops: bool | None, *, headline: bool = False
) -> list[tuple[int, int, str]]:
    if not text or not any(c in text for c in ",.:;!?()"):
        return []
    if full_stops is None:
        full_stops = "。" in text
    protected = Protected(text)
    brackets = bracket_positions(text, protected)
    # The marks see the brackets as they will be: "(临海),杜桥" is "（临海）,杜桥" to them.
    seen = _replaced(text, brackets) if brackets else text
    spans = mark_spans(seen, protected, full_stops)
    if headline:
        spans = [(a, e) for a, e in spans if text[a] not in ".!?"]
    if brackets:
        spans = sorted(spans + [(b, b + 1) for b in brackets])
    return with_spaces(text, spans)


def _replaced(text: str, positions: list[int]) -> str:
    """``text`` with the ASCII brackets at ``positions`` (in order) in their full-width form."""
    pieces, done = [], 0
    for p in positions:
        pieces.append(text[done:p])
        pieces.append(FULL_WIDTH[text[p]])
        done = p + 1
    pieces.append(text[done:])
    return "".join(pieces)


# --- The cleaner's step ----------------------------------------------------------------------


def punctuate(result) -> None:
    """The cleaning pipeline's step: the title (as a headline), the paragraphs and the text
    fields of a ``CleanResult`` (not its link) with full-width punctuation; their number
    noted in ``punctuation_fixed``. Whether the story writes its full stops as 。 is asked
    of the title and body together."""
    full_stops = "。" in result.title or any("。" in p for p in result.paragraphs)
    count = 0

    def fix(text: str) -> str:
        nonlocal count
        fixed, made = _full_width(text, full_stops)
        count += made
        return fixed

    title = _edits(result.title, full_stops, headline=True)
    count += sum(len(new) for _start, _end, new in title)
    result.title = _apply(result.title, title)
    if result.paragraphs:
        # One text, a paragraph a line: a line is where brackets stop pairing.
        result.paragraphs = fix("\n".join(result.paragraphs)).split("\n")
    for attr in ("source", "author", "editor_name", "original_title", "credit"):
        setattr(result, attr, fix(getattr(result, attr)))
    result.punctuation_fixed = count
