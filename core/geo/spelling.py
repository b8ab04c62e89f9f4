"""Spelling correction of place words ("florance" → "florence", "pacifc" → "pacific").

A symmetric-delete index (the SymSpell idea): every vocabulary word is stored under the
strings obtained by deleting one (or, for long words, two) letters; a typo is looked up the
same way. A text is therefore never compared against every street: a token costs a few
dozen dict lookups, and only the handful of hits are scored with rapidfuzz.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz.distance import OSA

from core.geo import vocab

MIN_LEN = 4
"""Shorter tokens are too easy to confuse ("gage"/"page"/"sage") to correct."""
MAX_LEN = 20
CANDIDATES = 6
"""Corrections offered per token: the corner they make (or not) decides among them."""
"""Longer tokens are no street name; their delete sets would be huge ("aaaa…" × 1,600)."""


def _max_edits(length: int) -> int:
    return 1 if length < 8 else 2


def _deletes(word: str, n: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(n):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


class Speller:
    """Corrects tokens to the closest words of a fixed vocabulary (street and city words)."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = frozenset(w for w in words if w)
        self._index: dict[str, list[str]] = defaultdict(list)
        for w in self.words:
            if len(w) >= MIN_LEN - 1 and w.isalpha():
                for d in _deletes(w, _max_edits(len(w))):
                    self._index[d].append(w)

    def candidates(self, token: str) -> list[tuple[str, int]]:
        """``[(word, edits)]`` for a token, best first; ``[(token, 0)]`` when it is known.

        Empty when the token is unknown and nothing is close, or it is an everyday word
        ("esta", "agentes") that must never become a street.
        """
        if token in self.words:
            return [(token, 0)]
        if (
            not MIN_LEN <= len(token) <= MAX_LEN
            or not token.isalpha()
            or token in vocab.COMMON_WORDS
        ):
            return []
        limit = _max_edits(len(token))
        found: dict[str, int] = {}
        for d in _deletes(token, limit):
            for w in self._index.get(d, ()):
                if w not in found:
                    dist = OSA.distance(token, w, score_cutoff=limit)
                    # Typos rarely hit the first letter; allow that only for one edit.
                    if dist <= limit and (w[0] == token[0] or dist == 1):
                        found[w] = dist
        best = sorted(found.items(), key=lambda kv: (kv[1], kv[0]))
        return best[:CANDIDATES]

    def neighbours(self, word: str) -> list[str]:
        """The other vocabulary words within the edits a typo of ``word`` would be corrected
        over (the same rules as ``candidates``)."""
        limit = _max_edits(len(word))
        near = {w for d in _deletes(word, limit) for w in self._index.get(d, ()) if w != word}
        return [
            w
            for w in near
            if (dist := OSA.distance(word, w, score_cutoff=limit)) <= limit
            and (w[0] == word[0] or dist == 1)
        ]
