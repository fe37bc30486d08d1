"""Paragraph lines out of an HTML page, with what the page says about itself.

Scripts, styles and the head are skipped; navigation, footers, forms and
elements whose class or id names comments, sharing, breadcrumbs, menus,
related links, adverts or the like are dropped and recorded (as chrome,
comment_box or share). The page's own title (the first line of its first
``<h1>``, else ``<title>`` cut at a site-name separator), canonical link and
publication time (``<meta>``) are kept for the cleaner. The tags come from
``htmltokens``, in one pass however deep or broken the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .htmltokens import End, Start, Text, tokens


class _HTMLText:
    """Paragraph lines from HTML, without scripts, navigation, footers and comments.

    Each tag and each piece of text costs the same whatever the depth of the page: the
    open elements are a stack with, per tag name, the positions it is open at, and the
    position of the outermost element being dropped (everything inside it is dropped).
    """

    BLOCK = frozenset(
        "p div br h1 h2 h3 h4 h5 h6 li ul ol tr table section article header footer "
        "blockquote figure figcaption pre dd dt dl main aside nav hr address caption "
        "center td th".split()
    )
    SILENT = frozenset("script style noscript template svg iframe object canvas head".split())
    DROP = frozenset("nav footer aside form button select textarea video audio".split())
    VOID = frozenset("br hr img meta link input area base col embed source track wbr".split())
    NEVER_DROP = frozenset("html body article main".split())
    DROP_CLASS = re.compile(
        r"(?:^|[\s_-])(comments?|pinglun|share|sharing|bdshare|social|breadcrumbs?|crumbs?|"
        r"sidebar|footer|nav|navbar|navigation|menu|related|recommend|advert|ads?|banner|"
        r"copyright|pager|pagination|toolbar)(?=$|[\s_-])",
        re.IGNORECASE,
    )

    def __init__(self):
        self.lines: list[str] = []
        self.dropped: list[tuple[str, str]] = []
        self.meta: dict[str, str] = {}
        #: a tag, comment or declaration never closed: (offset, the rest of the page)
        self.unterminated: tuple[int, str] | None = None
        self._title: list[str] = []
        self._h1: list[str] = []
        self._h1_text = False
        self._h1_done = False
        self._buf: list[str] = []
        #: the open elements: (tag, kind, text of a dropped element or None)
        self._stack: list[tuple[str, str | None, list[str] | None]] = []
        #: per tag, the stack positions where it is open, innermost last
        self._open: dict[str, list[int]] = {}
        #: the position of the outermost element with a kind: it decides what is dropped
        self._drop_at: int | None = None

    @property
    def title(self) -> str:
        return "".join(self._title)

    @property
    def h1(self) -> str:
        return "".join(self._h1)

    def feed_page(self, raw: str) -> None:
        for token in tokens(raw):
            if isinstance(token, Text):
                self.handle_data(token.text)
            elif isinstance(token, Start):
                self.handle_starttag(token.tag, token.attrs)
                if token.closed:
                    self.handle_endtag(token.tag)
            elif isinstance(token, End):
                self.handle_endtag(token.tag)
            else:
                self.unterminated = (token.position, token.rest)
        while self._stack:
            self._close(len(self._stack) - 1)
        self._flush()

    def _in(self, tag):
        return bool(self._open.get(tag))

    def _flush(self):
        line = re.sub(r"[ \t\r\n\f\u00a0]+", " ", "".join(self._buf)).strip()
        self._buf = []
        if line:
            self.lines.append(line)
            if self._h1_text and not self._h1_done:
                # The page's title is the first line of its first h1.
                self._h1_done = True

    def _push(self, element):
        index = len(self._stack)
        self._stack.append(element)
        self._open.setdefault(element[0], []).append(index)
        if element[1] is not None and self._drop_at is None:
            self._drop_at = index

    def _remove_heads(self):
        """<body> with <head> left open: whatever follows is the page, not its head."""
        lowest = self._open["head"][0]
        moved = self._stack[lowest:]
        del self._stack[lowest:]
        for tag, _kind, _text in moved:
            self._open[tag].pop()
        if self._drop_at is not None and self._drop_at >= lowest:
            self._drop_at = None
        for element in moved:
            if element[0] != "head":
                self._push(element)

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = (
                attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or ""
            ).lower()
            if key and attrs.get("content"):
                self.meta.setdefault(key, attrs["content"].strip())
            return
        if tag == "link":
            if "canonical" in attrs.get("rel", "").lower() and attrs.get("href"):
                self.meta.setdefault("canonical", attrs["href"].strip())
            return
        if tag == "body" and self._in("head"):
            self._remove_heads()
        if tag in self.VOID:
            if tag in ("br", "hr") and self._drop_at is None:
                self._flush()
            return
        kind = None
        if tag in self.SILENT:
            kind = "silent"
        elif tag in self.DROP:
            kind = "chrome"
        elif tag not in self.NEVER_DROP:
            match = self.DROP_CLASS.search(f"{attrs.get('class', '')} {attrs.get('id', '')}")
            if match:
                word = match.group(1).lower()
                kind = (
                    "comment_box"
                    if word.startswith(("comment", "pinglun"))
                    else "share"
                    if word in ("share", "sharing", "bdshare", "social")
                    else "chrome"
                )
        if tag in self.BLOCK:
            if self._drop_at is None:
                self._flush()
            else:
                self._record_dropped(" ")
        self._push((tag, kind, [] if kind not in (None, "silent") else None))

    def handle_endtag(self, tag):
        where = self._open.get(tag)
        if where:
            self._close(where[-1])

    def _close(self, index):
        """Close the element at ``index`` of the stack and every element inside it."""
        tag = self._stack[index][0]
        closing = self._stack[index:]
        del self._stack[index:]
        for t, _kind, _text in closing:
            self._open[t].pop()
        if self._drop_at is not None and self._drop_at >= index:
            self._drop_at = None
        for t, kind, text in reversed(closing):
            if t == "h1" and not self._h1_done and self._h1:
                self._h1_done = True
            if kind not in (None, "silent") and text is not None:
                dropped = re.sub(r"\s+", " ", "".join(text)).strip()
                if dropped and self._drop_at is None:
                    self.dropped.append((kind, dropped))
                elif dropped:
                    self._record_dropped(" " + dropped)
        if tag in self.BLOCK and self._drop_at is None:
            self._flush()

    def _record_dropped(self, data):
        text = self._stack[self._drop_at][2]
        if text is not None:
            text.append(data)

    def handle_data(self, data):
        if self._in("title") and not self._in("body"):
            self._title.append(data)
            return
        if self._drop_at is not None:
            self._record_dropped(data)
            return
        if self._in("head"):
            return
        self._buf.append(data)
        if self._in("h1") and not self._h1_done:
            self._h1.append(data)
            self._h1_text = self._h1_text or bool(data.strip())


_HTML_HINT = re.compile(
    r"<(?:!doctype|html|head|body|p|div|br|span|h[1-6]|article|section|img|meta|title|ul|li|table)"
    r"\b[^<>]*>",
    re.IGNORECASE,
)


def looks_like_html(raw: str) -> bool:
    return bool(_HTML_HINT.search(raw))


@dataclass
class HtmlPage:
    """What the cleaner reads from an HTML page."""

    #: the paragraph lines, in order
    lines: list[str]
    #: the first h1, else the <title> without the site's name
    title: str
    #: (kind, text) of every dropped section
    dropped: list[tuple[str, str]]
    #: og:url or the canonical link, as the page gives it
    url: str
    #: the publication time of the page's meta tags, as written
    published: str
    #: a tag, comment or declaration never closed: (its offset, the rest of the page)
    unterminated: tuple[int, str] | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


#: Meta tags that give a page's publication time, in order of preference.
_PUBLISHED_KEYS = ("article:published_time", "pubdate", "publishdate", "publish_date")


def read_html(raw: str) -> HtmlPage:
    parser = _HTMLText()
    parser.feed_page(raw)
    return HtmlPage(
        lines=parser.lines,
        title=_title(parser),
        dropped=parser.dropped,
        url=parser.meta.get("og:url") or parser.meta.get("canonical") or "",
        published=next((parser.meta[k] for k in _PUBLISHED_KEYS if k in parser.meta), ""),
        unterminated=parser.unterminated,
    )


def _title(parser: _HTMLText) -> str:
    h1 = re.sub(r"\s+", " ", parser.h1).strip()
    if h1:
        return h1
    title = re.sub(r"\s+", " ", parser.title).strip()
    if not title:
        return ""
    return re.split(r"\s*(?:[_|｜]|\s[-–—]\s|——)\s*", title)[0].strip()
