"""The tags and text of an HTML page, read in one pass whatever its shape.

For a well-formed page the events are those of the standard library's
``html.parser`` (with ``convert_charrefs``): tag and attribute names in lower
case, character references decoded in text and attribute values, ``script``
and ``style`` read as raw text up to their end tag, ``<br/>`` as a start and
an end tag. Where the standard parser scans the rest of the page again for
every unterminated construct (2 MB of ``<a`` or ``<!--`` takes hours), this
one follows HTML5 at the end of the input: a tag, comment or declaration that
is never closed runs to the end of the page. Every scan either consumes what
it read or ends the page, so the work is linear in the page's length.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape

#: Elements whose content is raw text, up to their own end tag.
RAW_TEXT = frozenset({"script", "style"})

_TAG_NAME = re.compile(r"([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*")
_ATTR_NAME = re.compile(r"[^\s/>][^\s/=>]*")
_EQUALS = re.compile(r"\s*=+\s*")
_BARE_VALUE = re.compile(r"[^>\s]*")
_SEPARATORS = re.compile(r"(?:\s|/(?!>))*")
_END_TAG = re.compile(r"</\s*([a-zA-Z][-.a-zA-Z0-9:_]*)\s*>")
_COMMENT_END = re.compile(r"--\s*>")
_GT = re.compile(">")
_DECL_NAME = re.compile(r"[a-zA-Z][-_.a-zA-Z0-9]*")
_SECTION_END = re.compile(r"]\s*]\s*>")
_MS_SECTION_END = re.compile(r"]\s*>")
_SECTIONS = {
    **dict.fromkeys(("temp", "cdata", "ignore", "include", "rcdata"), _SECTION_END),
    **dict.fromkeys(("if", "else", "endif"), _MS_SECTION_END),
}


@dataclass(frozen=True)
class Start:
    tag: str
    attrs: list[tuple[str, str | None]]
    #: ``<br/>``: html.parser reports a start and an end tag
    closed: bool = False


@dataclass(frozen=True)
class End:
    tag: str


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Unterminated:
    """A tag, comment or declaration never closed: it takes the rest of the page."""

    #: its offset in the page, and the raw rest of the page from there
    position: int
    rest: str


Token = Start | End | Text | Unterminated


def tokens(raw: str) -> Iterator[Token]:
    """The tokens of ``raw``, in order; nothing after an ``Unterminated``."""
    n, i = len(raw), 0
    while i < n:
        j = raw.find("<", i)
        if j < 0:
            j = n
        if j > i:
            yield Text(unescape(raw[i:j]))
        if j >= n:
            return
        token, i = _construct(raw, j)
        if token is None:
            continue
        yield token
        if isinstance(token, Unterminated):
            return
        if isinstance(token, Start) and token.tag in RAW_TEXT and not token.closed:
            # Raw text up to its own end tag; never closed, html.parser (and a browser)
            # drops the rest.
            end = re.compile(rf"</\s*{token.tag}\s*>", re.IGNORECASE).search(raw, i)
            if end is None:
                return
            if end.start() > i:
                yield Text(raw[i : end.start()])
            yield End(token.tag)
            i = end.end()


def _construct(raw: str, i: int) -> tuple[Token | None, int]:
    """The construct opened by the ``<`` at ``i``, and the offset after it. Comments,
    declarations and processing instructions give no token."""
    after = raw[i + 1 : i + 2]
    if after.isascii() and after.isalpha():
        return _start_tag(raw, i)
    if after == "/":
        return _end_tag(raw, i)
    if raw.startswith("<!--", i):
        return _up_to(raw, i, _COMMENT_END.search(raw, i + 4))
    if raw.startswith("<![", i):
        name = _DECL_NAME.match(raw, i + 3)
        section_end = _SECTIONS.get(name.group().lower()) if name else None
        if section_end is not None:
            return _up_to(raw, i, section_end.search(raw, i + 3))
    if after in ("!", "?"):  # <!doctype …>, <?xml …?>, <!…>: to the next >
        return _up_to(raw, i, _GT.search(raw, i + 2))
    return Text("<"), i + 1  # a "<" that opens nothing is text


def _up_to(raw: str, i: int, end: re.Match | None) -> tuple[Token | None, int]:
    """Skip from ``i`` past ``end``; without an end, the construct takes the rest."""
    if end is None:
        return Unterminated(i, raw[i:]), len(raw)
    return None, end.end()


def _end_tag(raw: str, i: int) -> tuple[Token | None, int]:
    gt = raw.find(">", i + 2)
    if gt < 0:
        return Unterminated(i, raw[i:]), len(raw)
    exact = _END_TAG.match(raw, i)
    if exact:
        return End(exact.group(1).lower()), exact.end()
    name = _TAG_NAME.match(raw, i + 2)
    if name:  # </p class="x">: the name, the rest ignored
        return End(name.group(1).lower()), gt + 1
    return None, gt + 1  # </> or </ x>: nothing


def _start_tag(raw: str, i: int) -> tuple[Token, int]:
    """A start tag and its attributes; one never closed takes the rest of the page."""
    n = len(raw)
    name = _TAG_NAME.match(raw, i + 1)
    tag, k = name.group(1).lower(), name.end()
    attrs: list[tuple[str, str | None]] = []
    while k < n:
        if raw[k] == ">":
            return Start(tag, attrs), k + 1
        if raw.startswith("/>", k):
            return Start(tag, attrs, closed=True), k + 2
        attr = _ATTR_NAME.match(raw, k)
        k = attr.end()
        value = None
        equals = _EQUALS.match(raw, k)
        if equals:
            k = equals.end()
            if k < n and raw[k] in "'\"":
                close = raw.find(raw[k], k + 1)
                if close < 0:
                    break
                value, k = raw[k + 1 : close], close + 1
            else:
                bare = _BARE_VALUE.match(raw, k)
                value, k = bare.group(), bare.end()
        attrs.append((attr.group().lower(), unescape(value) if value else value))
        k = _SEPARATORS.match(raw, k).end()
    return Unterminated(i, raw[i:]), n
