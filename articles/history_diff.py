"""Readable differences between two versions of a text: pure Python, no Django.

The admin's history pages (articles/admin/history.py) show what changed between two
versions of a story, an event, an organisation, a place or a topic. Short texts (a
title, a summary) are compared token by token; a story's body is first reduced to its
paragraphs of text (``html_paragraphs``), the paragraphs are matched, and each changed
paragraph is compared token by token.

Chinese has no spaces between words, so a token is one Han character (or any other
single character: punctuation, a symbol), a run of Latin letters and digits (a word),
or a run of white space. Deleted tokens are marked ``<del>`` on the old side, inserted
ones ``<ins>`` on the new side; everything else is escaped, so the result is safe HTML.

The cost is bounded: common beginnings and ends are cut off in linear time, and a
middle part too long to compare token by token (``MAX_COMPARISONS``) is shown as
replaced whole rather than compared for seconds.
"""

import difflib
import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

#: A Latin word (letters with accents, digits), a run of white space, or any one character.
_TOKEN = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+|\s+|.", re.DOTALL)
_SPACES = re.compile(r"\s+")

#: Above this product of token counts, a middle part is not compared token by token.
MAX_COMPARISONS = 4_000_000

#: An unchanged run this short (in characters) between two changes is shown as part of
#: them: 产业<del>创新</del><ins>发展</ins>联盟 reads better than one shared character
#: cut out of a rewritten phrase.
SHORT_EQUAL = 2

#: Unchanged paragraphs shown around each changed one; the rest are counted, not shown.
CONTEXT_PARAGRAPHS = 1

#: Tags that end a paragraph of text.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 "
    "h5 h6 header hr li ol p pre section table tbody td tfoot th thead tr ul".split()
)
#: Tags whose content is not text a reader sees.
_HIDDEN_TAGS = frozenset({"script", "style", "template"})


def tokens(text: str) -> list[str]:
    """``text`` cut into the units compared: Han characters one by one, Latin words whole."""
    return _TOKEN.findall(text)


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        self._hidden = 0

    def _end_paragraph(self):
        text = _SPACES.sub(" ", "".join(self._current)).strip()
        if text:
            self.paragraphs.append(text)
        self._current = []

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BLOCK_TAGS:
            self._end_paragraph()

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self._end_paragraph()

    def handle_endtag(self, tag):
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK_TAGS:
            self._end_paragraph()

    def handle_data(self, data):
        if not self._hidden:
            self._current.append(data)

    def close(self):
        super().close()
        self._end_paragraph()


def html_paragraphs(html: str) -> list[str]:
    """The paragraphs of text of an HTML fragment: headings, list items, table cells and
    paragraphs each on their own, entities decoded, white space collapsed, empty ones
    dropped. Formatting (bold, links) is not text and is not kept."""
    extractor = _TextExtractor()
    extractor.feed(html or "")
    extractor.close()
    return extractor.paragraphs


@dataclass(frozen=True)
class InlineDiff:
    """The two sides of a compared text, as safe HTML."""

    old_html: str
    new_html: str

    @property
    def changed(self) -> bool:
        return "<del>" in self.old_html or "<ins>" in self.new_html


