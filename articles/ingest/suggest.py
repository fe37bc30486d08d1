"""Which known names (places, organisations, events) a cleaned text mentions.

Plain substring search, longest names first, so that a longer name consumes
its span: in 上饶师范学院 the university matches and 上饶 does not also count
there. O(len(text) × number of names) with ``str.find``; no segmenter (jieba
costs about 190 MB per process and must never load in web workers).

Decisions:

- Overlaps: an occurrence is counted only where none of its characters is
  already taken by a longer name. A shorter name next to a longer one still
  counts: in 浙江省光学学会临海服务站 with only 浙江省光学学会 and 临海 known,
  both match (the service station *is* in 临海). To stop that, pass the
  compound name with the key ``None``: it consumes its span and is left out of
  the result, e.g. ``(None, ["浙江省光学学会临海服务站"])``.
- Equal lengths: the candidate listed first wins a contested span.
- Latin names (``AI``, ``CIOE``) match whole words only, ignoring ASCII case;
  Han names match anywhere.
- Names shorter than ``min_length`` (default 2) are ignored: one character is
  no evidence.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_WORD = re.compile(r"[0-9A-Za-z]")


@dataclass(frozen=True)
class Match:
    key: Hashable
    #: the name found first in the text (the longest name, where they overlap)
    name: str
    #: occurrences of all the key's names, not counting spans taken by longer names
    count: int
    #: offset of the first occurrence in the text
    first_position: int
    #: every name of the key that occurred, longest first
    names: tuple[str, ...] = ()


def _fold(text: str) -> str:
    """ASCII case folded; same length, so offsets stay valid."""
    return text.translate(_ASCII_LOWER)


def _whole_word(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return not (_WORD.match(before or " ") or _WORD.match(after or " "))


def match_names(
    text: str,
    candidates: Iterable[tuple[Hashable, Iterable[str]]],
    *,
    order: str = "position",
    min_length: int = 2,
) -> list[Match]:
    """The candidates whose names occur in ``text``.

    ``candidates`` is a list of ``(key, names)``; names are a name and its
    aliases. Returns one ``Match`` per key found, sorted by first position
    (``order="position"``) or by count, most first (``order="count"``).
    """
    folded = _fold(text or "")
    pairs = []
    for rank, (key, names) in enumerate(candidates):
        for name in dict.fromkeys(n.strip() for n in names if n and n.strip()):
            if len(name) >= min_length:
                pairs.append((name, rank, key))
    # Longest first; among equals the candidate listed first.
    pairs.sort(key=lambda p: (-len(p[0]), p[1]))

    taken = bytearray(len(folded))
    found: dict = {}
    for name, rank, key in pairs:
        needle = _fold(name)
        latin = bool(_WORD.match(needle[0]) or _WORD.match(needle[-1]))
        start = folded.find(needle)
        while start != -1:
            end = start + len(needle)
            if not any(taken[start:end]) and (not latin or _whole_word(folded, start, end)):
                taken[start:end] = b"\x01" * (end - start)
                if key is not None:
                    entry = found.setdefault(key, {"rank": rank, "hits": []})
                    entry["hits"].append((start, name))
                start = folded.find(needle, end)
            else:
                start = folded.find(needle, start + 1)

    matches = []
    for key, entry in found.items():
        hits = sorted(entry["hits"])
        names = tuple(sorted({n for _p, n in hits}, key=lambda n: (-len(n), n)))
        matches.append(Match(key, hits[0][1], len(hits), hits[0][0], names))
    if order == "count":
        matches.sort(key=lambda m: (-m.count, m.first_position))
    else:
        matches.sort(key=lambda m: (m.first_position, -m.count))
    return matches
