"""Traditional to simplified: OpenCC ``t2s``, then the phrase overrides of ``phrases.txt``.

``t2s`` keeps 著 wherever 著 is also a simplified character, so 著力 stays 著力
where mainland usage writes 着力. ``phrases.txt`` lists such fixes, one
``source target`` pair a line (same length), and words they must not touch, one
word alone on a line.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from articles.text import to_simplified

PHRASES_FILE = Path(__file__).with_name("phrases.txt")


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


@cache
def _sources() -> re.Pattern | None:
    """Where a replacement may start: any phrases.txt source, longest first."""
    replacements = load_phrases()[0]
    if not replacements:
        return None
    return re.compile("|".join(map(re.escape, sorted(replacements, key=len, reverse=True))))


def apply_phrases(text: str) -> str:
    """Replace phrases.txt sources by targets, longest first, never inside a protected word."""
    replacements, protected = load_phrases()
    sources = _sources()
    if not text or sources is None:
        return text
    found = sources.search(text)
    if found is None:
        return text
    blocked = bytearray(len(text))
    for word in protected:
        start = text.find(word)
        while start != -1:
            blocked[start : start + len(word)] = b"\x01" * len(word)
            start = text.find(word, start + 1)
    lengths = sorted({len(k) for k in replacements}, reverse=True)
    out, done = [], 0
    while found is not None:
        i = found.start()
        out.append(text[done:i])
        for length in lengths:
            piece = text[i : i + length]
            if piece in replacements and not any(blocked[i : i + length]):
                out.append(replacements[piece])
                done = i + length
                break
        else:
            out.append(text[i])
            done = i + 1
        found = sources.search(text, done)
    out.append(text[done:])
    return "".join(out)


def simplify(text: str) -> str:
    """OpenCC t2s plus the phrase overrides: how every cleaned string ends."""
    return apply_phrases(to_simplified(text))


@cache
def override_variants() -> dict[str, frozenset[str]]:
    """Characters the phrase overrides swap (著/着), both ways."""
    variants: dict[str, set[str]] = {}
    for source, target in load_phrases()[0].items():
        for a, b in zip(source, target, strict=True):
            if a != b:
                variants.setdefault(a, set()).add(b)
                variants.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in variants.items()}
