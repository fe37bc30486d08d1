"""Pinyin annotations: ``會(huì)`` loses its ``(huì)``, ``全国(AI)`` keeps its ``(AI)``.

A parenthesised Latin run is removed only where it spells the reading of the
1 to ``MAX_ANNOTATED`` Han characters just before it (pypinyin, with
heteronyms; tone marks, tone numbers, neutral tones, spaced forms, full-width
brackets, decomposed tone marks, ``ü`` written ``v``). The check runs on the
original characters (pypinyin reads traditional ones too), before t2s.
Capitalised and ALL-CAPS runs, numbers and anything that is not pinyin stay;
what looks like pinyin but cannot be verified stays too, with a flag.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from itertools import chain

from pypinyin import Style, pinyin

from articles.text import HAN_CLASS, han_chars, to_simplified

from .phrases import override_variants
from .results import Notes
from .textspans import Text

#: How many Han characters before a parenthesis an annotation may spell.
MAX_ANNOTATED = 8
#: Latin letters, accented ones included, for patterns of pinyin-like runs.
LETTERS = "a-zA-Z\u00c0-\u024f\u1e00-\u1eff"
_TONE_MARKS = "\u0300\u0301\u0304\u030c"  # grave, acute, macron, caron

REMOVE, FLAG, KEEP = "remove", "flag", "keep"

_ANNOTATION = re.compile(r"[(（]([^()（）\n]{1,64})[)）]")
_LATINISH = re.compile(rf"[{LETTERS}\u0300-\u036f0-9 '’\-·.]+")
_HAS_LETTER = re.compile(f"[{LETTERS}]")
#: The Han characters at the end of a text (up to MAX_ANNOTATED of them, searched there).
_HAN_RUN = re.compile(f"[{HAN_CLASS}]+\\Z")


def _strip_tones(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if c not in _TONE_MARKS and not c.isdigit())
    )


def _has_tone(text: str) -> bool:
    decomposed = unicodedata.normalize("NFD", text)
    return any(c in _TONE_MARKS for c in decomposed) or bool(re.search(r"[a-zü][1-5]", text))


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
    chars |= override_variants().get(char, frozenset())
    toned: set[str] = set()
    for c in chars:
        for style in (Style.TONE, Style.TONE3):
            for reading in pinyin(c, style=style, heteronym=True, neutral_tone_with_five=True)[0]:
                if reading == c or han_chars(reading):
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
    without tones: only used to flag, never to remove), "phrase" (without tones,
    any reading the character has in a word of pypinyin's phrase dictionary as
    well: what ``_phrase_reading`` could give, so a cheap test before it).
    """
    if len(annotation) < len(chars) or len(annotation) > 7 * len(chars):
        return False
    positions = {0}
    for char in chars:
        toned, toneless = _readings(char)
        if mode == "phrase":
            candidates = toneless | _in_phrases().get(char, frozenset())
        else:
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


@lru_cache(maxsize=4096)  # keyed by text from the page: bounded
def _phrase_reading(chars: str) -> str:
    return _norm_pinyin("".join(s[0] for s in pinyin(chars, style=Style.TONE)))


@cache
def _in_phrases() -> dict[str, frozenset[str]]:
    """Per character, the readings (without tones) it has in the words of pypinyin's
    phrase dictionary, some of which its own entry lacks (乐亭 làotíng)."""
    from pypinyin.phrases_dict import phrases_dict  # noqa: PLC0415 - large, needed rarely

    toneless = cache(lambda reading: _strip_tones(_norm_pinyin(reading)))
    found: dict[str, set[str]] = {}
    for phrase, readings in phrases_dict.items():
        for char, options in zip(phrase, readings, strict=False):
            found.setdefault(char, set()).update(toneless(r) for r in options)
    return {char: frozenset(r) for char, r in found.items()}


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


def judge_annotation(content: str, before: str) -> tuple[str, str]:
    """What to do with ``(content)`` following the text ``before``: (verdict, message).

    ``remove`` when ``content`` is lower-case pinyin spelling the reading of
    1 to 8 Han characters at the end of ``before``; ``flag`` when it looks like
    pinyin but that cannot be verified; else ``keep``.
    """
    if not _LATINISH.fullmatch(content) or not _HAS_LETTER.search(content):
        return KEEP, ""
    run = _HAN_RUN.search(before, max(0, len(before) - MAX_ANNOTATED))
    return _judge(content, run.group() if run else "")


@lru_cache(maxsize=8192)  # keyed by text from the page: bounded
def _judge(content: str, run: str) -> tuple[str, str]:
    """``judge_annotation`` of ``(content)`` after the Han characters ``run``."""
    annotation = _norm_pinyin(content)
    lower = content == content.lower()
    toned = _has_tone(annotation)
    if lower and run:
        mode = "lenient" if toned else "strict"
        bare = _strip_tones(annotation)
        for k in range(1, len(run) + 1):
            chars = run[-k:]
            if _spells(annotation, chars, mode) or (
                # pypinyin's reading of the word costs ~50 µs: only where it could match
                _spells(bare, chars, "phrase") and _phrase_reading(chars) == annotation
            ):
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


def strip_pinyin(line: Text, notes: Notes) -> Text:
    """``line`` without the annotations ``judge_annotation`` removes; each removal and
    flag is recorded in ``notes``."""
    text = line.text
    if "(" not in text and "（" not in text:
        return line
    removed: list[tuple[int, int]] = []
    # The cleaned text before each annotation: removing one annotation may bring the
    # next one (中国(zhōngguó)(zhōngguó)) next to the characters it spells. ``tail`` is
    # the cleaned text up to ``done``, the end of the last removal; after it the
    # cleaned text is the line as written.
    tail, done, width = "", 0, 2 * MAX_ANNOTATED
    for m in _ANNOTATION.finditer(text):
        before = (tail + text[max(done, m.start() - width) : m.start()])[-width:]
        verdict, message = judge_annotation(m.group(1), before)
        if verdict == REMOVE:
            notes.remove("pinyin", m.group(0), line.offset(m.start()), before)
            removed.append((m.start(), m.end()))
            tail, done = before, m.end()
        elif verdict == FLAG:
            notes.flag("pinyin", m.group(0), message, line.offset(m.start()), before)
    if not removed:
        return line
    spans, last = [], 0
    for start, end in removed:
        spans.append((last, start))
        last = end
    spans.append((last, len(text)))
    kept = "".join(text[a:b] for a, b in spans)
    return Text(kept, list(chain.from_iterable(line.pos[a:b] for a, b in spans)))
