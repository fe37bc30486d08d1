"""Meta lines: 来源, 作者, 责任编辑, 原标题, dates and links leave the body for fields.

A meta line is one or more ``key：value`` pairs (2025-06-21 来源：临海新闻网
作者：张三), a byline (文/张三, 记者 张三 通讯员 李四), a link (原文链接：https://…)
or, in the header, a bare date or link. Strong keys make a line meta anywhere;
weak keys (时间, 日期, 浏览 …) only in the header, before the first paragraph,
since an event notice may well have 时间：6月20日 in its body.
"""

from __future__ import annotations

import datetime as dt
import re

from .dates import DATE_FULL, DATE_LINE, TIME, YEAR, full_date, make_date
from .limits import BAD_URL, shown, usable_url
from .phrases import simplify
from .results import Notes
from .textspans import Text

_KEYS = {
    "source": "来源|文章来源|本文来源|稿件来源|新闻来源|信息来源|转载自|转自",
    "author": "作者|记者|通讯员|撰文|文字",
    "editor": "责任编辑|责编|值班编辑|编辑",
    "staff": "审核|审校|校对|监制|终审|初审|复审|签发|美编",
    "published": "发布时间|发布日期|发表时间|发稿时间|更新时间|首发时间",
    "original_title": "原标题",
    "url": "原文链接|原文地址|原文网址|来源网址|来源链接",
    "time": "时间|日期",
    "counter": "浏览次数|浏览|阅读|点击",
}
_STRONG = {"source", "author", "editor", "staff", "published", "original_title", "url"}
_KEY_OF = {k: kind for kind, keys in _KEYS.items() for k in keys.split("|")}
_META_KEY = re.compile(
    r"[【\[(（]?\s*(" + "|".join(sorted(_KEY_OF, key=len, reverse=True)) + r")\s*[:：]\s*"
)
_URL = re.compile(r"https?://[!-~]+")
# The source URL: keyed anywhere; a bare URL only in the header (网址：… in the
# body of an event notice is the event's site, not the source).
_URL_LINE = re.compile(
    r"(?:原文链接|原文地址|原文网址|原文|来源网址|来源链接|本文链接|本文地址|转载地址|来源)"
    r"\s*[:：]?\s*(https?://[!-~]+)"
)
_BARE_URL_LINE = re.compile(r"(https?://[!-~]+)")
_AUTHOR_LINE = re.compile(
    r"(?:文\s*[/／|]\s*(?P<a>.{1,20}))"
    r"|(?:(?:本报|本台|本网)?记者\s+(?P<b>[^\s:：]{2,4}(?:\s+[^\s:：]{2,4}){0,3}"
    r"(?:\s+通讯员(?:\s+[^\s:：]{2,4}){1,4})?))"
)


#: What every meta line has: a key's colon, a link, a byline's 文 or 记者; in the header
#: a bare date's digits.
_MAYBE_META = re.compile(r"[:：]|https?://|文|记者")
_DIGIT = re.compile(r"\d")


def parse_meta(simple: str, header: bool) -> dict[str, str] | None:
    """Fields of a meta line (simplified), or None when the line is not one."""
    if len(simple) > 120:
        return None
    if not _MAYBE_META.search(simple) and not (header and _DIGIT.search(simple)):
        return None  # no key, link, byline or (in the header) date: the patterns below fail
    url = _URL_LINE.fullmatch(simple) or (header and _BARE_URL_LINE.fullmatch(simple))
    if url:
        return {"url": url.group(1)}
    if header and DATE_LINE.fullmatch(simple):
        return {"published": simple}
    author = _AUTHOR_LINE.fullmatch(simple)
    if author and len(simple) <= 40:
        return {"author": (author.group("a") or author.group("b")).strip()}
    keys = list(_META_KEY.finditer(simple))
    if not keys:
        return None
    lead = simple[: keys[0].start()].strip()
    if lead and not DATE_LINE.fullmatch(lead):
        return None
    kinds = {_KEY_OF[m.group(1)] for m in keys}
    if not (kinds & _STRONG) and not header:
        return None
    if not (kinds & _STRONG) and lead == "" and kinds <= {"time", "counter"}:
        # 时间：… alone in the header only when its value is a full date
        value = simple[keys[0].end() :]
        if not DATE_FULL.search(value) and kinds != {"counter"}:
            return None
    fields = {}
    if lead:
        fields["published"] = lead
    for i, m in enumerate(keys):
        end = keys[i + 1].start() if i + 1 < len(keys) else len(simple)
        value = simple[m.end() : end].strip(" 　]】)）[【(（|")
        kind = _KEY_OF[m.group(1)]
        fields.setdefault(kind, value)
    return fields


def take_url(notes: Notes, url: str) -> None:
    """``url`` becomes the source link if none was found before; one the site cannot
    store or open (``limits.usable_url``) is left out, with a flag."""
    if notes.result.source_url:
        return  # the first link wins
    if usable_url(url):
        notes.result.source_url = url
    else:
        notes.flag("url", shown(url), BAD_URL)


class MetaLines:
    """The meta lines of one text: their fields go to the result, the first of each wins."""

    def __init__(self, notes: Notes):
        self.notes = notes
        #: the publication dates stated, (date, as written), in order
        self.dates: list[tuple[dt.date, str]] = []
        #: the years written in meta lines, for a body date without one
        self.years: list[int] = []

    def take_line(self, line: Text, simple: str, *, header: bool) -> bool:
        """Is ``line`` (``simple`` once simplified) a meta line? If so its fields are taken
        and its removal recorded. ``header``: no body paragraph has come yet."""
        fields = parse_meta(simple, header)
        if not fields:
            return False
        self._take(fields)
        self.notes.remove("meta", line.text, line.offset(0))
        return True

    def take_page_date(self, published: str) -> None:
        """The publication time of the page's meta tags: it comes before any other."""
        found = full_date(published)
        if found:
            self.dates.insert(0, (found[0], published))

    def _take_url(self, url: str) -> None:
        """The source link, if it is usable and none came before (the first wins)."""
        take_url(self.notes, url)

    def _take(self, fields: dict[str, str]) -> None:
        r = self.notes.result
        for kind, value in fields.items():
            if kind in ("published", "time"):
                found = full_date(value)
                if found:
                    self.dates.append(found)
                continue
            date = DATE_FULL.search(value)
            if date and kind != "url":
                parsed = make_date(date["y"], date["m"], date["d"])
                if parsed:
                    self.dates.append((parsed, date.group(0).strip()))
                value = (value[: date.start()] + " " + value[date.end() :]).strip()
            value = TIME.sub("", value).strip()
            if kind == "source":
                url = _URL.search(value)
                if url:
                    self._take_url(url.group(0))
                    value = value.replace(url.group(0), "").strip()
                value = value.split()[0] if value.split() else ""
                r.source = r.source or simplify(value)
            elif kind == "author":
                r.author = r.author or simplify(value)
            elif kind == "editor":
                r.editor_name = r.editor_name or simplify(value)
            elif kind == "original_title":
                r.original_title = r.original_title or simplify(value)
            elif kind == "url":
                url = _URL.search(value)
                if url:
                    self._take_url(url.group(0))
        for year in YEAR.findall(" ".join(fields.values())):
            self.years.append(int(year))
