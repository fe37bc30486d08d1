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
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from html import unescape
from typing import NamedTuple

from articles.text import HAN_CLASS

from . import htmltokens

__all__ = [
    "FULL_WIDTH",
    "TYPOGRAPHY_REASON",
    "Fix",
    "HtmlFixes",
    "apply_fixes",
    "count_marks",
    "find_fixes",
    "fix_html",
    "full_width",
    "html_text",
    "passages",
    "punctuate",
]

#: Each ASCII mark and its full-width form.
FULL_WIDTH = {
    ",": "，",
    ".": "。",
    ":": "：",
    ";": "；",
    "!": "！",
    "?": "？",
    "(": "（",
    ")": "）",
}
#: The change reason history records for the fix_typography command.
TYPOGRAPHY_REASON = "typography"

_HAN_RANGES = tuple((ord(HAN_CLASS[k]), ord(HAN_CLASS[k + 2])) for k in range(0, len(HAN_CLASS), 3))
assert all(HAN_CLASS[k + 1] == "-" for k in range(0, len(HAN_CLASS), 3))  # noqa: S101
_HAN_FIRST = min(a for a, _b in _HAN_RANGES)

_CJK_OPEN = "（【《〈「『〔［｛〖"
_CJK_CLOSE = "）】》〉」』〕］｝〗"
#: Besides Han characters, what makes a neighbour Chinese. Never the full-width marks a
#: conversion writes (，。：；！？), so converting one mark cannot change another's fate.
_CJK = frozenset(_CJK_OPEN + _CJK_CLOSE + "、")
_OPEN_QUOTES = frozenset("“‘")
_CLOSE_QUOTES = frozenset("”’")
_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

#: Looked past at the edges of a bracket's content: spaces, marks of both widths, quotes,
#: brackets (so a decision is the same before and after conversion).
_EDGE_SPACES = frozenset(" \t\u3000\u00a0")
_EDGE_SKIP = frozenset(",.:;!?，。：；！？、“”‘’\"'()（）" + _CJK_OPEN + _CJK_CLOSE + "…—·-/")
#: At most this much punctuation, and runs of spaces this long, are looked past.
EDGE_LOOK = 4
EDGE_SPACE_RUN = 16

