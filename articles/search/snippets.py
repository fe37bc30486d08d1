"""Search snippets: the text around the first match, matches in <mark>."""

from html import unescape

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from .tokens import MAX_QUERY_TERMS, normalise, runs


def _normalised_chars(text: str) -> str:
    # Character by character, so positions in the result are positions in ``text``.
    return "".join((normalise(ch) or " ")[:1] for ch in text)


def highlight(text: str, q: str, *, width: int = 120) -> str:
    """An HTML-safe snippet of ``text`` around the first match, matches in <mark>."""
    text = " ".join(unescape(strip_tags(text or "")).split())
    needles = sorted(
        {"".join(run) for word in (q or "").split()[:MAX_QUERY_TERMS] for run in runs(word)},
        key=len,
        reverse=True,
    )
    folded = _normalised_chars(text)
    spans = []
    for needle in needles:
        start = folded.find(needle)
        while start != -1:
            end = start + len(needle)
            if not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
            start = folded.find(needle, end)
    spans.sort()
    if spans:
        first = spans[0][0]
        window_start = max(0, first - width // 3)
    else:
        window_start = 0
    window_end = min(len(text), window_start + width)
    out = ["…" if window_start else ""]
    cursor = window_start
    for start, end in spans:
        if end <= window_start or start >= window_end:
            continue
        start, end = max(start, window_start), min(end, window_end)
        out.append(escape(text[cursor:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    out.append(escape(text[cursor:window_end]))
    if window_end < len(text):
        out.append("…")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text is escaped above
