"""Clean a reprinted article: pinyin junk, page chrome, traditional characters.

Pure text work: no database and no Django settings, so it runs anywhere
(admin view, management command, tests). ``clean()`` turns raw text or HTML
into a ``CleanResult``: the title, the body paragraphs in simplified Chinese,
what was removed (each ``Removal`` with a little context so an editor can
find it), the credit, date, source and URL it found, and ``Flag``s for what it
could not clean with confidence. It never drops text silently: whatever
leaves the body is either a recorded removal or moved to a field.

This module is the pipeline; each step lives with its concern. Line by line:
pinyin annotations (``pinyin``), page chrome (``chrome``), meta lines
(``meta``), credit lines (``credits``), the title and its repeats
(``titles``); what is left is body, without its inline credits, checked for
mojibake (``mojibake``). Then long lines are split into paragraphs
(``textspans``), everything is simplified (``phrases``), ASCII punctuation in
Chinese is made full-width (``typography``) and a publication date is suggested
(``dates``). The rules are described in
``docs/import-cleaning.md``.
"""

from __future__ import annotations

import datetime as dt
import re

from articles.text import to_simplified

from .chrome import take_chrome_line
from .credits import Credits
from .dates import find_date
from .htmltext import looks_like_html, read_html
from .limits import shown
from .meta import MetaLines, take_url
from .mojibake import MojibakeCheck
from .phrases import apply_phrases
from .pinyin import strip_pinyin
from .results import CleanResult, Notes
from .textspans import BLANK, Text, paragraphs_of, text_lines
from .titles import Titles
from .typography import punctuate

__all__ = ["clean"]


class _Cleaner:
    """The steps for one text, each keeping what it found, and the body lines kept."""

    def __init__(self, result: CleanResult, *, repair_known_mojibake: bool, title_hint: str):
        self.notes = Notes(result)
        self.meta = MetaLines(self.notes)
        self.credits = Credits(self.notes)
        self.mojibake = MojibakeCheck(self.notes, repair=repair_known_mojibake)
        if title_hint:
            # The title as it will read: without its pinyin (recorded when its line comes).
            title_hint = strip_pinyin(Text.at(title_hint, 0), Notes()).text.strip()
        self.titles = Titles(self.notes, self.mojibake, hint=title_hint)
        self.body: list[Text] = []

    def read(self, raw_line: Text) -> None:
        line = strip_pinyin(raw_line, self.notes).strip(BLANK)
        if not line.text:
            return
        simple = to_simplified(line.text)
        header = not self.body
        taken = (
            take_chrome_line(line, simple, self.notes)
            or self.meta.take_line(line, simple, header=header)
            or self.credits.take_line(line)
            or self.titles.take_line(line, simple, header=header)
        )
        if not taken:
            self.keep(line)

    def keep(self, line: Text, *, check: bool = True) -> None:
        """A body line: its inline credits out, its mojibake checked."""
        line = self.credits.strip_inline(line)
        if check:
            line = self.mojibake.check(line)
        self.notes.emit(line.text)
        if line.text:
            self.body.append(line)

    def finish(self) -> None:
        result = self.notes.result
        if self.titles.line is not None and not self.body:
            # A lone short line is the body, not a title (its mojibake was checked).
            self.keep(self.titles.take_back(), check=False)
        raw_title = self.titles.raw
        originals = [piece for line in self.body for piece in paragraphs_of(line.text)]
        simple = _simplified_all([raw_title, *originals])
        result.title = apply_phrases(simple[0])
        if not result.title:
            self.notes.flag("title", "", "未找到标题，请填写标题。")
        result.paragraphs = [apply_phrases(piece) for piece in simple[1:]]
        pairs = zip(simple, [raw_title, *originals], strict=True)
        result.was_traditional = any(s != t for s, t in pairs)
        result.credit = self.credits.joined()


def _simplified_all(texts: list[str]) -> list[str]:
    """``to_simplified`` of each text (none holds a newline), in one call to OpenCC."""
    simple = to_simplified("\n".join(texts)).split("\n")
    return simple if len(simple) == len(texts) else [to_simplified(t) for t in texts]


def clean(
    raw: str,
    *,
    is_html: bool | None = None,
    import_date: dt.date | None = None,
    repair_known_mojibake: bool = True,
    date_range: tuple[dt.date, dt.date] | None = None,
) -> CleanResult:
    """Clean a reprinted article given as plain text or HTML.

    ``is_html=None`` guesses from the text. ``import_date`` supplies the year of
    a date written without one (and the date_note says so). With
    ``repair_known_mojibake`` the islands of ``mojibake.KNOWN_MOJIBAKE`` are replaced
    (and flagged); other mojibake is flagged and left in place. A date outside
    ``date_range`` (first and last day allowed) is not suggested; the note says why.

    Every step is linear in the length of the text, whatever its shape (see
    bench/cleaning.py).
    """
    raw = raw or ""
    result = CleanResult(original=raw)
    # Lone surrogates cannot be encoded (OpenCC would fail): shown as U+FFFD, a
    # mojibake marker, so the editor is told.
    text = _SURROGATE.sub("\ufffd", raw)
    if is_html is None:
        is_html = looks_like_html(text)
    page = read_html(text) if is_html else None
    result.is_html = page is not None
    if page is not None:
        result.source_text = page.text
    else:
        result.source_text = text.replace("\r\n", "\n").replace("\r", "\n")

    cleaner = _Cleaner(
        result,
        repair_known_mojibake=repair_known_mojibake,
        title_hint=page.title if page is not None else "",
    )
    if page is not None:
        for kind, dropped in page.dropped:
            cleaner.notes.remove(kind, dropped, None)
        if page.unterminated and len(page.unterminated[1]) > UNTERMINATED_SHOWN:
            _flag_unterminated(cleaner.notes, *page.unterminated)
    for line in text_lines(result.source_text):
        cleaner.read(line)
    cleaner.finish()
    punctuate(result)

    if page is not None:
        # What the page's tags say comes after its text: a link in the text wins,
        # a publication time in the tags comes first.
        if page.url.startswith(("http://", "https://")):
            take_url(cleaner.notes, page.url)
        cleaner.meta.take_page_date(page.published)
    guess = find_date(
        result.text,
        stated=cleaner.meta.dates,
        years=cleaner.meta.years,
        source_url=result.source_url,
        import_date=import_date,
        date_range=date_range,
    )
    result.published_on, result.date_note, result.date_from_page = guess
    return result


_SURROGATE = re.compile("[\ud800-\udfff]")
#: An unterminated tag or comment taking more than this many characters is flagged.
UNTERMINATED_SHOWN = 100


def _flag_unterminated(notes: Notes, position: int, rest: str) -> None:
    notes.flag(
        "html",
        shown(rest),
        f"HTML 第 {position + 1:,} 个字符处的标签、注释或声明没有结束，其后的 {len(rest):,} 个字符"
        "（到页面末尾）按 HTML 的规则不是正文，未读取，请对照原文。",
    )
