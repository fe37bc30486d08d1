"""Search snippets: the text around the first match, matches in <mark>.

Linear in the length of the text: the text is folded to the index's normal form one
character for one character (``str.translate`` with a table filled as characters are
met), each term is looked for once, and matches are marked only inside the snippet.
Only the text up to the first match and the snippet itself are folded.
"""

import re
from html import unescape

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .tokens import MAX_QUERY_TERMS, normalise, runs


class _FoldTable(dict):
    """code point -> the character it folds to (NFKC, lower case, t2s), one for one, so
    that positions in the folded text are positions in the original."""

    def __missing__(self, code):
        folded = (normalise(chr(code)) or " ")[:1]
        self[code] = folded
        return folded


_FOLD = _FoldTable()

#: A tag of the body. Bodies are sanitised on save (nh3), so a regular expression finds
#: every tag; Django's strip_tags, an HTML parser, cost a tenth of a millisecond a story.
_TAG = re.compile(r"<\s*/?\s*([a-zA-Z0-9]*)[^>]*>")
#: Tags that end a run of text; inline ones (b, a, sub …) are removed without a space, so
#: a word they mark inside a sentence stays whole.
_BLOCKS = frozenset(
    "p br div li ul ol h1 h2 h3 h4 h5 h6 blockquote hr table tr td th caption pre".split()
)


def _untag(match):
    return " " if match.group(1).lower() in _BLOCKS else ""


def fold(text: str) -> str:
    """``text`` in the index's normal form, character for character."""
    return text.translate(_FOLD)


def _first_match(text, needles):
    """Where the first match of any needle starts in ``fold(text)``, -1 if none; folding
    only the text before it. A needle that is its own fold and occurs in the text as it
    stands occurs there in the folded text too, so no match can start after it."""
    bound = len(text)
    for needle in needles:
        if fold(needle) == needle:
            at = text.find(needle, 0, bound)
            if at != -1:
                bound = at
    longest = max(map(len, needles), default=0)
    folded = fold(text[: bound + longest])
    firsts = [at for at in (folded.find(needle) for needle in needles) if at != -1]
    return min(firsts, default=-1)


def highlight(text: str, q: str, *, width: int = 120) -> str:
    """An HTML-safe snippet of ``text`` around the first match, matches in <mark>."""
    text = " ".join(unescape(_TAG.sub(_untag, text or "")).split())
    needles = sorted(
        {"".join(run) for word in (q or "").split()[:MAX_QUERY_TERMS] for run in runs(word)},
        key=len,
        reverse=True,
    )
    first = _first_match(text, needles)
    window_start = max(0, first - width // 3) if first != -1 else 0
    window_end = min(len(text), window_start + width)

    # Matches inside the window only, longer terms first, never overlapping. Only the
    # window (and what a match ending in it may start before it) is folded.
    longest = max(map(len, needles), default=1)
    base = max(0, window_start - longest + 1)
    folded = fold(text[base:window_end])
    taken = bytearray(window_end - window_start)
    spans = []
    for needle in needles:
        at = folded.find(needle, max(0, window_start - len(needle) + 1) - base)
        while at != -1:
            start, end = base + at, base + at + len(needle)
            lo, hi = max(start, window_start), min(end, window_end)
            if not any(taken[lo - window_start : hi - window_start]):
                taken[lo - window_start : hi - window_start] = b"\x01" * (hi - lo)
                spans.append((lo, hi))
            at = folded.find(needle, end - base)
    spans.sort()

    out = ["…" if window_start else ""]
    cursor = window_start
    for start, end in spans:
        out.append(escape(text[cursor:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    out.append(escape(text[cursor:window_end]))
    if window_end < len(text):
        out.append("…")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text is escaped above
