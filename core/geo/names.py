"""Multi-word name lookup over token sequences ("santa fe", "huntington park", "watts towers")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_NAME_TOKENS = 6

Alternatives = Sequence[Sequence[tuple[str, int]]]
"""Per token position, the words it may be read as, with the edits each reading costs."""


@dataclass(frozen=True)
class Span(Generic[T]):
    """Tokens ``[start, end)`` read as a known name; ``values`` are what that name denotes."""

    start: int
    end: int
    name: str
    values: tuple[T, ...]
    edits: int

    @property
    def size(self) -> int:
        """Number of tokens covered."""
        return self.end - self.start


class NameIndex(Generic[T]):
    """Names (space-separated folded words) → values, searchable inside token sequences.

    A prefix set lets the search stop as soon as no name continues, so finding every name in
    a text costs a few dict lookups per token whatever the size of the vocabulary.
    """

    def __init__(self, items: Iterable[tuple[str, T]]) -> None:
        self._names: dict[tuple[str, ...], list[T]] = defaultdict(list)
        self._prefixes: set[tuple[str, ...]] = set()
        for name, value in items:
            toks = tuple(name.split())
            if not toks or len(toks) > MAX_NAME_TOKENS:
                continue
            if value not in self._names[toks]:
                self._names[toks].append(value)
            for k in range(1, len(toks)):
                self._prefixes.add(toks[:k])

    def words(self) -> set[str]:
        """Every word used by a name (the vocabulary a speller should know)."""
        return {w for toks in self._names for w in toks}

    def find(self, alts: Alternatives, max_edits: int = 2) -> list[Span[T]]:
        """Every span of the token sequence that reads as a name, longest first per start."""
        found: list[Span[T]] = []
        for start in range(len(alts)):
            found.extend(self._from(alts, start, max_edits))
        return found

    def _from(self, alts: Alternatives, start: int, max_edits: int) -> list[Span[T]]:
        out: list[Span[T]] = []
        frontier: list[tuple[tuple[str, ...], int]] = [((), 0)]
        end = start
        while frontier and end < len(alts) and end - start < MAX_NAME_TOKENS:
            nxt: list[tuple[tuple[str, ...], int]] = []
            for prefix, edits in frontier:
                for word, cost in alts[end]:
                    toks, total = prefix + (word,), edits + cost
                    if total > max_edits:
                        continue
                    if toks in self._names:
                        out.append(
                            Span(start, end + 1, " ".join(toks), tuple(self._names[toks]), total)
                        )
                    if toks in self._prefixes:
                        nxt.append((toks, total))
            frontier, end = nxt, end + 1
        out.sort(key=lambda s: (-s.size, s.edits))
        return out