_MARKS = ",.:;!?"
#: A neighbour that is Chinese by itself (curly quotes need a look past them).
_SOLID = f"{HAN_CLASS}{re.escape(_CJK_OPEN + _CJK_CLOSE)}、"
_CONTEXT = f"{_SOLID}”’“‘"
# The marks that may convert, found by one regular expression. First the cases the
# expression settles by itself, each a mark straight between solid Chinese: a separator
# (sep), a full stop (dot), a run of ! and ? not followed by a mark, letter or digit
# (bang). Then every other candidate, judged in Python: a run of marks with (maybe)
# Chinese before it, or one separator with (maybe) Chinese after it. Runs start where no
# mark is before them and are read possessively, so a long run is read once. Every
# alternative starts with the mark (the lookbehinds come after it), so the search skips
# from mark to mark.
_MARK_RUNS = re.compile(
    rf"(?P<sep>[,;:])(?<=[{_SOLID}][,;:])(?=[{_SOLID}])"
    rf"|(?P<dot>\.)(?<=[{_SOLID}]\.)(?=[{_SOLID}])"
    rf"|(?P<bang>[!?](?<=[{_SOLID}][!?])[!?]*+)(?![,.:;A-Za-z0-9])"
    rf"|[{_MARKS}](?<![{_MARKS}][{_MARKS}])"
    rf"(?:(?<=[{_CONTEXT}][{_MARKS}])|(?<=[{_CONTEXT}] [{_MARKS}]))[{_MARKS}]*+"
    rf"|[,:;](?<![{_MARKS}][,:;])(?= ?[{_CONTEXT}])"
)
# The same settled cases as _MARK_RUNS's sep, dot and bang (a lone ! or ?), each with its
# full-width form, for full_width's passes.
_SURE_ALWAYS = [
    (re.compile(rf"(?<=[{_SOLID}]){re.escape(mark)}(?=[{_SOLID}])"), FULL_WIDTH[mark])
    for mark in ",;:"
] + [
    (re.compile(rf"(?<=[{_SOLID}]){re.escape(mark)}(?![ ,.:;!?A-Za-z0-9])"), FULL_WIDTH[mark])
    for mark in "!?"
]
_SURE_ELSE = [(re.compile(rf"(?<=[{_SOLID}])\.(?=[{_SOLID}])"), "。")]
_SURE_IF_FULL_STOPS = [(re.compile(rf"(?<=[{_SOLID}])\.(?=[{re.escape(_CJK_CLOSE)}])"), "。")]
# Brackets: an innermost pair with a Han character inside (cn), an innermost pair without
# (pair), else one bracket or a line break for the stack. The atomic group finds the
# first Han character once: a pair never closed costs its length, not its length squared.
_NOT_BRACKET = "[^()（）\n]"
_BRACKETS = re.compile(
    rf"(?P<cn>[(（](?>{_NOT_BRACKET}*?[{HAN_CLASS}]){_NOT_BRACKET}*+[)）])"
    rf"|(?P<pair>[(（]{_NOT_BRACKET}*+[)）])"
    # a run of openers but the last (which may open an innermost pair), a run of closers
    # (single spaces between them allowed), one opener
    r"|(?P<opens>(?:[(（] ?(?=[(（]))++)"
    r"|(?P<closes>[)）](?: ?[)）])*+)"
    r"|(?P<open>[(（])"
    r"|\n"
)
# What is never changed. A URL is ASCII after its scheme; a parenthesis belongs to it
# only in a pair inside it (wiki/Foo_(bar)), so "(见http://x.cn)" keeps its ")"; its trailing
# punctuation belongs to the sentence (cut by ``_url_length``). An address never runs into
# a URL's scheme (a@b.http://…). The lookbehinds make each run of letters a single try, so a
# long run without "@" or "://" is read once; every run is possessive.
_URL_BODY = r"(?:[!-'*-~]|\([!-'*-~]*+\))++"
_PROTECTED = re.compile(
    rf"(?:https?|ftp)://{_URL_BODY}"
    rf"|w(?<![!-~]w)ww\.{_URL_BODY}"
    r"|[A-Za-z0-9._%+-](?<![A-Za-z0-9._%+-][A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*+"
    r"@[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)++(?!:/)"
    r"|&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][A-Za-z0-9]{1,31});"
)
_URL_TAIL = ".,;:!?'\""
_TO_FULL_WIDTH = str.maketrans(FULL_WIDTH)


def _is_han(c: str) -> bool:
    o = ord(c)
    if o < _HAN_FIRST:
        return False  # Latin, digits, punctuation: most of what is asked about
    if 0x4E00 <= o <= 0x9FFF:
        return True
    return any(a <= o <= b for a, b in _HAN_RANGES)


def _chinese(c: str) -> bool:
    return c in _CJK or _is_han(c)


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
    protected = _Protected(text)
    brackets = _brackets(text, protected)
    seen = _replaced(text, brackets) if brackets else text
    count = len(brackets)
    for pattern, mark in _SURE_ALWAYS + (_SURE_IF_FULL_STOPS if full_stops else _SURE_ELSE):
        seen, made = pattern.subn(mark, seen)
        count += made
    spans = _marks(seen, protected, full_stops)  # what is left, judged in Python
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
    return _apply(seen, _with_spaces(text, spans)), count


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
    protected = _Protected(text)
    brackets = _brackets(text, protected)
    # The marks see the brackets as they will be: "(临海),杜桥" is "（临海）,杜桥" to them.
    seen = _replaced(text, brackets) if brackets else text
    spans = _marks(seen, protected, full_stops)
    if headline:
        spans = [(a, e) for a, e in spans if text[a] not in ".!?"]
    if brackets:
        spans = sorted(spans + [(b, b + 1) for b in brackets])
    return _with_spaces(text, spans)


