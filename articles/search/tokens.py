"""The tokenizer both the index and the queries use: CJK bigrams, Latin words, numbers.

Text is normalised (NFKC, lower case, traditional to simplified) and cut into runs of Han
characters and of Latin letters or digits. A Han run is indexed as overlapping bigrams plus
its last character alone, so every character starts a token; see docs/search.md.
"""

import re
import unicodedata
from dataclasses import dataclass

from ..text import HAN_CLASS, to_simplified

_RUN = re.compile(rf"[{HAN_CLASS}]+|[a-z]+|[0-9]+")
_IS_HAN = re.compile(rf"[{HAN_CLASS}]")

#: At most this many words of a query are used; more would only slow the query.
MAX_QUERY_TERMS = 8


def normalise(text: str) -> str:
    """NFKC, lower case, simplified characters: the form both index and queries use."""
    return to_simplified(unicodedata.normalize("NFKC", text or "")).lower()


def runs(text: str) -> list[str]:
    """Runs of Han characters and of Latin letters/digits, in order, normalised."""
    return _RUN.findall(normalise(text))


def run_tokens(run: str) -> list[str]:
    """Index tokens of one run: overlapping bigrams plus the final character for Han."""
    if not _IS_HAN.match(run):
        return [run]
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def tokens(text: str) -> list[str]:
    """All index tokens of ``text`` in order (positions are their index + 1)."""
    return [token for run in runs(text) for token in run_tokens(run)]


@dataclass(frozen=True)
class Term:
    """One run of a query: a phrase of bigrams, a one-character prefix, or a word."""

    parts: tuple[str, ...]
    prefix: bool = False


def parse_query(q: str) -> list[Term]:
    """Terms that must all match. Separate words (and Han/Latin runs) are ANDed."""
    terms = []
    for word in (q or "").split()[:MAX_QUERY_TERMS]:
        for run in runs(word):
            if _IS_HAN.match(run):
                if len(run) == 1:
                    terms.append(Term((run,), prefix=True))
                else:
                    terms.append(Term(tuple(run[i : i + 2] for i in range(len(run) - 1))))
            else:
                # Latin words and numbers match whole index words or their beginning,
                # so "opti" finds "optics" and "2025" finds "2025".
                terms.append(Term((run,), prefix=True))
    # The same term twice adds nothing.
    return list(dict.fromkeys(terms))
