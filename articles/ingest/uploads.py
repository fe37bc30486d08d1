"""Files handed to the importer: which ones it takes, and how their bytes become text.

Shared by the admin's upload form and the ``import_articles`` command. A file
is read as UTF-8 (with or without a byte-order mark); failing that, its
encoding is detected among the East Asian ones a reprinted page comes in
(GB 18030, which covers GBK and GB2312; Big5; Shift-JIS; EUC-JP; EUC-KR):
each candidate must decode every byte and read as text of its language, and
``charset-normalizer`` ranks the candidates left; GB 18030 wins a tie. Bytes
no candidate reads with confidence are never replaced: the file is refused
with ``UndecodableUpload``. Control characters other than tab, newline and
carriage return are removed. Every encoding other than UTF-8, and every
removal, is told to the editor (``Upload.flags``). See docs/import-cleaning.md.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath

from charset_normalizer import from_bytes

from articles.text import to_simplified

from .results import Flag

#: The suffixes the importer takes, and whether a file with it is read as HTML.
UPLOAD_SUFFIXES = {".txt": False, ".html": True, ".htm": True}
#: Largest file the admin's upload form takes.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
#: Tried in order, (codec, name): UTF-8 first, since GB 18030 would read UTF-8 as nonsense.
ENCODINGS = (("utf-8-sig", "UTF-8"), ("gb18030", "GB 18030"))
#: The encodings detected when a file is not UTF-8: codec -> (name, language).
DETECTED = {
    "gb18030": ("GB 18030", "zh"),
    "cp950": ("Big5", "zh"),
    "cp932": ("Shift-JIS", "ja"),
    "euc_jp": ("EUC-JP", "ja"),
    "euc_kr": ("EUC-KR", "ko"),
}
#: charset-normalizer's names for them.
_ALIASES = {"big5": "cp950", "shift_jis": "cp932", "gbk": "gb18030", "gb2312": "gb18030"}
#: The share of a decoded file's other characters (not ASCII text) that must read as
#: its language: GBK decoded as GB 18030 scores about 0.95, Big5 as GB 18030 about 0.4.
PLAUSIBLE = 0.8


class UndecodableUpload(ValueError):
    """The bytes are neither UTF-8 nor GB 18030 (GBK) text, nor recognisably another
    East Asian encoding.

    ``problems``: per encoding that cannot read the bytes of UTF-8 and GB 18030, (its
    name, the offset of the first byte it cannot read, that byte). ``unlikely``: the
    encodings that read every byte but give no text of their language.
    """

    def __init__(self, problems: list[tuple[str, int, int]], unlikely: list[str] = ()):
        self.problems = problems
        self.unlikely = list(unlikely)
        details = [
            f"{name} fails at byte {offset} ({byte:#04x})" for name, offset, byte in problems
        ]
        if self.unlikely:
            details.append(f"{', '.join(self.unlikely)} read it, but not as text")
        others = ", ".join(name for codec, (name, _l) in DETECTED.items() if codec != "gb18030")
        super().__init__(
            f"The file is neither UTF-8 nor GBK text: {'; '.join(details)}. "
            f"{others} were tried too."
        )


@dataclass(frozen=True)
class Upload:
    """An uploaded file's text, and how it was read."""

    text: str
    #: the encoding's name: "UTF-8", "GB 18030", "Big5" …
    encoding: str = "UTF-8"
    #: control characters removed (other than tab, newline, carriage return)
    controls_removed: int = 0

    @property
    def flags(self) -> list[Flag]:
        return upload_flags(self.encoding, self.controls_removed)


def upload_flags(encoding: str, controls_removed: int) -> list[Flag]:
    """What the editor is told about reading a file: any encoding but UTF-8 (GB 18030,
    the usual one, as a note; a detected one as a flag to check), and control
    characters removed."""
    flags = []
    if encoding == "GB 18030":
        flags.append(Flag("note", "", "已按 GB 18030（GBK）编码读取。"))
    elif encoding and encoding != "UTF-8":
        flags.append(
            Flag("encoding", "", f"已按 {encoding} 编码读取（自动识别），请对照原文核对文字。")
        )
    if controls_removed:
        flags.append(
            Flag(
                "control",
                "",
                f"文件中有 {controls_removed:,} 个控制字符（如 NUL），读取时已删除；"
                "“原始文本”保存的是删去这些字符后的文件内容，其余文字未改动。",
            )
        )
    return flags


