"""Clean a reprinted article: pinyin junk, page chrome, traditional characters.

Pure text work: no database and no Django settings, so it runs anywhere
(admin view, management command, tests). ``clean()`` turns raw text or HTML
into a ``CleanResult``: the title, the body paragraphs in simplified Chinese,
what was removed (each ``Removal`` with a little context so an editor can
find it), the credit, date, source and URL it found, and ``Flag``s for what it
could not clean with confidence. It never drops text silently: whatever
leaves the body is either a recorded removal or moved to a field.

The rules follow ``design.md`` §4:

- A parenthesised Latin run is removed only where it spells the reading of
  the 1 to 8 Han characters just before it (pypinyin, with heteronyms; tone
  marks, tone numbers, neutral tones, spaced forms, full-width brackets,
  decomposed tone marks, ``ü`` written ``v``). The check runs on the original
  characters (pypinyin reads traditional ones too), before t2s. Capitalised
  and ALL-CAPS runs, numbers and anything that is not pinyin stay.
- Traditional to simplified with OpenCC ``t2s`` (``articles.text``), then the
  phrase overrides of ``phrases.txt`` (著力→着力 …).
- Page chrome (breadcrumbs, counters, comment boxes, share lines, repeated
  titles) is removed; meta lines (来源, 作者, 责任编辑, dates, URLs) go to fields.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from pypinyin import Style, pinyin

from ..text import to_simplified

PHRASES_FILE = Path(__file__).with_name("phrases.txt")

#: How many Han characters before a parenthesis an annotation may spell.
MAX_ANNOTATED = 8
#: Lines at least this long are split into paragraphs at a space after 。！？.
SPLIT_LONG_LINES_AT = 200
#: Longest line taken for a title.
MAX_TITLE = 64
#: Characters of context shown with a removal or flag.
CONTEXT = 10

#: Mojibake islands seen in reprints, with what they were. Only an exact match
#: is replaced, and always with a flag: the editor checks it against the source.
#: ``?qū)<摇⑵髽I(yè)`` is 專家、企業 whose GBK bytes were cut one byte off (業 is
#: 98 49, read as 髽 + "I") and annotated with pinyin on the way (Shangrao sample).
KNOWN_MOJIBAKE = {
    "?qū)<摇⑵髽I(yè)": "專家、企業",
}


# --------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Removal:
    """Text the cleaner took out of the body."""

    #: pinyin, chrome, share, comment_box, duplicate_title, credit, meta, html
    kind: str
    text: str
    #: about ten characters of cleaned text before it, so an editor can find it
    context: str = ""
    #: offset in ``CleanResult.source_text``, or None (HTML sections)
    position: int | None = None


@dataclass(frozen=True)
class Flag:
    """Something an editor must look at: the cleaner was not sure."""

    #: pinyin (unverified annotation left in), mojibake, title (none found)
    kind: str
    text: str
    #: for the editor, in Chinese
    message: str
    context: str = ""
    position: int | None = None
    #: what the cleaner put in its place ("" when it left the text as it was)
    replacement: str = ""


@dataclass
class CleanResult:
    title: str = ""
    #: cleaned body paragraphs, simplified
    paragraphs: list[str] = field(default_factory=list)
    #: the input, unchanged
    original: str = ""
    #: the text the cleaner worked on: the input with newlines normalised, or
    #: the text extracted from HTML; removal and flag positions point into it
    source_text: str = ""
    removals: list[Removal] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    #: image credit, e.g. 临海市委宣传部 from (图片由临海市委宣传部授权提供)
    credit: str = ""
    #: a suggestion only: see date_note
    published_on: dt.date | None = None
    date_note: str = ""
    #: the date is the page's own publication time: the note informs, nothing to check
    date_from_page: bool = False
    source: str = ""
    source_url: str = ""
    author: str = ""
    editor_name: str = ""
    original_title: str = ""
    was_traditional: bool = False

    @property
    def text(self) -> str:
        """The body, one paragraph a line."""
        return "\n".join(self.paragraphs)

    def as_text(self) -> str:
        """Title and body as plain text; cleaning it again gives the same title and body."""
        return "\n".join([self.title, *self.paragraphs] if self.title else self.paragraphs)

    def removals_of(self, kind: str) -> list[Removal]:
        return [r for r in self.removals if r.kind == kind]

    def flags_of(self, kind: str) -> list[Flag]:
        return [f for f in self.flags if f.kind == kind]


# --------------------------------------------------------------------------
# Characters

_HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN = re.compile(f"[{_HAN_CLASS}]")
_TONE_MARKS = "\u0300\u0301\u0304\u030c"  # grave, acute, macron, caron
_LETTERS = "a-zA-Z\u00c0-\u024f\u1e00-\u1eff"
_LOWER = "a-z\u00df-\u00ff\u0100-\u024f"  # good enough to spot pinyin-like runs


def is_han(char: str) -> bool:
    return bool(_HAN.fullmatch(char))


def han_chars(text: str) -> list[str]:
    return _HAN.findall(text)


def _strip_tones(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if c not in _TONE_MARKS and not c.isdigit())
    )


def _has_tone(text: str) -> bool:
    decomposed = unicodedata.normalize("NFD", text)
    return any(c in _TONE_MARKS for c in decomposed) or bool(re.search(r"[a-zü][1-5]", text))


# --------------------------------------------------------------------------
# Phrase overrides after t2s


@cache
def load_phrases() -> tuple[dict[str, str], frozenset[str]]:
    """(replacements, protected words) from phrases.txt."""
    replacements, protected = {}, set()
    for line in PHRASES_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) == 1:
            protected.add(parts[0])
        elif len(parts) == 2 and len(parts[0]) == len(parts[1]):
            replacements[parts[0]] = parts[1]
        else:
            raise ValueError(f"{PHRASES_FILE.name}: bad line {line!r}")
    return replacements, frozenset(protected)


def apply_phrases(text: str) -> str:
    """Replace phrases.txt sources by targets, longest first, never inside a protected word."""
    replacements, protected = load_phrases()
    if not text or not replacements:
        return text
    firsts = {k[0] for k in replacements}
    if not any(c in firsts for c in text):
        return text
    blocked = [False] * len(text)
    for word in protected:
        start = text.find(word)
        while start != -1:
            for i in range(start, start + len(word)):
                blocked[i] = True
            start = text.find(word, start + 1)
    lengths = sorted({len(k) for k in replacements}, reverse=True)
    out, i = [], 0
    while i < len(text):
        if text[i] in firsts:
            for length in lengths:
                piece = text[i : i + length]
                if piece in replacements and not any(blocked[i : i + length]):
                    out.append(replacements[piece])
                    i += length
                    break
            else:
                out.append(text[i])
                i += 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def simplify(text: str) -> str:
    """OpenCC t2s plus the phrase overrides: how every cleaned string ends."""
    return apply_phrases(to_simplified(text))


@cache
def _override_variants() -> dict[str, frozenset[str]]:
    """Characters the phrase overrides swap (著/着), both ways."""
    variants: dict[str, set[str]] = {}
    for source, target in load_phrases()[0].items():
        for a, b in zip(source, target, strict=True):
            if a != b:
                variants.setdefault(a, set()).add(b)
                variants.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in variants.items()}


# --------------------------------------------------------------------------
# Pinyin annotations


def _norm_pinyin(text: str) -> str:
    """Lower-case, ``v`` as ``ü``, composed tone marks, no separators."""
    text = unicodedata.normalize("NFD", text.lower()).replace("v", "u\u0308")
    text = re.sub(r"[\s'’\-·.]", "", text)
    return unicodedata.normalize("NFC", text)


@cache
def _readings(char: str) -> tuple[frozenset[str], frozenset[str]]:
    """(readings with tones, readings without) of a Han character and its variants.

    With tones: tone marks and tone numbers, the neutral tone with no mark or
    number (了 le). The variants are its t2s form and the characters the phrase
    overrides swap, so cleaning the cleaned text reads it the same way.
    """
    chars = {char, to_simplified(char)}
    chars |= _override_variants().get(char, frozenset())
    toned: set[str] = set()
    for c in chars:
        for style in (Style.TONE, Style.TONE3):
            for reading in pinyin(c, style=style, heteronym=True, neutral_tone_with_five=True)[0]:
                if reading == c or _HAN.search(reading):
                    continue  # no reading known: pypinyin gives the character back
                reading = _norm_pinyin(reading)
                toned.add(reading)
                if reading.endswith("5"):
                    toned.add(reading[:-1])
    toneless = frozenset(_strip_tones(r) for r in toned)
    return frozenset(toned), toneless


def _spells(annotation: str, chars: str, mode: str) -> bool:
    """Does ``annotation`` spell one reading per character of ``chars``?

    mode: "strict" (tones as in the dictionary), "lenient" (some syllables may
    lack their tone: the annotation has marks elsewhere), "toneless" (compare
    without tones: only used to flag, never to remove).
    """
    if len(annotation) < len(chars) or len(annotation) > 7 * len(chars):
        return False
    positions = {0}
    for char in chars:
        toned, toneless = _readings(char)
        candidates = {"strict": toned, "lenient": toned | toneless, "toneless": toneless}[mode]
        following = set()
        for start in positions:
            for reading in candidates:
                if annotation.startswith(reading, start):
                    following.add(start + len(reading))
        if not following:
            return False
        positions = following
    return len(annotation) in positions


@cache
def _phrase_reading(chars: str) -> str:
    return _norm_pinyin("".join(s[0] for s in pinyin(chars, style=Style.TONE)))


@cache
def _syllables() -> frozenset[str]:
    """Every pinyin syllable, with and without tone marks."""
    from pypinyin.pinyin_dict import pinyin_dict  # noqa: PLC0415 - large, needed rarely

    raw = {reading for readings in pinyin_dict.values() for reading in readings.split(",")}
    found = {_norm_pinyin(reading) for reading in raw}
    return frozenset(found | {_strip_tones(reading) for reading in found})


def _is_syllables(text: str) -> bool:
    """Can ``text`` be cut into pinyin syllables (tone numbers allowed)?"""
    text = _norm_pinyin(text)
    syllables = _syllables()
    reachable = [True] + [False] * len(text)
    for end in range(1, len(text) + 1):
        for start in range(max(0, end - 7), end):
            if reachable[start]:
                piece = text[start:end].rstrip("12345")
                if piece and piece in syllables:
                    reachable[end] = True
                    break
    return reachable[-1]


_ANNOTATION = re.compile(r"[(（]([^()（）\n]{1,64})[)）]")
_LATINISH = re.compile(rf"[{_LETTERS}\u0300-\u036f0-9 '’\-·.]+")
_HAS_LETTER = re.compile(f"[{_LETTERS}]")

REMOVE, FLAG, KEEP = "remove", "flag", "keep"


def judge_annotation(content: str, before: str) -> tuple[str, str]:
    """What to do with ``(content)`` following the text ``before``: (verdict, message).

    ``remove`` when ``content`` is lower-case pinyin spelling the reading of
    1 to 8 Han characters at the end of ``before``; ``flag`` when it looks like
    pinyin but that cannot be verified; else ``keep``.
    """
    if not _LATINISH.fullmatch(content) or not _HAS_LETTER.search(content):
        return KEEP, ""
    annotation = _norm_pinyin(content)
    lower = content == content.lower()
    toned = _has_tone(annotation)
    run = ""
    for char in reversed(before[-MAX_ANNOTATED:]):
        if not is_han(char):
            break
        run = char + run
    if lower and run:
        mode = "lenient" if toned else "strict"
        for k in range(1, len(run) + 1):
            chars = run[-k:]
            if _spells(annotation, chars, mode) or _phrase_reading(chars) == annotation:
                return REMOVE, ""
    if toned and _is_syllables(annotation):
        if not run:
            return FLAG, f"括号内疑似拼音“({content})”，但前面不是汉字，无法核对读音，未删除。"
        if not lower:
            return FLAG, f"括号内疑似拼音“({content})”，首字母大写，可能是有意的注音，未删除。"
        return FLAG, f"括号内疑似拼音“({content})”，与前面汉字的读音不符，未删除。"
    if lower and run and not toned:
        bare = _strip_tones(annotation)
        if any(_spells(bare, run[-k:], "toneless") for k in range(1, len(run) + 1)):
            return FLAG, f"括号内的“({content})”可能是不带声调的拼音，未删除，请核对。"
    return KEEP, ""


# --------------------------------------------------------------------------
# Text with positions


@dataclass
class _Text:
    """A string and, per character, its offset in the source text."""

    text: str
    pos: list[int]

    @classmethod
    def at(cls, text: str, start: int) -> _Text:
        return cls(text, list(range(start, start + len(text))))

    def offset(self, index: int) -> int | None:
        if not self.pos:
            return None
        return self.pos[min(index, len(self.pos) - 1)]

    def strip(self, chars: str | None = None) -> _Text:
        left = len(self.text) - len(self.text.lstrip(chars))
        right = len(self.text.rstrip(chars))
        if right <= left:
            return _Text("", [])
        return _Text(self.text[left:right], self.pos[left:right])

    def cut(self, start: int, end: int) -> _Text:
        return _Text(self.text[:start] + self.text[end:], self.pos[:start] + self.pos[end:])

    def replace_span(self, start: int, end: int, new: str) -> _Text:
        anchor = self.pos[start] if start < len(self.pos) else (self.pos[-1] if self.pos else 0)
        return _Text(
            self.text[:start] + new + self.text[end:],
            self.pos[:start] + [anchor] * len(new) + self.pos[end:],
        )


_BLANK = " \t\u3000\u00a0\u200b\ufeff"


# --------------------------------------------------------------------------
# Line patterns (matched on the simplified, stripped line)

_CHROME = [
    # breadcrumbs: 首页 资讯 正文, 首页 > 新闻 > 正文, 当前位置：首页 » 新闻
    (
        "chrome",
        r"(?:(?:当前|您的|你的|所在)?位置\s*[:：]\s*)?(?:网站)?首页"
        r"(?:(?:\s*(?:>>|[>»›/|→＞])\s*|\s+)[^\s>»›/|→＞]{1,12}){0,6}\s*(?:>>|[>»›→＞])?",
    ),
    ("chrome", r"(?:当前|您的|你的|所在)位置\s*[:：].{0,60}"),
    # category and counters: 体育正文 66 0
    ("chrome", r"\S{0,8}正文(?:\s+\d+){1,3}"),
    (
        "chrome",
        r"(?:阅读|浏览|点击|阅读量|浏览量|浏览次数|点击数|点击量|人气|热度|点赞)\s*[:：]?\s*\d+\s*次?",
    ),
    ("chrome", r"字号\s*[:：].{0,12}"),
    ("chrome", r"(?:上一篇|下一篇|上一条|下一条)\s*[:：].{0,80}"),
    (
        "chrome",
        r"(?:[【\[]?(?:返回顶部|返回首页|返回列表|打印本页|打印|关闭窗口|关闭|收藏本文|加入收藏)[】\]]?\s*)+",
    ),
    ("chrome", r"(?:相关|热门|推荐|延伸)(?:阅读|新闻|文章|推荐|资讯)\s*[:：]?"),
    ("share", r"分享(?:到\s*[:：]?|\s*[:：]).{0,60}"),
    ("share", r"(?:扫一扫|扫码关注|扫描二维码).{0,40}"),
    (
        "share",
        r"(?:微信|微博|QQ空间|QQ好友|QQ|朋友圈|豆瓣|人人网|抖音)"
        r"(?:\s*[、,，|/]?\s*(?:微信|微博|QQ空间|QQ好友|QQ|朋友圈|豆瓣|人人网|抖音))+",
    ),
    ("comment_box", r"欢迎\s*发表\s*评论\s*[:：]?"),
    (
        "comment_box",
        r"(?:我要|发表|网友|最新|热门|查看|全部|相关)\s*评论\s*[:：]?\s*(?:\(\d+\)|\d+)?",
    ),
    ("comment_box", r"(?:网友)?评论列表\s*[:：]?"),
    ("comment_box", r"暂时?(?:没有|无)(?:任何)?评论.{0,20}"),
    ("comment_box", r".{0,10}快(?:来)?抢沙发.{0,10}"),
    ("comment_box", r"(?:已有|共有|共)\s*\d+\s*(?:条|人)(?:评论|参与).{0,20}"),
    ("comment_box", r"请?登录后(?:才能|即可)?(?:发表|参与)?评论.{0,20}"),
    ("comment_box", r"评论\s*(?:\(\d+\)|\d+)?"),
]
_CHROME = [(kind, re.compile(pattern)) for kind, pattern in _CHROME]

# Meta lines: "key: value" pairs. Strong keys make a line meta anywhere; weak
# keys (时间, 日期 …) only in the header, before the first paragraph, since an
# event notice may well have 时间：6月20日 in its body.
_META_KEYS = {
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
_KEY_OF = {k: kind for kind, keys in _META_KEYS.items() for k in keys.split("|")}
_META_KEY = re.compile(
    r"[【\[(（]?\s*(" + "|".join(sorted(_KEY_OF, key=len, reverse=True)) + r")\s*[:：]\s*"
)
_DATE_FULL = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?!\d)\s*日?"
)
_DATE_MD = re.compile(r"(?<![\d年./\-])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_TIME = re.compile(r"(?<!\d)\d{1,2}[:：]\d{2}(?:[:：]\d{2})?(?!\d)")
_URL_DATE = re.compile(r"(?<!\d)(?P<y>20\d{2})[-/_]?(?P<m>[01]\d)[-/_]?(?P<d>[0-3]\d)(?!\d)")
_URL_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_URL = re.compile(r"https?://[!-~]+")
# The source URL: keyed anywhere; a bare URL only in the header (网址：… in the
# body of an event notice is the event's site, not the source).
_URL_LINE = re.compile(
    r"(?:原文链接|原文地址|原文网址|原文|来源网址|来源链接|本文链接|本文地址|转载地址|来源)"
    r"\s*[:：]?\s*(https?://[!-~]+)"
)
_BARE_URL_LINE = re.compile(r"(https?://[!-~]+)")
_DATE_LINE = re.compile(
    _DATE_FULL.pattern + r"(?:\s*" + _TIME.pattern + r")?(?:\s*(?:星期|周)[一二三四五六日天])?"
)
_AUTHOR_LINE = re.compile(
    r"(?:文\s*[/／|]\s*(?P<a>.{1,20}))"
    r"|(?:(?:本报|本台|本网)?记者\s+(?P<b>[^\s:：]{2,4}(?:\s+[^\s:：]{2,4}){0,3}"
    r"(?:\s+通讯员(?:\s+[^\s:：]{2,4}){1,4})?))"
)

_TU, _SHE, _LAI, _QUAN = "[图圖]", "[摄攝]", "[来來]", "[权權]"
_CREDIT_INLINE = [
    re.compile(
        rf"[(（]\s*(?:{_TU}片|照片|{_TU})由\s*(?P<c>[^()（）]{{1,40}}?)\s*"
        rf"(?:授{_QUAN})?提供(?:{_TU}片|照片)?\s*[)）]"
    ),
    re.compile(
        rf"[(（]\s*(?:{_TU}片{_LAI}源|{_TU}源|{_SHE}影|供{_TU}|{_TU}片|{_TU})\s*[:：/／]\s*"
        r"(?P<c>[^()（）]{1,40}?)\s*[)）]"
    ),
    re.compile(rf"[(（]\s*(?P<c>[^()（）]{{2,30}}?)\s*{_SHE}\s*[)）]"),
]
_CREDIT_LINE = [
    re.compile(
        rf"(?:{_TU}片{_LAI}源|{_TU}源|{_SHE}影|供{_TU}|{_TU}片|{_TU})\s*[:：/／]\s*(?P<c>.{{1,40}})"
    ),
    re.compile(rf"(?:{_TU}片|照片|{_TU})由\s*(?P<c>.{{1,40}}?)\s*(?:授{_QUAN})?提供"),
]
# "(XX 摄)" is a credit, "(航拍)" or "(拍摄)" is not.
_NOT_A_PHOTOGRAPHER = tuple("拍航抓偷跟所自翻新再补被可不正")


def _credit_ok(name: str, pattern_index: int) -> bool:
    name = name.strip()
    if pattern_index == 2:
        return len(name) >= 2 and not name.endswith(_NOT_A_PHOTOGRAPHER) and bool(_HAN.search(name))
    return bool(name)


# --------------------------------------------------------------------------
# HTML


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


# --------------------------------------------------------------------------
# The cleaner


def _norm_title(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", to_simplified(text)).split())


_SENTENCE_END = set("。！？!?；;，,、：:…")
_CLOSERS = "”’」』\"')）】》"


def _title_like(line: str) -> bool:
    if not (4 <= len(line) <= MAX_TITLE) or len(han_chars(line)) < 4:
        return False
    core = line.rstrip(_CLOSERS)
    if not core or core[-1] in _SENTENCE_END:
        return False
    return not any(p in line for p in "。！？")


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
    for blank in re.finditer(f"[{_BLANK}]+", line):
        k = blank.start() - 1
        while k >= 0 and line[k] in _CLOSERS:
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


class _Cleaner:
    def __init__(self, *, import_date, repair_known_mojibake):
        self.import_date = import_date
        self.repair = repair_known_mojibake
        self.result = CleanResult()
        self.emitted = ""  # cleaned text so far, for context
        self.title_hint = ""
        self.meta_dates: list[tuple[dt.date, str]] = []
        self.meta_years: list[int] = []
        self.credits: list[str] = []

    # -- helpers -----------------------------------------------------------

    def _context(self, extra: str = "") -> str:
        tail = (self.emitted + extra)[-CONTEXT:]
        return tail.replace("\n", " ").strip()

    def _remove(self, kind, text, position, extra_context=""):
        self.result.removals.append(Removal(kind, text, self._context(extra_context), position))

    def _flag(self, kind, text, message, position=None, extra_context="", replacement=""):
        self.result.flags.append(
            Flag(kind, text, message, self._context(extra_context), position, replacement)
        )

    # -- pinyin ------------------------------------------------------------

    def strip_pinyin(self, line: _Text) -> _Text:
        text = line.text
        out, pos, last, tail = [], [], 0, ""
        for m in _ANNOTATION.finditer(text):
            out.append(text[last : m.start()])
            pos.extend(line.pos[last : m.start()])
            # The cleaned text before it: removing one annotation may bring the next
            # one (中国(zhōngguó)(zhōngguó)) next to the characters it spells.
            before = (tail + text[last : m.start()])[-2 * MAX_ANNOTATED :]
            verdict, message = judge_annotation(m.group(1), before)
            if verdict == REMOVE:
                self._remove("pinyin", m.group(0), line.offset(m.start()), before)
                tail = before
            else:
                if verdict == FLAG:
                    self._flag("pinyin", m.group(0), message, line.offset(m.start()), before)
                out.append(m.group(0))
                pos.extend(line.pos[m.start() : m.end()])
                tail = before + m.group(0)
            last = m.end()
        out.append(text[last:])
        pos.extend(line.pos[last:])
        return _Text("".join(out), pos)

    # -- meta lines --------------------------------------------------------

    def parse_meta(self, simple: str, header: bool) -> dict[str, str] | None:
        """Fields of a meta line, or None when the line is not one."""
        if len(simple) > 120:
            return None
        url = _URL_LINE.fullmatch(simple) or (header and _BARE_URL_LINE.fullmatch(simple))
        if url:
            return {"url": url.group(1)}
        if header and _DATE_LINE.fullmatch(simple):
            return {"published": simple}
        author = _AUTHOR_LINE.fullmatch(simple)
        if author and len(simple) <= 40:
            return {"author": (author.group("a") or author.group("b")).strip()}
        keys = list(_META_KEY.finditer(simple))
        if not keys:
            return None
        lead = simple[: keys[0].start()].strip()
        if lead and not _DATE_LINE.fullmatch(lead):
            return None
        kinds = {_KEY_OF[m.group(1)] for m in keys}
        if not (kinds & _STRONG) and not header:
            return None
        if not (kinds & _STRONG) and lead == "" and kinds <= {"time", "counter"}:
            # 时间：… alone in the header only when its value is a full date
            value = simple[keys[0].end() :]
            if not _DATE_FULL.search(value) and kinds != {"counter"}:
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

    def take_meta(self, fields: dict[str, str]):
        r = self.result
        for kind, value in fields.items():
            if kind in ("published", "time"):
                found = _DATE_FULL.search(value)
                if found:
                    date = _make_date(found["y"], found["m"], found["d"])
                    if date:
                        self.meta_dates.append((date, found.group(0).strip()))
                continue
            date = _DATE_FULL.search(value)
            if date and kind != "url":
                parsed = _make_date(date["y"], date["m"], date["d"])
                if parsed:
                    self.meta_dates.append((parsed, date.group(0).strip()))
                value = (value[: date.start()] + " " + value[date.end() :]).strip()
            value = _TIME.sub("", value).strip()
            if kind == "source":
                url = _URL.search(value)
                if url:
                    r.source_url = r.source_url or url.group(0)
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
                    r.source_url = r.source_url or url.group(0)
        for year in _YEAR.findall(" ".join(fields.values())):
            self.meta_years.append(int(year))

    # -- credits -----------------------------------------------------------

    def take_credit(self, name: str):
        name = simplify(name.strip())
        if name and name not in self.credits:
            self.credits.append(name)

    def credit_line(self, line: _Text) -> bool:
        for pattern in _CREDIT_LINE:
            m = pattern.fullmatch(line.text)
            # 图：活动现场。 is a caption, not a credit
            if m and m.group("c").strip() and not re.search("[。，,；;！？!?]", m.group("c")):
                self.take_credit(m.group("c"))
                self._remove("credit", line.text, line.offset(0))
                return True
        return False

    def inline_credits(self, line: _Text) -> _Text:
        changed = True
        while changed:
            changed = False
            for index, pattern in enumerate(_CREDIT_INLINE):
                for m in pattern.finditer(line.text):
                    if not _credit_ok(m.group("c"), index):
                        continue
                    self.take_credit(m.group("c"))
                    self._remove(
                        "credit", m.group(0), line.offset(m.start()), line.text[: m.start()]
                    )
                    line = line.cut(m.start(), m.end())
                    changed = True
                    break
                if changed:
                    break
        return line.strip(_BLANK)

    # -- mojibake ----------------------------------------------------------

    def mojibake(self, line: _Text) -> _Text:
        if self.repair:
            for island, fixed in KNOWN_MOJIBAKE.items():
                start = line.text.find(island)
                while start != -1:
                    shown = simplify(fixed)
                    self._flag(
                        "mojibake",
                        island,
                        f"疑似乱码（编码错误）“{island}”，已按已知乱码对照表改为“{shown}”，"
                        "请对照原文核实。",
                        line.offset(start),
                        line.text[:start],
                        replacement=shown,
                    )
                    line = line.replace_span(start, start + len(island), fixed)
                    start = line.text.find(island, start + len(fixed))
        for start, end in find_mojibake(line.text):
            island = line.text[start:end]
            self._flag(
                "mojibake",
                island,
                f"疑似乱码（编码错误）“{island}”，无法自动修复，未删除，请对照原文改正。",
                line.offset(start),
                line.text[:start],
            )
        return line

    # -- the whole text ----------------------------------------------------

    def run(self, lines: list[_Text]):
        r = self.result
        title_line: _Text | None = None
        title_norm = ""
        if self.title_hint:
            # The title as it will read: without its pinyin (recorded when its line comes).
            quiet = _Cleaner(import_date=None, repair_known_mojibake=False)
            self.title_hint = quiet.strip_pinyin(_Text.at(self.title_hint, 0)).text.strip()
        hint_norm = _norm_title(self.title_hint) if self.title_hint else ""
        hint_seen = False
        body: list[_Text] = []
        for raw_line in lines:
            line = self.strip_pinyin(raw_line).strip(_BLANK)
            if not line.text:
                continue
            simple = to_simplified(line.text)
            header = not body
            kind = next((k for k, p in _CHROME if p.fullmatch(simple)), None)
            if kind:
                self._remove(kind, line.text, line.offset(0))
                continue
            fields = self.parse_meta(simple, header)
            if fields:
                self.take_meta(fields)
                self._remove("meta", line.text, line.offset(0))
                continue
            if self.credit_line(line):
                continue
            norm = _norm_title(line.text)
            if hint_norm and norm == hint_norm and not hint_seen:
                hint_seen = True
                continue
            if title_line is None and not hint_norm and header and _title_like(simple):
                title_line, title_norm = self.mojibake(line), norm
                self.emitted += title_line.text + "\n"
                continue
            if norm and norm in (title_norm, hint_norm):
                self._remove("duplicate_title", line.text, line.offset(0))
                continue
            processed = self.body_line(line)
            if processed.text:
                body.append(processed)
        if title_line is not None and not body:
            # A lone short line is the body, not a title (its mojibake is checked).
            processed = self.body_line(title_line, check=False)
            if processed.text:
                body.append(processed)
            title_line = None
        if self.title_hint:
            r.title = simplify(self.title_hint)
            original_title_text = self.title_hint
        elif title_line is not None:
            r.title = simplify(title_line.text)
            original_title_text = title_line.text
        else:
            original_title_text = ""
        if not r.title:
            self._flag("title", "", "未找到标题，请填写标题。")
        paragraphs, originals = [], []
        for line in body:
            for a, b in split_long_line(line.text):
                piece = line.text[a:b].strip(_BLANK)
                if piece:
                    originals.append(piece)
                    paragraphs.append(simplify(piece))
        r.paragraphs = paragraphs
        r.was_traditional = any(
            to_simplified(t) != t for t in [original_title_text, *originals] if t
        )
        r.credit = "、".join(self.credits)

    def body_line(self, line: _Text, *, check: bool = True) -> _Text:
        line = self.inline_credits(line)
        if check:
            line = self.mojibake(line)
        self.emitted += line.text + "\n"
        return line

    # -- dates -------------------------------------------------------------

    def find_date(self, body_text: str):
        r = self.result
        if self.meta_dates:
            date, shown = self.meta_dates[0]
            r.published_on = date
            r.date_note = f"发布日期取自原文页面上的时间“{shown}”。"
            r.date_from_page = True
            return
        url_date = _URL_DATE.search(r.source_url or "")
        if url_date:
            date = _make_date(url_date["y"], url_date["m"], url_date["d"])
            if date:
                r.published_on = date
                r.date_note = f"发布日期取自原文网址中的“{url_date.group(0)}”，请核对。"
                return
        full = _DATE_FULL.search(body_text)
        month_day = _DATE_MD.search(body_text)
        if full and (not month_day or full.start() <= month_day.start()):
            date = _make_date(full["y"], full["m"], full["d"])
            if date:
                r.published_on = date
                r.date_note = (
                    f"原文没有发布时间；建议的日期取自正文中的“{full.group(0).strip()}”，"
                    "这可能是事件日期而非发布日期，请核对。"
                )
                return
        if month_day:
            month, day = int(month_day["m"]), int(month_day["d"])
            shown = month_day.group(0)
            year, origin = None, ""
            url_year = _URL_YEAR.search(r.source_url or "")
            if self.meta_years:
                year, origin = self.meta_years[0], "原文页面"
            elif url_year:
                year, origin = int(url_year.group(1)), "原文网址"
            elif _YEAR.search(body_text):
                year, origin = int(_YEAR.search(body_text).group(1)), "正文中的年份"
            elif self.import_date:
                year, origin = self.import_date.year, "导入日期"
                date = _make_date(year, month, day)
                if date and date > self.import_date:
                    year -= 1
                    origin = "导入日期的上一年（按导入年份会是将来的日期）"
            if year is None:
                r.date_note = f"正文中的日期“{shown}”没有年份，无法确定发布日期，请填写。"
                return
            date = _make_date(year, month, day)
            if date is None:
                r.date_note = f"正文中的日期“{shown}”不是有效日期，请填写发布日期。"
                return
            r.published_on = date
            r.date_note = (
                f"原文没有发布时间；建议的日期取自正文中的“{shown}”，没有年份，"
                f"年份（{year}年）取自{origin}。这可能是事件日期而非发布日期，请核对。"
            )
            return
        r.date_note = "原文中没有找到日期，请填写发布时间。"


def _make_date(y, m, d) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


# Mojibake markers, each (pattern, kind): kind "strong" alone makes an island;
# otherwise an island needs two different weak kinds within a few characters.
_TONED_RUN = rf"[{_LOWER}]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][{_LOWER}]*"
_MOJIBAKE_MARKERS = [
    (re.compile("\ufffd"), "strong"),
    (re.compile(rf"[?？](?=[{_LOWER}])"), "strong"),
    # a pinyin syllable closing a parenthesis that never opened: qū)
    (re.compile(rf"(?<![(（{_LETTERS}]){_TONED_RUN}[)）]"), "strong"),
    # pinyin annotating something that is not a Han character: I(yè)
    (re.compile(rf"[^\s{_HAN_CLASS}()（）][(（]{_TONED_RUN}[)）]"), "annotation"),
    (re.compile(rf"(?<=[{_HAN_CLASS}])[<>]|[<>](?=[{_HAN_CLASS}])"), "ascii"),
    (
        re.compile(
            rf"(?<=[{_HAN_CLASS}{_LETTERS}])[\u2460-\u24ff\u2776-\u2793\u3220-\u325f\u3280-\u32bf]"
            rf"|[\u2460-\u24ff\u2776-\u2793\u3220-\u325f\u3280-\u32bf](?=[{_HAN_CLASS}{_LETTERS}])"
        ),
        "enclosed",
    ),
    (re.compile(rf"(?<=[{_HAN_CLASS}])[A-Z](?=[(（{_HAN_CLASS}])"), "capital"),
    (re.compile(rf"(?<=[{_HAN_CLASS}])[?？](?=[{_HAN_CLASS}])"), "question"),
]
_MOJIBAKE_GAP = 3


@cache
def _rare(char: str) -> bool:
    """A Han character outside GB2312 even after t2s: common in mojibake, rare in news."""
    try:
        to_simplified(char).encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def find_mojibake(text: str) -> list[tuple[int, int]]:
    """Spans of text that look like mojibake (bytes decoded with the wrong encoding)."""
    markers = []
    for pattern, kind in _MOJIBAKE_MARKERS:
        for m in pattern.finditer(text):
            markers.append((m.start(), m.end(), kind))
    if not markers:
        return []
    for m in _HAN.finditer(text):
        if _rare(m.group(0)):
            markers.append((m.start(), m.end(), "rare"))
    markers.sort()
    islands, group = [], [markers[0]]
    for marker in markers[1:]:
        if marker[0] - max(end for _s, end, _k in group) <= _MOJIBAKE_GAP:
            group.append(marker)
        else:
            islands.append(group)
            group = [marker]
    islands.append(group)
    spans = []
    for group in islands:
        kinds = {k for _s, _e, k in group}
        if "strong" in kinds or len(kinds) >= 2:
            spans.append((min(s for s, _e, _k in group), max(e for _s, e, _k in group)))
    return spans


def _html_lines(raw: str) -> tuple[list[str], _HTMLText]:
    parser = _HTMLText()
    parser.feed(raw)
    parser.close()
    return parser.lines, parser


def _title_from_html(parser: _HTMLText) -> str:
    h1 = re.sub(r"\s+", " ", parser.h1).strip()
    if h1:
        return h1
    title = re.sub(r"\s+", " ", parser.title).strip()
    if not title:
        return ""
    return re.split(r"\s*(?:[_|｜]|\s[-–—]\s|——)\s*", title)[0].strip()


def clean(
    raw: str,
    *,
    is_html: bool | None = None,
    import_date: dt.date | None = None,
    repair_known_mojibake: bool = True,
) -> CleanResult:
    """Clean a reprinted article given as plain text or HTML.

    ``is_html=None`` guesses from the text. ``import_date`` supplies the year of
    a date written without one (and the date_note says so). With
    ``repair_known_mojibake`` the islands of ``KNOWN_MOJIBAKE`` are replaced
    (and flagged); other mojibake is flagged and left in place.
    """
    raw = raw or ""
    cleaner = _Cleaner(import_date=import_date, repair_known_mojibake=repair_known_mojibake)
    result = cleaner.result
    result.original = raw
    if is_html is None:
        is_html = looks_like_html(raw)
    if is_html:
        lines, parser = _html_lines(raw)
        source_text = "\n".join(lines)
        cleaner.title_hint = _title_from_html(parser)
        for kind, text in parser.dropped:
            result.removals.append(Removal(kind, text, "", None))
        meta_url = parser.meta.get("og:url") or parser.meta.get("canonical") or ""
        published = next(
            (
                parser.meta[k]
                for k in ("article:published_time", "pubdate", "publishdate", "publish_date")
                if k in parser.meta
            ),
            "",
        )
    else:
        source_text = raw.replace("\r\n", "\n").replace("\r", "\n")
        meta_url, published = "", ""
    result.source_text = source_text
    lines, offset = [], 0
    for line in source_text.split("\n"):
        lines.append(_Text.at(line, offset))
        offset += len(line) + 1
    cleaner.run(lines)
    if meta_url.startswith(("http://", "https://")) and not result.source_url:
        result.source_url = meta_url
    if published:
        found = _DATE_FULL.search(published)
        if found and (date := _make_date(found["y"], found["m"], found["d"])):
            cleaner.meta_dates.insert(0, (date, published))
    cleaner.find_date("\n".join(result.paragraphs))
    return result