def _replaced(text: str, positions: list[int]) -> str:
    """``text`` with the ASCII brackets at ``positions`` (in order) in their full-width form."""
    pieces, done = [], 0
    for p in positions:
        pieces.append(text[done:p])
        pieces.append(FULL_WIDTH[text[p]])
        done = p + 1
    pieces.append(text[done:])
    return "".join(pieces)


class _Protected:
    """The protected spans of a text, asked about in increasing positions."""

    def __init__(self, text: str):
        self.spans = []
        for m in _PROTECTED.finditer(text):
            start, end = m.span()
            if text[start] != "&":
                end = start + _url_length(m.group())
            self.spans.append((start, end))
        self.k = 0

    def rewind(self) -> None:
        self.k = 0

    def covers(self, start: int, end: int) -> bool:
        """Does a protected span overlap ``[start, end)``? (``start`` never decreases
        between rewinds.)"""
        spans, k = self.spans, self.k
        while k < len(spans) and spans[k][1] <= start:
            k += 1
        self.k = k
        return k < len(spans) and spans[k][0] < end


def _url_length(url: str) -> int:
    """The length of ``url`` without the sentence's punctuation after it."""
    return len(url.rstrip(_URL_TAIL)) or len(url)


def _brackets(s: str, protected: _Protected) -> list[int]:
    """Positions of the ASCII brackets to convert, in order: pairs (matched across widths,
    within a line) around Chinese, and the ASCII half of a half-full-width pair.

    Innermost pairs, by far the most, are found whole by the regular expression; the
    brackets around them are matched with a stack (an innermost pair never changes what
    the others match)."""
    if "(" not in s and ")" not in s:
        return []
    protected.rewind()
    guarded = bool(protected.spans)
    out: list[int] = []
    stack: list[int] = []
    for m in _BRACKETS.finditer(s):
        kind = m.lastgroup
        a, e = m.span()
        if kind == "cn" or kind == "pair":
            b = e - 1
            if guarded and protected.covers(a, e):
                # A bracket belongs to a link: the others go through the stack.
                for k in (a, b):
                    if not protected.covers(k, k + 1):
                        _stacked(s, k, stack, out)
                continue
            ascii_open, ascii_close = s[a] == "(", s[b] == ")"
            if ascii_open or ascii_close:
                if ascii_open != ascii_close or (kind == "cn" and _chinese_content(s, a, b)):
                    if ascii_open:
                        out.append(a)
                    if ascii_close:
                        out.append(b)
        elif kind == "opens" and not guarded:
            run = m.group()
            stack.extend(range(a, e) if " " not in run else (k for k in range(a, e) if s[k] != " "))
        elif kind is None:  # a line break
            stack.clear()
        elif kind == "closes" and not guarded:
            for k in range(a, e):  # _stacked, inlined: 2 MB of ")" come here
                if s[k] == " ":
                    continue
                if not stack:
                    break
                o = stack.pop()
                ascii_open, ascii_close = s[o] == "(", s[k] == ")"
                if (ascii_open or ascii_close) and (
                    ascii_open != ascii_close or _chinese_content(s, o, k)
                ):
                    if ascii_open:
                        out.append(o)
                    if ascii_close:
                        out.append(k)
        else:
            for k in range(a, e):
                if s[k] != " " and not (guarded and protected.covers(k, k + 1)):
                    _stacked(s, k, stack, out)
    out.sort()
    return out


def _stacked(s: str, k: int, stack: list[int], out: list[int]) -> None:
    """The bracket at ``k`` through the stack: an opener waits, a closer takes the last."""
    if s[k] in "(（":
        stack.append(k)
        return
    if not stack:
        return
    a = stack.pop()
    ascii_open, ascii_close = s[a] == "(", s[k] == ")"
    if not (ascii_open or ascii_close):
        return
    if ascii_open != ascii_close or _chinese_content(s, a, k):
        if ascii_open:
            out.append(a)
        if ascii_close:
            out.append(k)