def suffix(name: str) -> str:
    """The suffix of a file name, lower-case: ``.txt`` for ``Story.TXT``."""
    return PurePath(name).suffix.lower()


def accepted(name: str) -> bool:
    """Does the importer take a file of this name?"""
    return suffix(name) in UPLOAD_SUFFIXES


def is_html(name: str) -> bool:
    """Is a file of this (accepted) name read as HTML?"""
    return UPLOAD_SUFFIXES.get(suffix(name), False)


def decode_upload(data: bytes) -> str:
    """The text of an uploaded file, or ``UndecodableUpload``: never a replaced byte."""
    return read_upload(data).text


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def read_upload(data: bytes) -> Upload:
    """An uploaded file's text without control characters, and how it was read; or
    ``UndecodableUpload``: never a replaced byte."""
    text, encoding = _decode(data)
    text, removed = _CONTROL.subn("", text)
    return Upload(text, encoding, removed)


def _decode(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as error:
        # utf-8-sig reports offsets after the byte-order mark it dropped
        offset = error.start + len(data) - len(error.object)
        problems = [("UTF-8", offset, data[offset])]
    readings = {}
    for codec in DETECTED:
        try:
            readings[codec] = data.decode(codec)
        except UnicodeDecodeError as error:
            if codec == "gb18030":
                problems.append(("GB 18030", error.start, data[error.start]))
    plausible = [c for c, text in readings.items() if _score(text, DETECTED[c][1]) >= PLAUSIBLE]
    if not plausible:
        raise UndecodableUpload(problems, [DETECTED[c][0] for c in readings])
    ranked = [
        _ALIASES.get(m.encoding, m.encoding) for m in from_bytes(data, cp_isolation=plausible)
    ]
    ranked = [codec for codec in dict.fromkeys(ranked) if codec in plausible]
    if "gb18030" in plausible and (not ranked or "gb18030" in ranked):
        chosen = "gb18030"  # the usual encoding of a reprinted Chinese page wins a tie
    elif ranked:
        chosen = ranked[0]
    else:
        raise UndecodableUpload(problems, [DETECTED[c][0] for c in readings])
    return readings[chosen], DETECTED[chosen][0]


_OTHER = re.compile(r"[^\t\n\r\x20-\x7e]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# What any of these languages' text has besides its letters: accented Latin letters
# (pinyin), general and CJK punctuation, full-width forms, symbols, numbers in circles.
_NEUTRAL = re.compile(
    r"[\u00a0-\u00bf\u00c0-\u024f\u0300-\u036f\u2000-\u206f\u2100-\u218f"
    r"\u2190-\u21ff\u2460-\u24ff\u25a0-\u25ff\u2600-\u26ff\u3000-\u303f\uff01-\uff5e]"
)
_KANA = re.compile(r"[\u3041-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


@cache
def _common_chinese(char: str) -> bool:
    """A Han character in GB2312 once simplified: what news is written in."""
    try:
        to_simplified(char).encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _score(text: str, language: str) -> float:
    """The share of the characters beyond ASCII text (and of control characters) that
    read as ``language``: punctuation, symbols and accented Latin letters in any of
    them; common Han characters for Chinese, Han and kana for Japanese, Han and
    Hangul for Korean. A wrong encoding gives rare characters, kana or Cyrillic in
    Chinese, half-width katakana in Japanese…"""
    others = len(_OTHER.findall(text))
    if not others:
        return 1.0
    han = Counter(_HAN.findall(text))
    good = len(_NEUTRAL.findall(text))
    if language == "zh":
        good += sum(n for char, n in han.items() if _common_chinese(char))
    else:
        good += sum(han.values())
        good += len((_KANA if language == "ja" else _HANGUL).findall(text))
    return good / others
