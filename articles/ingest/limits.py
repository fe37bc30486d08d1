"""What a page may put into a story: usable links, and values cut to fit their columns.

Pure text work, like the cleaner. A link taken from a page (``og:url``, the
canonical link, a ``原文链接`` line) is used only if it is an http(s) address of
at most ``MAX_URL`` characters without whitespace or control characters; a
value longer than its column is cut at the limit; a body is cut so that its
HTML stays within the bound. Each time the editor gets a flag saying so.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .results import Flag

#: The length of ``Article.source_url``.
MAX_URL = 500
BAD_URL = "原文链接无效（过长或含非法字符），已忽略。"
#: Characters of a refused link or a cut value shown in its flag.
SHOWN = 80

# Whitespace, control characters and the invisible ones (zero-width, direction marks).
_NOT_IN_URL = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def usable_url(url: str) -> bool:
    """Is ``url`` an http(s) address with a host, at most MAX_URL characters, without
    whitespace or control characters?"""
    if not url or len(url) > MAX_URL or _NOT_IN_URL.search(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed IPv6 host, say
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def shown(text: str, limit: int = SHOWN) -> str:
    """``text`` as a flag shows it: at most ``limit`` characters, control characters
    replaced (a NUL byte cannot even be stored in a JSON column on PostgreSQL)."""
    text = _CONTROL.sub("\ufffd", text)
    return text if len(text) <= limit else text[:limit] + "…"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def bad_url_flag(url: str) -> Flag:
    return Flag("url", shown(url), BAD_URL)


def fit(value: str, limit: int, label: str) -> tuple[str, Flag | None]:
    """``value`` cut to ``limit`` characters, and the flag saying so (None if it fits)."""
    if len(value) <= limit:
        return value, None
    flag = Flag(
        "length",
        shown(value[limit:]),
        f"{label}超过 {limit:,} 个字符，已截去超出的部分，请核对。",
    )
    return value[:limit].rstrip(), flag


#: Characters a paragraph's text becomes in the sanitised HTML of the body
#: (``<p>…</p>`` through nh3): the markup escaped, a no-break space named, NUL dropped.
_HTML_SIZE = {"&": 5, "<": 4, ">": 4, "\u00a0": 6, "\x00": 0}
_P_TAGS = len("<p></p>")
BODY_CUT = "正文超过 {limit:,} 字符，已截断；原文完整保存在“原始文本”中。"


def html_size(paragraph: str) -> int:
    """The length of ``<p>paragraph</p>`` in the stored (sanitised) body."""
    extra = sum(paragraph.count(c) * (size - 1) for c, size in _HTML_SIZE.items())
    return _P_TAGS + len(paragraph) + extra


def fit_body(paragraphs: list[str], limit: int) -> tuple[list[str], Flag | None]:
    """The paragraphs whose body HTML fits in ``limit`` characters: whole paragraphs
    while they fit, then as much of the next one as fits; and a flag if any was cut."""
    kept, total = [], 0
    for index, paragraph in enumerate(paragraphs):
        size = html_size(paragraph)
        if total + size <= limit:
            kept.append(paragraph)
            total += size
            continue
        room, end = limit - total - _P_TAGS, 0
        while end < len(paragraph) and room >= _HTML_SIZE.get(paragraph[end], 1):
            room -= _HTML_SIZE.get(paragraph[end], 1)
            end += 1
        if paragraph[:end].strip():
            kept.append(paragraph[:end])
        rest = paragraph[end:] or next(iter(paragraphs[index + 1 :]), "")
        return kept, Flag("length", shown(rest), BODY_CUT.format(limit=limit))
    return kept, None
