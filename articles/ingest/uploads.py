"""Files handed to the importer: which ones it takes, and how their bytes become text.

Shared by the admin's upload form and the ``import_articles`` command. A file
is decoded as UTF-8 (with or without a byte-order mark), else as GB 18030,
which covers GBK and GB2312 pages. Bytes neither can read are never replaced:
the file is refused with ``UndecodableUpload`` and the editor is told which
one (see docs/import-cleaning.md).
"""

from __future__ import annotations

from pathlib import PurePath

#: The suffixes the importer takes, and whether a file with it is read as HTML.
UPLOAD_SUFFIXES = {".txt": False, ".html": True, ".htm": True}
#: Largest file the admin's upload form takes.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
#: Tried in order, (codec, name): UTF-8 first, since GB 18030 would read UTF-8 as nonsense.
ENCODINGS = (("utf-8-sig", "UTF-8"), ("gb18030", "GB 18030"))


class UndecodableUpload(ValueError):
    """The bytes are neither UTF-8 nor GB 18030 (GBK) text.

    ``problems``: per encoding tried, (its name, the offset of the first byte it
    cannot read, that byte).
    """

    def __init__(self, problems: list[tuple[str, int, int]]):
        self.problems = problems
        details = ", ".join(
            f"{name} fails at byte {offset} ({byte:#04x})" for name, offset, byte in problems
        )
        super().__init__(f"The file is neither UTF-8 nor GBK text: {details}.")


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
    problems = []
    for encoding, name in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as error:
            # utf-8-sig reports offsets after the byte-order mark it dropped
            offset = error.start + len(data) - len(error.object)
            problems.append((name, offset, data[offset]))
    raise UndecodableUpload(problems)
