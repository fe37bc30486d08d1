"""Image credits: (图片由临海市委宣传部授权提供) leaves the body for the credit field.

A credit is taken from a bracket inside a line (图片由…提供, 图片来源：…, 摄影：…,
(张三 摄)) or from a whole line (图片：…, 图片由…提供). Traditional forms (圖片,
攝影 …) count too. Names are simplified and collected in order, each once.
"""

from __future__ import annotations

import re

from articles.text import han_chars

from .phrases import simplify
from .results import Notes
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

    def joined(self) -> str:
        """The value of the credit field: every name, in order, joined by 、."""
        return "、".join(self.names)

    def _take(self, name: str) -> None:
        name = simplify(name.strip())
        if name and name not in self.names:
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
        """``line`` without its bracketed credits, each taken and its removal recorded."""
        changed = True
        while changed:
            changed = False
            for index, pattern in enumerate(_INLINE):
                for m in pattern.finditer(line.text):
                    if not _credit_ok(m.group("c"), index):
                        continue
                    self._take(m.group("c"))
                    self.notes.remove(
                        "credit", m.group(0), line.offset(m.start()), line.text[: m.start()]
                    )
                    line = line.cut(m.start(), m.end())
                    changed = True
                    break
                if changed:
                    break
        return line.strip(BLANK)
