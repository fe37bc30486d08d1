"""Image credits: (图片由临海市委宣传部授权提供) leaves the body for the credit field.

A credit is taken from a bracket inside a line (图片由…提供, 图片来源：…, 摄影：…,
(张三 摄)) or from a whole line (图片：…, 图片由…提供). Traditional forms (圖片,
攝影 …) count too. Names are simplified and collected in order, each once.
"""

from __future__ import annotations

import heapq
import re
from collections import deque
from itertools import chain

from articles.text import han_chars

from .phrases import simplify
from .results import CONTEXT, Notes
from .textspans import BLANK, Text

_TU, _SHE, _LAI, _QUAN = "[图圖]", "[摄攝]", "[来來]", "[权權]"
_INLINE = [
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
#: The pattern of ``_INLINE`` for "(XX 摄)", which needs a closer look.
_PHOTOGRAPHER = 2
_LINE = [
    re.compile(
        rf"(?:{_TU}片{_LAI}源|{_TU}源|{_SHE}影|供{_TU}|{_TU}片|{_TU})\s*[:：/／]\s*(?P<c>.{{1,40}})"
    ),
    re.compile(rf"(?:{_TU}片|照片|{_TU})由\s*(?P<c>.{{1,40}}?)\s*(?:授{_QUAN})?提供"),
]
# "(XX 摄)" is a credit, "(航拍)" or "(拍摄)" is not.
_NOT_A_PHOTOGRAPHER = tuple("拍航抓偷跟所自翻新再补被可不正")


def _credit_ok(name: str, pattern_index: int) -> bool:
    name = name.strip()
    if pattern_index == _PHOTOGRAPHER:
        return len(name) >= 2 and not name.endswith(_NOT_A_PHOTOGRAPHER) and bool(han_chars(name))
    return bool(name)


class Credits:
    """The credits of one text, as its lines are read."""

    def __init__(self, notes: Notes):
        self.notes = notes
        self.names: list[str] = []
        self._seen: set[str] = set()

    def joined(self) -> str:
        """The value of the credit field: every name, in order, joined by 、."""
        return "、".join(self.names)

    def _take(self, name: str) -> None:
        name = simplify(name.strip())
        if name and name not in self._seen:
            self._seen.add(name)
            self.names.append(name)

    def take_line(self, line: Text) -> bool:
        """Is ``line`` a credit line? If so its name is taken and its removal recorded."""
        for pattern in _LINE:
            m = pattern.fullmatch(line.text)
            # 图：活动现场。 is a caption, not a credit
            if m and m.group("c").strip() and not re.search("[。，,；;！？!?]", m.group("c")):
                self._take(m.group("c"))
                self.notes.remove("credit", line.text, line.offset(0))
                return True
        return False

    def strip_inline(self, line: Text) -> Text:
        """``line`` without its bracketed credits, each taken and its removal recorded.

        Every credit pattern is one bracket pair with no bracket inside, so a credit is
        an innermost pair of the line; cutting one can make the pair around it innermost
        (``(图片由(张三 摄)临海日报提供)``). The credits are taken as the first pattern that
        matches anywhere, leftmost first, then again from the first pattern; each pair is
        read once, when it becomes innermost (``_Pairs``), so a line of thousands of
        brackets costs no more than its length.
        """
        text = line.text
        if ("(" not in text and "（" not in text) or not any(p.search(text) for p in _INLINE):
            return line.strip(BLANK)  # no credit now, so none after cuts either
        pairs = _Pairs(line.text)
        waiting: list[list[int]] = [[] for _pattern in _INLINE]
        for opener in pairs.innermost():
            self._sort(pairs, opener, waiting)
        while any(waiting):
            index = next(i for i, heap in enumerate(waiting) if heap)
            opener = heapq.heappop(waiting[index])
            closer, text, name = pairs.found[opener]
            self._take(name)
            self.notes.remove("credit", text, line.offset(opener), pairs.before(opener))
            enclosing = pairs.cut(opener, closer)
            if enclosing is not None:
                self._sort(pairs, enclosing, waiting)
        return pairs.kept(line).strip(BLANK)

    @staticmethod
    def _sort(pairs: _Pairs, opener: int, waiting: list[list[int]]) -> None:
        """File the innermost pair at ``opener`` under the first pattern it is a credit of."""
        text = pairs.text_of(opener)
        for index, pattern in enumerate(_INLINE):
            m = pattern.fullmatch(text)
            if m and _credit_ok(m.group("c"), index):
                pairs.found[opener] = (pairs.closer_of(opener), text, m.group("c"))
                heapq.heappush(waiting[index], opener)
                return


_BRACKET = re.compile("[()（）]")
_OPENERS = "(（"


class _Pairs:
    """The brackets of one line, as credits are cut out of it.

    The brackets still in the line form a linked list; an innermost pair is an opener
    whose next bracket is a closer. After each bracket, ``_gap`` holds the spans of text
    up to the next bracket that are still in the line (``None``: before the first one).
    Cutting a pair joins the gap before it and the gap after it, the shorter one moved.
    """

    def __init__(self, text: str):
        self.text = text
        brackets = [m.start() for m in _BRACKET.finditer(text)]
        self._prev = dict(zip(brackets[1:], brackets, strict=False))
        self._next = dict(zip(brackets, brackets[1:], strict=False))
        ends = [*brackets, len(text)]
        self._gap: dict[int | None, deque[tuple[int, int]]] = {
            None: deque([(0, ends[0])] if ends[0] else [])
        }
        for b, end in zip(brackets, ends[1:], strict=True):
            self._gap[b] = deque([(b + 1, end)] if end > b + 1 else [])
        self._first = brackets[0] if brackets else None
        #: opener -> (closer, the pair's text as it now reads, the credit's name)
        self.found: dict[int, tuple[int, str, str]] = {}

    def _pair_at(self, opener: int | None) -> int | None:
        """The closer of the innermost pair at ``opener``, else None."""
        if opener is None or self.text[opener] not in _OPENERS:
            return None
        closer = self._next.get(opener)
        return closer if closer is not None and self.text[closer] not in _OPENERS else None

    def closer_of(self, opener: int) -> int:
        return self._next[opener]

    def innermost(self) -> list[int]:
        return [b for b in self._next if self._pair_at(b) is not None]

    def text_of(self, opener: int) -> str:
        """The innermost pair at ``opener`` as it reads now."""
        closer = self._next[opener]
        inside = "".join(self.text[a:b] for a, b in self._gap[opener])
        return self.text[opener] + inside + self.text[closer]

    def before(self, opener: int) -> str:
        """The CONTEXT characters still in the line before ``opener``."""
        pieces, size, bracket = [], 0, self._prev.get(opener)
        while True:
            for a, b in reversed(self._gap[bracket]):
                pieces.append(self.text[max(a, b - CONTEXT) : b])
                size += b - a
                if size >= CONTEXT:
                    break
            if size >= CONTEXT or bracket is None:
                break
            pieces.append(self.text[bracket])
            size += 1
            bracket = self._prev.get(bracket)
        return "".join(reversed(pieces))[-CONTEXT:]

    def cut(self, opener: int, closer: int) -> int | None:
        """Cut the pair out; the opener of the pair around it, if that is now innermost."""
        before, after = self._prev.pop(opener, None), self._next.pop(closer, None)
        self._next.pop(opener, None)
        self._prev.pop(closer, None)
        if before is None:
            self._first = after
        else:
            self._next[before] = after
        if after is not None:
            self._prev[after] = before
        else:
            self._next.pop(before, None)
        del self._gap[opener]
        left, right = self._gap[before], self._gap.pop(closer)
        if len(left) >= len(right):
            left.extend(right)
        else:
            right.extendleft(reversed(left))
            self._gap[before] = right
        return before if after is not None and self._pair_at(before) is not None else None

    def kept(self, line: Text) -> Text:
        """What is left of ``line``."""
        spans, bracket = list(self._gap[None]), self._first
        while bracket is not None:
            spans.append((bracket, bracket + 1))
            spans.extend(self._gap[bracket])
            bracket = self._next.get(bracket)
        return Text(
            "".join(line.text[a:b] for a, b in spans),
            list(chain.from_iterable(line.pos[a:b] for a, b in spans)),
        )
