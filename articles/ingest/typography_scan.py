"""How Chinese typography reads a text (articles/ingest/typography.py applies it): what
counts as Chinese, the spans never touched (URLs, e-mail addresses, character
references), the marks and bracket pairs to convert, each judged by a bounded look at its
neighbours, so that the whole reading is linear in the text. The rules are in
docs/import-cleaning.md ("Full-width punctuation")."""

from __future__ import annotations

import re

from articles.text import HAN_CLASS

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
SURE_ALWAYS = [
    (re.compile(rf"(?<=[{_SOLID}]){re.escape(mark)}(?=[{_SOLID}])"), FULL_WIDTH[mark])
    for mark in ",;:"
] + [
    (re.compile(rf"(?<=[{_SOLID}]){re.escape(mark)}(?![ ,.:;!?A-Za-z0-9])"), FULL_WIDTH[mark])
    for mark in "!?"
]
SURE_ELSE = [(re.compile(rf"(?<=[{_SOLID}])\.(?=[{_SOLID}])"), "。")]
SURE_IF_FULL_STOPS = [(re.compile(rf"(?<=[{_SOLID}])\.(?=[{re.escape(_CJK_CLOSE)}])"), "。")]
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


class Protected:
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


def bracket_positions(s: str, protected: Protected) -> list[int]:
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


def mark_spans(s: str, protected: Protected, full_stops: bool) -> list[tuple[int, int]]:
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


def with_spaces(s: str, spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
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
