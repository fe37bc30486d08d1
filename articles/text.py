"""Chinese text helpers shared by models, search and the importer.

Kept free of database access so they can be used anywhere, including
migrations and management commands.
"""

import re
import unicodedata
from functools import cache

from pypinyin import Style, lazy_pinyin

#: Han characters, for a regular expression's character class: CJK unified ideographs,
#: extension A, compatibility ideographs, and extensions B to H (the supplementary planes,
#: where rare place and person names live). Search and import cleaning both use it.
HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN = re.compile(f"[{HAN_CLASS}]")


def is_han(char: str) -> bool:
    """Is ``char`` (one character) a Han character?"""
    return bool(_HAN.fullmatch(char))


def han_chars(text: str) -> list[str]:
    """The Han characters of ``text``, in order."""
    return _HAN.findall(text)


# Characters a pinyin syllable can contain once tone marks are stripped.
_SLUG_PART = re.compile(r"[a-z0-9]+")


@cache
def _t2s():
    import opencc  # noqa: PLC0415 - the C++ converter loads its tables once

    return opencc.OpenCC("t2s")


@cache
def _s2t():
    import opencc  # noqa: PLC0415

    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified to traditional for the reader toggle: s2t, not s2twp, so 激光 stays 激光."""
    return _s2t().convert(text) if text else text


def to_simplified(text: str) -> str:
    """Traditional to simplified Chinese (OpenCC t2s keeps mainland wording)."""
    return _t2s().convert(text) if text else text


def pinyin_slug(text: str, *, separator: str = "-", max_length: int = 80) -> str:
    """An ASCII slug for Chinese (or mixed) text.

    ``上饶`` gives ``shang-rao`` with the default separator, ``shangrao`` with
    ``separator=""``. Latin words and numbers are kept. Cut at a separator so a
    syllable is never split. Returns ``""`` only for text with no letters,
    digits or Han characters at all; callers fall back to something else.
    """
    text = unicodedata.normalize("NFKC", to_simplified(text or ""))
    parts = []
    for chunk in lazy_pinyin(text, style=Style.NORMAL, errors=lambda s: [s]):
        # lazy_pinyin gives one syllable per Han character and runs of other
        # text as they are; "ü" comes back as "v".
        parts.extend(_SLUG_PART.findall(chunk.lower()))
    if separator:
        slug = separator.join(parts)
    else:
        # Join the syllables of one word, keep a hyphen between Latin runs.
        slug = "-".join(_join_syllables(parts))
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut[:max_length]
    return slug.strip("-")


def _join_syllables(parts):
    word = ""
    for part in parts:
        if part.isdigit():
            if word:
                yield word
                word = ""
            yield part
        else:
            word += part
    if word:
        yield word


# --- Pinyin order ------------------------------------------------------------------------------
#
# Lists of names (organisations, places, topics) are ordered by a key computed here and
# stored beside the name (docs/ordering.md). The key is made of the characters 0-9 and
# a-z only, whose order is the same under SQLite's BINARY, PostgreSQL's "C" and any
# language collation (en_US, ICU), which would otherwise ignore punctuation and fold case
# differently. Three sections, each deciding only when the ones before it are equal:
#
# 1. the toneless reading, token by token: pinyin syllables of Han characters, Latin
#    words lowercased, digits (each written "2" + the digit, so numbers come before
#    letters); every token ends with "1", the section with "0". Those terminators sort
#    before every token character, so 西安 (xi an) comes before 先 (xian), as in a
#    dictionary, and a name comes before the longer names it begins;
# 2. the tones, one digit a token (1-4, 5 for the neutral tone, 0 for a Latin word or a
#    number): 台州 (tāi) before 泰州 (tài);
# 3. the name's code points, four base-36 digits each: different names never tie, and
#    within the Han block code-point order is radical and stroke order.

#: The longest key stored; a longer key is cut (names that long tie only with each other).
SORT_KEY_LENGTH = 255

#: Readings pypinyin's phrase data gets wrong for place names, or that its word splitting
#: misses (中国科学院长春… would read 院长 zhǎng). Matched first, longest first.
NAME_READINGS = {
    "长春": "chang2 chun1",
    "长治": "chang2 zhi4",
    "长垣": "chang2 yuan2",
    "长子": "zhang3 zi3",  # 长子县, Shanxi: the one place name that reads zhǎng
    "重庆": "chong2 qing4",
    "朝阳": "chao2 yang2",
    "六合": "lu4 he2",
    "天台": "tian1 tai1",
    "都昌": "du1 chang1",
}
_READING_PATTERN = re.compile("|".join(sorted(NAME_READINGS, key=len, reverse=True)))

#: A Han syllable in TONE3 style: letters, then the tone (5 for the neutral tone).
_SYLLABLE = re.compile(r"([a-z]+)([1-5])")
_LATIN_OR_DIGITS = re.compile(r"[a-z]+|[0-9]+")
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
#: Marks runs pypinyin has no reading for (Latin, digits, punctuation, unknown characters).
_NO_PINYIN = "\x00"


def _code_points(text):
    out = []
    for char in text:
        n, digits = ord(char), []
        for _ in range(4):  # 36**4 > 0x10FFFF: four digits hold every code point
            n, d = divmod(n, 36)
            digits.append(_BASE36[d])
        out.append("".join(reversed(digits)))
    return "".join(out)


def _segments(text):
    """``text`` cut around the names of NAME_READINGS: (text, reading or None)."""
    start = 0
    for match in _READING_PATTERN.finditer(text):
        if match.start() > start:
            yield text[start : match.start()], None
        yield match.group(), NAME_READINGS[match.group()]
        start = match.end()
    if start < len(text):
        yield text[start:], None


def _readings(text):
    """TONE3 syllables for Han characters, and runs of other text marked _NO_PINYIN."""
    for segment, reading in _segments(text):
        if reading:
            yield from reading.split()
            continue
        if segment.startswith("长") and not segment.startswith("长子"):
            # A name that begins with 长 is a place or a company named after one (长飞,
            # 长光): cháng, where pypinyin's word data often says zhǎng.
            yield "chang2"
            segment = segment[1:]
        if segment:
            yield from lazy_pinyin(
                segment,
                style=Style.TONE3,
                neutral_tone_with_five=True,
                errors=lambda chars: [_NO_PINYIN + chars],
            )


def _tokens(text):
    """(token, tone) pairs: a pinyin syllable and its tone, a Latin word or a number and 0."""
    for item in _readings(text):
        if not item.startswith(_NO_PINYIN):
            syllable = _SYLLABLE.fullmatch(item)
            if syllable:
                yield syllable.group(1), syllable.group(2)
            continue
        # Accents off (é gives e), then letters and digits; punctuation and characters of
        # no known reading are skipped, as a collation ignores them.
        plain = unicodedata.normalize("NFKD", item[1:].lower())
        plain = "".join(c for c in plain if not unicodedata.combining(c))
        for word in _LATIN_OR_DIGITS.findall(plain):
            yield (word if word.isalpha() else "".join("2" + d for d in word)), "0"


def sort_key(name: str, *, max_length: int = SORT_KEY_LENGTH) -> str:
    """The key that puts names in pinyin order by plain comparison, in any collation.

    ``东华大学`` gives ``dong1hua1da1xue10`` + ``1244`` + its code points; see the comment
    above for the three sections. Names beginning with Latin letters sort among the
    pinyin by their letters (``ABC光学`` next to ``安徽``), names beginning with a digit
    before all letters.
    """
    name = name or ""
    text = to_simplified(unicodedata.normalize("NFKC", name))
    tokens = list(_tokens(text))
    reading = "".join(f"{token}1" for token, _tone in tokens)
    tones = "".join(tone for _token, tone in tokens)
    return f"{reading}0{tones}{_code_points(name)}"[:max_length]


def sort_letter(key: str) -> str:
    """The letter a name is indexed under (``A``–``Z``) for its sort key; ``#`` for names
    that begin with a digit or have no reading."""
    first = key[:1]
    return first.upper() if "a" <= first <= "z" else "#"
