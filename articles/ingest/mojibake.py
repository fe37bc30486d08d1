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

from articles.text import HAN_CLASS, to_simplified

from .phrases import simplify
from .pinyin import LETTERS
from .results import CONTEXT, Notes, before
from .textspans import Text

#: Mojibake islands seen in reprints, with what they were. Only an exact match
#: is replaced, and always with a flag: the editor checks it against the source.
#: ``?qū)<摇⑵髽I(yè)`` is 專家、企業 whose GBK bytes were cut one byte off (業 is
#: 98 49, read as 髽 + "I") and annotated with pinyin on the way (Shangrao sample).
KNOWN_MOJIBAKE = {
    "?qū)<摇⑵髽I(yè)": "專家、企業",
}

_LOWER = "a-z\u00df-\u00ff\u0100-\u024f"  # good enough to spot pinyin-like runs
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# A run of lower-case letters with a tone mark, read once: the lookahead finds the mark,
# the possessive run never gives letters back (``[a-z]*[ā][a-z]*`` backtracks
# quadratically over a long run of marked letters).
_TONED_RUN = rf"(?=[{_LOWER}]*?[{_TONED}])[{_LOWER}]*+"
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
_ANY_MARKER = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _kind in _MARKERS))
#: A marker or a known island: a line without either needs no look.
_ANY_SIGN = re.compile(
    "|".join([_ANY_MARKER.pattern, *(re.escape(island) for island in KNOWN_MOJIBAKE)])
)
_HAN = re.compile(f"[{HAN_CLASS}]")
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
    if not _ANY_MARKER.search(text):
        return []
    markers = []
    for pattern, kind in _MARKERS:
        for m in pattern.finditer(text):
            markers.append((m.start(), m.end(), kind))
    if not markers:
        return []
    for m in _HAN.finditer(text):
        if _rare(m.group()):
            markers.append((m.start(), m.end(), "rare"))
    markers.sort()
    spans = []
    start, end, kinds = markers[0][0], markers[0][1], {markers[0][2]}
    for s, e, kind in markers[1:]:
        if s - end <= _GAP:
            end = max(end, e)
            kinds.add(kind)
            continue
        if "strong" in kinds or len(kinds) >= 2:
            spans.append((start, end))
        start, end, kinds = s, e, {kind}
    if "strong" in kinds or len(kinds) >= 2:
        spans.append((start, end))
    return spans


class MojibakeCheck:
    """Flags the mojibake of each line; with ``repair``, replaces the known islands."""

    def __init__(self, notes: Notes, *, repair: bool):
        self.notes = notes
        self.repair = repair

    def check(self, line: Text) -> Text:
        if not _ANY_SIGN.search(line.text):
            return line
        if self.repair:
            line = self._repair_known(line)
        for start, end in find_mojibake(line.text):
            island = line.text[start:end]
            self.notes.flag(
                "mojibake",
                island,
                f"疑似乱码（编码错误）“{island}”，无法自动修复，未删除，请对照原文改正。",
                line.offset(start),
                before(line.text, start),
            )
        return line

    def _repair_known(self, line: Text) -> Text:
        """Replace every known island, left to right, in one pass per island."""
        for island, fixed in KNOWN_MOJIBAKE.items():
            start = line.text.find(island)
            if start == -1:
                continue
            shown = simplify(fixed)
            text, pos, last = [], [], 0
            tail = ""  # the last CONTEXT characters of the repaired text so far
            while start != -1:
                kept = line.text[last:start]
                text.append(kept)
                pos.extend(line.pos[last:start])
                tail = (tail + kept[-CONTEXT:])[-CONTEXT:]
                self.notes.flag(
                    "mojibake",
                    island,
                    f"疑似乱码（编码错误）“{island}”，已按已知乱码对照表改为“{shown}”，"
                    "请对照原文核实。",
                    line.offset(start),
                    tail,
                    replacement=shown,
                )
                text.append(fixed)
                pos.extend([line.pos[start]] * len(fixed))
                tail = (tail + fixed)[-CONTEXT:]
                last = start + len(island)
                start = line.text.find(island, last)
            text.append(line.text[last:])
            pos.extend(line.pos[last:])
            line = Text("".join(text), pos)
        return line
