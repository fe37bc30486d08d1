"""Mojibake: bytes decoded with the wrong encoding, flagged and never silently dropped.

An island of mojibake is where markers cluster: a replacement character, a
question mark before lower-case letters, pinyin closing a bracket that never
opened, or two different weaker signs within a few characters (pinyin after
something that is not a Han character, ``<`` or ``>`` against Han
characters, circled numbers, a lone capital or ``?`` between Han characters,
Han characters outside GB2312). Known islands (``KNOWN_MOJIBAKE``) can be
repaired; every island is flagged for the editor.
"""

from __future__ import annotations

import re
from functools import cache

from articles.text import HAN_CLASS, is_han, to_simplified

from .phrases import simplify
from .pinyin import LETTERS
from .results import Notes
from .textspans import Text

#: Mojibake islands seen in reprints, with what they were. Only an exact match
#: is replaced, and always with a flag: the editor checks it against the source.
#: ``?qū)<摇⑵髽I(yè)`` is 專家、企業 whose GBK bytes were cut one byte off (業 is
#: 98 49, read as 髽 + "I") and annotated with pinyin on the way (Shangrao sample).
KNOWN_MOJIBAKE = {
    "?qū)<摇⑵髽I(yè)": "專家、企業",
}

_LOWER = "a-z\u00df-\u00ff\u0100-\u024f"  # good enough to spot pinyin-like runs
_TONED_RUN = rf"[{_LOWER}]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][{_LOWER}]*"
_ENCLOSED = r"\u2460-\u24ff\u2776-\u2793\u3220-\u325f\u3280-\u32bf"  # ①, ❶, ㈠, ㊀ …
# Mojibake markers, each (pattern, kind): kind "strong" alone makes an island;
# otherwise an island needs two different weak kinds within a few characters.
_MARKERS = [
    (re.compile("\ufffd"), "strong"),
    (re.compile(rf"[?？](?=[{_LOWER}])"), "strong"),
    # a pinyin syllable closing a parenthesis that never opened: qū)
    (re.compile(rf"(?<![(（{LETTERS}]){_TONED_RUN}[)）]"), "strong"),
    # pinyin annotating something that is not a Han character: I(yè)
    (re.compile(rf"[^\s{HAN_CLASS}()（）][(（]{_TONED_RUN}[)）]"), "annotation"),
    (re.compile(rf"(?<=[{HAN_CLASS}])[<>]|[<>](?=[{HAN_CLASS}])"), "ascii"),
    (
        re.compile(
            rf"(?<=[{HAN_CLASS}{LETTERS}])[{_ENCLOSED}]|[{_ENCLOSED}](?=[{HAN_CLASS}{LETTERS}])"
        ),
        "enclosed",
    ),
    (re.compile(rf"(?<=[{HAN_CLASS}])[A-Z](?=[(（{HAN_CLASS}])"), "capital"),
    (re.compile(rf"(?<=[{HAN_CLASS}])[?？](?=[{HAN_CLASS}])"), "question"),
]
#: Markers at most this many characters apart belong to one island.
_GAP = 3


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
    for pattern, kind in _MARKERS:
        for m in pattern.finditer(text):
            markers.append((m.start(), m.end(), kind))
    if not markers:
        return []
    for i, char in enumerate(text):
        if is_han(char) and _rare(char):
            markers.append((i, i + 1, "rare"))
    markers.sort()
    islands, group = [], [markers[0]]
    for marker in markers[1:]:
        if marker[0] - max(end for _s, end, _k in group) <= _GAP:
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


class MojibakeCheck:
    """Flags the mojibake of each line; with ``repair``, replaces the known islands."""

    def __init__(self, notes: Notes, *, repair: bool):
        self.notes = notes
        self.repair = repair

    def check(self, line: Text) -> Text:
        if self.repair:
            line = self._repair_known(line)
        for start, end in find_mojibake(line.text):
            island = line.text[start:end]
            self.notes.flag(
                "mojibake",
                island,
                f"疑似乱码（编码错误）“{island}”，无法自动修复，未删除，请对照原文改正。",
                line.offset(start),
                line.text[:start],
            )
        return line

    def _repair_known(self, line: Text) -> Text:
        for island, fixed in KNOWN_MOJIBAKE.items():
            start = line.text.find(island)
            while start != -1:
                shown = simplify(fixed)
                self.notes.flag(
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
        return line
