"""Paragraph lines out of an HTML page, with what the page says about itself.

Scripts, styles and the head are skipped; navigation, footers, forms and
elements whose class or id names comments, sharing, breadcrumbs, menus,
related links, adverts or the like are dropped and recorded (as chrome,
comment_box or share). The page's own title (its first ``<h1>``, else
``<title>`` cut at a site-name separator), canonical link and publication
time (``<meta>``) are kept for the cleaner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser


class _HTMLText(HTMLParser):
    """Paragraph lines from HTML, without scripts, navigation, footers and comments."""

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
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.dropped: list[tuple[str, str]] = []
        self.title = ""
        self.h1 = ""
        self.meta: dict[str, str] = {}
        self._buf: list[str] = []
        self._stack: list[tuple[str, str | None, list[str] | None]] = []
        self._h1_done = False

    # the state of the innermost element that decides
    def _dropping(self):
        for _tag, kind, _text in self._stack:
            if kind is not None:
                return kind
        return None

    def _in(self, tag):
        return any(t == tag for t, _k, _x in self._stack)

    def _flush(self):
        line = re.sub(r"[ \t\r\n\f\u00a0]+", " ", "".join(self._buf)).strip()
        self._buf = []
        if line:
            self.lines.append(line)

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
        if tag == "body":
            # <head> left open: whatever follows is the page, not its head.
            self._stack = [e for e in self._stack if e[0] != "head"]
        if tag in self.VOID:
            if tag in ("br", "hr") and self._dropping() is None:
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
            if self._dropping() is None:
                self._flush()
            else:
                self._record_dropped(" ")
        self._stack.append((tag, kind, [] if kind not in (None, "silent") else None))

    def handle_endtag(self, tag):
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                break
        else:
            return
        closing = self._stack[index:]
        del self._stack[index:]
        for t, kind, text in reversed(closing):
            if t == "h1" and not self._h1_done and self.h1:
                self._h1_done = True
            if kind not in (None, "silent") and text is not None:
                dropped = re.sub(r"\s+", " ", "".join(text)).strip()
                if dropped and self._dropping() is None:
                    self.dropped.append((kind, dropped))
                elif dropped:
                    self._record_dropped(" " + dropped)
        if tag in self.BLOCK and self._dropping() is None:
            self._flush()

    def _record_dropped(self, data):
        for _t, kind, text in self._stack:
            if kind is not None:
                if text is not None:
                    text.append(data)
                return

    def handle_data(self, data):
        if self._in("title") and not self._in("body"):
            self.title += data
            return
        if self._dropping() is not None:
            self._record_dropped(data)
            return
        if self._in("head"):
            return
        self._buf.append(data)
        if self._in("h1") and not self._h1_done:
            self.h1 += data

    def close(self):
        super().close()
        while self._stack:
            self.handle_endtag(self._stack[-1][0])
        self._flush()


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

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


#: Meta tags that give a page's publication time, in order of preference.
_PUBLISHED_KEYS = ("article:published_time", "pubdate", "publishdate", "publish_date")


def read_html(raw: str) -> HtmlPage:
    parser = _HTMLText()
    parser.feed(raw)
    parser.close()
    return HtmlPage(
        lines=parser.lines,
        title=_title(parser),
        dropped=parser.dropped,
        url=parser.meta.get("og:url") or parser.meta.get("canonical") or "",
        published=next((parser.meta[k] for k in _PUBLISHED_KEYS if k in parser.meta), ""),
    )


def _title(parser: _HTMLText) -> str:
    h1 = re.sub(r"\s+", " ", parser.h1).strip()
    if h1:
        return h1
    title = re.sub(r"\s+", " ", parser.title).strip()
    if not title:
        return ""
    return re.split(r"\s*(?:[_|｜]|\s[-–—]\s|——)\s*", title)[0].strip()