#: What the edges of a bracket's content look past (EDGE_LOOK marks, quotes or brackets,
#: runs of at most EDGE_SPACE_RUN spaces), in one bounded match; the character after it
#: decides. Read forwards from the opener, and backwards (reversed) from the closer.
_EDGE_WALK = re.compile(
    f"[{''.join(_EDGE_SPACES)}]{{0,{EDGE_SPACE_RUN}}}"
    f"(?:[{re.escape(''.join(sorted(_EDGE_SKIP)))}][{''.join(_EDGE_SPACES)}]{{0,{EDGE_SPACE_RUN}}})"
    f"{{0,{EDGE_LOOK}}}"
)
_EDGE_LOOKED_PAST = _EDGE_SPACES | _EDGE_SKIP
_HAN_SEARCH = re.compile(f"[{HAN_CLASS}]").search
#: Longer than anything _EDGE_WALK matches.
_EDGE_WINDOW = 1 + EDGE_SPACE_RUN + EDGE_LOOK * (1 + EDGE_SPACE_RUN) + 1


def _chinese_content(s: str, a: int, b: int) -> bool:
    """Does the content of the pair at ``a`` and ``b`` start or end with a Han character
    (looking past spaces and punctuation)?"""
    if a + 1 >= b:
        return False
    first = s[a + 1]
    if first not in _EDGE_LOOKED_PAST:
        if _is_han(first):
            return True
    else:
        # Past spaces and punctuation, only where a Han character is near the edge at
        # all (2 MB of nested brackets ask this of every pair: an ASCII window is
        # answered in C).
        head = s[a + 1 : a + 1 + _EDGE_WINDOW] if b - a > _EDGE_WINDOW else s[a + 1 : b]
        if not head.isascii() and _HAN_SEARCH(head):
            k = _EDGE_WALK.match(head).end()
            if k < len(head) and _is_han(head[k]):
                return True
    last = s[b - 1]
    if last not in _EDGE_LOOKED_PAST:
        return _is_han(last)
    tail = s[b - _EDGE_WINDOW : b] if b - a > _EDGE_WINDOW else s[a + 1 : b]
    if tail.isascii() or not _HAN_SEARCH(tail):
        return False
    tail = tail[::-1]
    k = _EDGE_WALK.match(tail).end()
    return k < len(tail) and _is_han(tail[k])


def _marks(s: str, protected: _Protected, full_stops: bool) -> list[tuple[int, int]]:
    """The spans of ASCII marks to convert, in order (brackets are judged before: the
    marks see the pairs the way they will be)."""
    protected.rewind()
    guarded = bool(protected.spans)
    out: list[tuple[int, int]] = []
    append = out.append
    n = len(s)
    for m in _MARK_RUNS.finditer(s):
        i, e = m.span()
        if guarded and protected.covers(i, e):
            continue
        kind = m.lastgroup
        if kind == "sep" or kind == "bang":
            append((i, e))
        elif kind == "dot":
            if not full_stops or s[e] in _CJK_CLOSE:
                append((i, e))
        elif e - i == 1:
            c = s[i]
            if c in ",;:":
                if _left(s, i) or _right(s, e):
                    append((i, e))
            elif c == ".":
                if _left(s, i) and _sentence_ends(s, e, full_stops):
                    append((i, e))
            elif _left(s, i) and (e >= n or s[e] not in _ASCII_WORD):
                append((i, e))
        elif not m.group().strip("!?"):
            if _left(s, i) and (e >= n or s[e] not in _ASCII_WORD):
                append((i, e))
        # Any other run ("...", ",,", "?.") is left as it is.
    return out


def _left(s: str, i: int) -> bool:
    """Is the neighbour before ``i`` (past one space) Chinese?"""
    j = i - 1
    if j >= 0 and s[j] == " ":
        j -= 1
    if j < 0:
        return False
    c = s[j]
    if _chinese(c):
        return True
    if c in _CLOSE_QUOTES:
        j -= 1
        if j >= 0 and s[j] == " ":
            j -= 1
        return j >= 0 and _chinese(s[j])
    return False


