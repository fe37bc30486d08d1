"""Dates: the patterns, and the publication date the cleaner suggests (with a note why).

The page's own time (an HTML meta tag or a 发布时间 line) is used as it is.
Failing that the date is a guess, and the note asks the editor to check it:
a date in the source URL, else the first date in the body, whose year, when
it has none (6月20日), comes from the page, the URL, the body or the import
day (the year before, if the import year would put it in the future).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

DATE_FULL = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?!\d)\s*日?"
)
TIME = re.compile(r"(?<!\d)\d{1,2}[:：]\d{2}(?:[:：]\d{2})?(?!\d)")
YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
#: A line that is only a date (and time, and weekday): 2025-06-21 09:30 星期六
DATE_LINE = re.compile(
    DATE_FULL.pattern + r"(?:\s*" + TIME.pattern + r")?(?:\s*(?:星期|周)[一二三四五六日天])?"
)
_DATE_MD = re.compile(r"(?<![\d年./\-])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_URL_DATE = re.compile(r"(?<!\d)(?P<y>20\d{2})[-/_]?(?P<m>[01]\d)[-/_]?(?P<d>[0-3]\d)(?!\d)")
_URL_YEAR = re.compile(r"(?<!\d)(20\d{2})(?!\d)")


def make_date(y, m, d) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def full_date(text: str) -> tuple[dt.date, str] | None:
    """The first full date in ``text``, and how it was written, if it is a valid date."""
    found = DATE_FULL.search(text)
    if found and (date := make_date(found["y"], found["m"], found["d"])):
        return date, found.group(0).strip()
    return None


class DateGuess(NamedTuple):
    published_on: dt.date | None
    note: str
    #: the date is the page's own publication time: nothing to check
    from_page: bool = False


def find_date(
    body_text: str,
    *,
    stated: list[tuple[dt.date, str]],
    years: list[int],
    source_url: str,
    import_date: dt.date | None,
    date_range: tuple[dt.date, dt.date] | None = None,
) -> DateGuess:
    """The publication date to suggest for a story.

    ``stated``: the dates the page states (date, as written), the first one wins;
    ``years``: years written in its meta lines, for a date in the body without one.
    A date outside ``date_range`` (the first and last day the site takes) is not
    suggested: no date, and the note says why.
    """
    guess = _guess(body_text, stated, years, source_url, import_date)
    if guess.published_on and date_range:
        first, last = date_range
        if not first <= guess.published_on <= last:
            return DateGuess(
                None,
                f"原文中的日期（{guess.published_on:%Y-%m-%d}）不在本站允许的范围内"
                f"（{first:%Y-%m-%d} 至 {last:%Y-%m-%d}），未采用，请填写发布时间。",
            )
    return guess


def _guess(body_text, stated, years, source_url, import_date) -> DateGuess:
    if stated:
        date, shown = stated[0]
        return DateGuess(date, f"发布日期取自原文页面上的时间“{shown}”。", from_page=True)
    url_date = _URL_DATE.search(source_url)
    if url_date:
        date = make_date(url_date["y"], url_date["m"], url_date["d"])
        if date:
            return DateGuess(date, f"发布日期取自原文网址中的“{url_date.group(0)}”，请核对。")
    full = DATE_FULL.search(body_text)
    month_day = _DATE_MD.search(body_text)
    if full and (not month_day or full.start() <= month_day.start()):
        date = make_date(full["y"], full["m"], full["d"])
        if date:
            return DateGuess(
                date,
                f"原文没有发布时间；建议的日期取自正文中的“{full.group(0).strip()}”，"
                "这可能是事件日期而非发布日期，请核对。",
            )
    if month_day:
        return _month_day(month_day, body_text, years, source_url, import_date)
    return DateGuess(None, "原文中没有找到日期，请填写发布时间。")


def _month_day(month_day, body_text, years, source_url, import_date) -> DateGuess:
    """A date in the body written without its year: the year from wherever it can be had."""
    month, day = int(month_day["m"]), int(month_day["d"])
    shown = month_day.group(0)
    year, origin = None, ""
    url_year = _URL_YEAR.search(source_url)
    if years:
        year, origin = years[0], "原文页面"
    elif url_year:
        year, origin = int(url_year.group(1)), "原文网址"
    elif YEAR.search(body_text):
        year, origin = int(YEAR.search(body_text).group(1)), "正文中的年份"
    elif import_date:
        year, origin = import_date.year, "导入日期"
        date = make_date(year, month, day)
        if date and date > import_date:
            year -= 1
            origin = "导入日期的上一年（按导入年份会是将来的日期）"
    if year is None:
        return DateGuess(None, f"正文中的日期“{shown}”没有年份，无法确定发布日期，请填写。")
    date = make_date(year, month, day)
    if date is None:
        return DateGuess(None, f"正文中的日期“{shown}”不是有效日期，请填写发布日期。")
    return DateGuess(
        date,
        f"原文没有发布时间；建议的日期取自正文中的“{shown}”，没有年份，"
        f"年份（{year}年）取自{origin}。这可能是事件日期而非发布日期，请核对。",
    )
