"""Chinese typography for people and for HTML: the passages a change touches, shown with
a little context (the fix_typography command lists them), and full-width punctuation in
a story's HTML body, text nodes only, read across inline tags (articles/ingest/typography.py
has the rules)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from html import unescape

from . import htmltokens
from .typography import (
    FULL_WIDTH,
    Fix,
    apply_fixes,
    find_fixes,
)

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