def _right(s: str, e: int) -> bool:
    """Is the neighbour from ``e`` on (past one space) Chinese?"""
    n, k = len(s), e
    if k < n and s[k] == " ":
        k += 1
    if k >= n:
        return False
    c = s[k]
    if _chinese(c):
        return True
    if c in _OPEN_QUOTES:
        k += 1
        if k < n and s[k] == " ":
            k += 1
        return k < n and _chinese(s[k])
    return False


def _sentence_ends(s: str, e: int, full_stops: bool) -> bool:
    """After a ``.`` at ``e - 1`` with Chinese before it: does a sentence end there?"""
    n, k = len(s), e
    spaced = k < n and s[k] == " "
    if spaced:
        k += 1
    if k >= n or s[k] == "\n" or s[k] in _CLOSE_QUOTES or s[k] in _CJK_CLOSE:
        return True
    if spaced:
        return _right(s, e)
    return not full_stops and _right(s, e)


def _with_spaces(s: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """An edit for each span of marks: the marks in full width, a single space on either
    side taken along (the first taker wins a space between two)."""
    edits, taken, n = [], 0, len(s)
    append, table = edits.append, _TO_FULL_WIDTH
    for a, e in spans:
        start, end = a, e
        if a and s[a - 1] == " " and a - 1 >= taken and (a < 2 or s[a - 2] != " "):
            start = a - 1
        if e < n and s[e] == " " and (e + 1 >= n or s[e + 1] != " "):
            end = e + 1
        append((start, end, s[a:e].translate(table) if e - a > 1 else FULL_WIDTH[s[a]]))
        taken = end
    return edits


# --- Passages, for people --------------------------------------------------------------------

#: Characters of context shown on each side of a changed passage.
PASSAGE_CONTEXT = 10


def passages(text: str, fixes: list[Fix], context: int = PASSAGE_CONTEXT) -> list[tuple[str, str]]:
    """Each changed passage as (before, after), with ``context`` characters either side;
    fixes close together make one passage. Line breaks are shown as ¶."""
    out: list[tuple[str, str]] = []
    group: list[Fix] = []
    for fix in fixes:
        if group and fix.start - group[-1].end > 2 * context:
            out.append(_passage(text, group, context))
            group = []
        group.append(fix)
    if group:
        out.append(_passage(text, group, context))
    return out


def _passage(text: str, group: list[Fix], context: int) -> tuple[str, str]:
    a, b = max(0, group[0].start - context), min(len(text), group[-1].end + context)
    # Line breaks at the ends of the context say nothing; inside, they show as ¶.
    while a < group[0].start and text[a] == "\n":
        a += 1
    while b > group[-1].end and text[b - 1] == "\n":
        b -= 1
    lead = "…" if text[:a].strip("\n") else ""
    tail = "…" if text[b:].strip("\n") else ""
    moved = [Fix(f.start - a, f.end - a, f.new) for f in group]
    before = text[a:b]
    after = apply_fixes(before, moved)
    return lead + _shown(before) + tail, lead + _shown(after) + tail


def _shown(text: str) -> str:
    return re.sub("\n+", " ¶ ", text).replace(_OPAQUE, " ")


# --- HTML ------------------------------------------------------------------------------------

#: Elements that end a line of text: brackets never pair across them, a "." before
#: them ends a sentence.
BLOCKS = frozenset(
    "address article aside blockquote br caption dd details div dl dt figcaption figure "
    "footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p section summary table tbody td "
    "tfoot th thead tr ul".split()
)
#: Elements whose text is never changed (code, preformatted text).
KEEP_AS_IS = frozenset({"code", "pre", "kbd", "samp", "textarea"})
#: What stands in the text for what is not text to change: a character reference that
#: is a mark or a space, the content of ``KEEP_AS_IS``. Neither Chinese nor a mark.
_OPAQUE = "\ufffc"
_CHAR_REF = re.compile(r"&(?:#[0-9]++;?|#[xX][0-9a-fA-F]++;?|[A-Za-z][A-Za-z0-9]*+;?)")


@dataclass
class _Text:
    """The text of an HTML fragment, and where its characters are in the HTML."""

    text: str
    #: (offset in text, offset in html) where each run of characters copied as they are
    #: starts; everything else in the text (line breaks for blocks, decoded references,
    #: stand-ins) is never changed by a fix.
    runs_text: list[int]
    runs_html: list[int]

    def html_offset(self, offset: int) -> int:
        k = bisect_right(self.runs_text, offset) - 1
        return self.runs_html[k] + offset - self.runs_text[k]


def html_text(html: str) -> _Text:
    """The text of ``html`` as typography reads it: tags out, a line break for each block
    element, character references decoded (those that are marks or spaces opaque), the
    content of code and preformatted elements opaque. Linear: the tags are read by the
    importer's tokenizer (``htmltokens``), which ends the fragment at a construct never
    closed."""
    pieces: list[str] = []
    runs_text: list[int] = []
    runs_html: list[int] = []
    length = 0
    keep_depth = 0
    n, i = len(html), 0

    def add(piece: str, at_html: int | None = None) -> None:
        nonlocal length
        if at_html is not None:
            runs_text.append(length)
            runs_html.append(at_html)
        pieces.append(piece)
        length += len(piece)

    while i < n:
        j = html.find("<", i)
        if j < 0:
            j = n
        if j > i:
            if keep_depth:
                add(_OPAQUE)
            else:
                _add_text(html, i, j, add)
        if j >= n:
            break
        # The importer's tokenizer reads one construct (private to the package, shared
        # so that both read HTML the same way, in linear time).
        token, i = htmltokens._construct(html, j)
        if token is None:  # a comment or declaration
            continue
        if isinstance(token, htmltokens.Unterminated):
            break  # never closed: the rest of the fragment is not text
        if isinstance(token, htmltokens.Text):  # a "<" that opens nothing
            add(_OPAQUE if keep_depth else "<", None if keep_depth else j)
            continue
        name = token.tag
        if name in BLOCKS:
            add("\n")
        if name in KEEP_AS_IS:
            if isinstance(token, htmltokens.Start):
                keep_depth += not token.closed
            else:
                keep_depth = max(0, keep_depth - 1)
            add(_OPAQUE)
        if isinstance(token, htmltokens.Start) and name in htmltokens.RAW_TEXT and not token.closed:
            end = re.compile(rf"</\s*{name}\s*>", re.IGNORECASE).search(html, i)
            add(_OPAQUE)
            if end is None:
                break
            i = end.end()
    return _Text("".join(pieces), runs_text, runs_html)


def _add_text(html: str, i: int, j: int, add) -> None:
    """The text ``html[i:j]`` (between tags): copied runs, and decoded references."""
    for m in _CHAR_REF.finditer(html, i, j):
        if m.start() > i:
            add(html[i : m.start()], i)
        decoded = unescape(m.group())
        if len(decoded) != 1 or decoded in FULL_WIDTH or decoded.isspace():
            decoded = _OPAQUE
        add(decoded)
        i = m.end()
    if j > i:
        add(html[i:j], i)


@dataclass
class HtmlFixes:
    """What ``fix_html`` found: the new HTML, the text it read and the fixes to that text."""

    html: str
    text: str
    fixes: list[Fix]


def fix_html(html: str, *, full_stops: bool | None = None) -> HtmlFixes:
    """``html`` with the ASCII punctuation of its Chinese text made full-width; tags,
    attributes, character references and code untouched."""
    read = html_text(html)
    fixes = find_fixes(read.text, full_stops=full_stops)
    if not fixes:
        return HtmlFixes(html, read.text, [])
    pieces, done = [], 0
    for fix in fixes:
        # A fix touches only characters copied as they are, one HTML character each, and
        # they may lie in different text nodes ("临海 <b>,</b> 杜桥"): each is edited where
        # it is, the mark replaced, the spaces taken along removed.
        for k in range(fix.start, fix.end):
            at = read.html_offset(k)
            pieces.append(html[done:at])
            char = read.text[k]
            pieces.append(FULL_WIDTH[char] if char != " " else "")
            done = at + 1
    pieces.append(html[done:])
    return HtmlFixes("".join(pieces), read.text, fixes)


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