def _opcodes(old: list[str], new: list[str]):
    """difflib's opcodes over the token lists, with the common beginning and end cut off
    first and a middle part too long to compare reported as replaced whole."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    old_mid = old[start : len(old) - end]
    new_mid = new[start : len(new) - end]
    ops = []
    if start:
        ops.append(("equal", 0, start, 0, start))
    if old_mid or new_mid:
        if old_mid and new_mid and len(old_mid) * len(new_mid) <= MAX_COMPARISONS:
            matcher = difflib.SequenceMatcher(None, old_mid, new_mid, autojunk=False)
            ops.extend(
                (tag, i1 + start, i2 + start, j1 + start, j2 + start)
                for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            )
        else:
            ops.append(("replace", start, len(old) - end, start, len(new) - end))
    if end:
        ops.append(("equal", len(old) - end, len(old), len(new) - end, len(new)))
    return ops


def _segments(old: list[str], new: list[str]):
    """[(old text, new text, equal?)], with short equal runs between changes merged into
    the changes around them."""
    segments = [
        ("".join(old[i1:i2]), "".join(new[j1:j2]), tag == "equal")
        for tag, i1, i2, j1, j2 in _opcodes(old, new)
    ]
    merged: list[tuple[str, str, bool]] = []
    for index, (a, b, equal) in enumerate(segments):
        between_changes = 0 < index < len(segments) - 1
        if equal and between_changes and len(a.strip()) <= SHORT_EQUAL:
            a_b_equal = False
        else:
            a_b_equal = equal
        if merged and not a_b_equal and not merged[-1][2]:
            prev_a, prev_b, _ = merged[-1]
            merged[-1] = (prev_a + a, prev_b + b, False)
        else:
            merged.append((a, b, a_b_equal))
    return merged


def inline_diff(old: str, new: str) -> InlineDiff:
    """``old`` and ``new`` as safe HTML, what was removed marked ``<del>`` in the first and
    what was added ``<ins>`` in the second, compared token by token."""
    old_parts, new_parts = [], []
    for a, b, equal in _segments(tokens(old or ""), tokens(new or "")):
        if equal:
            old_parts.append(escape(a))
            new_parts.append(escape(b))
            continue
        if a:
            old_parts.append(f"<del>{escape(a)}</del>")
        if b:
            new_parts.append(f"<ins>{escape(b)}</ins>")
    return InlineDiff("".join(old_parts), "".join(new_parts))


@dataclass(frozen=True)
class ParagraphRow:
    """One row of a compared body: ``kind`` is "equal", "changed", "deleted", "inserted",
    or "skipped" (``skipped`` unchanged paragraphs not shown)."""

    kind: str
    old_html: str = ""
    new_html: str = ""
    skipped: int = 0


def paragraphs_diff(old: list[str], new: list[str], *, context=CONTEXT_PARAGRAPHS):
    """Rows comparing two lists of paragraphs: matched whole first, then each changed pair
    token by token. Unchanged paragraphs far from any change are counted, not shown."""
    rows: list[ParagraphRow] = []
    for tag, i1, i2, j1, j2 in _opcodes(old, new):
        if tag == "equal":
            rows.extend(ParagraphRow("equal", escape(p), escape(p)) for p in old[i1:i2])
            continue
        olds, news = old[i1:i2], new[j1:j2]
        for index in range(max(len(olds), len(news))):
            if index < len(olds) and index < len(news):
                diff = inline_diff(olds[index], news[index])
                rows.append(ParagraphRow("changed", diff.old_html, diff.new_html))
            elif index < len(olds):
                rows.append(ParagraphRow("deleted", old_html=f"<del>{escape(olds[index])}</del>"))
            else:
                rows.append(ParagraphRow("inserted", new_html=f"<ins>{escape(news[index])}</ins>"))
    return _with_context(rows, context)


def _with_context(rows: list[ParagraphRow], context: int) -> list[ParagraphRow]:
    changed = [i for i, row in enumerate(rows) if row.kind != "equal"]
    shown = set()
    for i in changed:
        shown.update(range(max(0, i - context), min(len(rows), i + context + 1)))
    result: list[ParagraphRow] = []
    hidden = 0
    for i, row in enumerate(rows):
        if i in shown:
            if hidden:
                result.append(ParagraphRow("skipped", skipped=hidden))
                hidden = 0
            result.append(row)
        else:
            hidden += 1
    if hidden:
        result.append(ParagraphRow("skipped", skipped=hidden))
    return result


@dataclass(frozen=True)
class ListDiff:
    """Names of a list-valued field (a story's organisations) before and after."""

    removed: tuple[str, ...]
    kept: tuple[str, ...]
    added: tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.removed or self.added)


def list_diff(old, new) -> ListDiff:
    """What was removed from, kept in and added to a list of names, each sorted."""
    old_set, new_set = set(old), set(new)
    return ListDiff(
        removed=tuple(sorted(old_set - new_set)),
        kept=tuple(sorted(old_set & new_set)),
        added=tuple(sorted(new_set - old_set)),
    )


def changed_fields(old: dict, new: dict, names) -> list[str]:
    """The names of ``names`` whose values differ between two versions' value maps; a
    name missing from one side counts as changed."""
    missing = object()
    return [name for name in names if old.get(name, missing) != new.get(name, missing)]
