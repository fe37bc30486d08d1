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
