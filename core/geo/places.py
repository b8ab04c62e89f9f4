"""Coordinator-added places ("el Home Depot de Slauson", "la escuela Miles"), matched by alias."""

from __future__ import annotations

from collections.abc import Sequence

from core.geo.names import NameIndex
from core.geo.result import CustomPlace
from core.geo.text import BREAK, reduce_tokens, reduced_name

MIN_ALIAS_CHARS = 3
"""Shorter aliases ("HD") would match ordinary words."""


class PlaceMatcher:
    """Finds the most specific custom place whose name or alias appears in a text."""

    def __init__(self, places: Sequence[CustomPlace]) -> None:
        items = []
        for place in places:
            for alias in (place.name, *place.aliases):
                key = reduced_name(alias or "")
                if len(key.replace(" ", "")) >= MIN_ALIAS_CHARS:
                    items.append((key, place))
        self._index: NameIndex[CustomPlace] = NameIndex(items)
        self.empty = not items

    def match(self, tokens: list[str]) -> tuple[CustomPlace, str] | None:
        """``(place, matched words)`` for the longest alias in the tokens, else None."""
        if self.empty:
            return None
        reduced, _ = reduce_tokens([t for t in tokens if t != BREAK])
        spans = self._index.find([[(t, 0)] for t in reduced], max_edits=0)
        if not spans:
            return None
        best = min(spans, key=lambda s: (-s.size, s.start))
        return best.values[0], best.name
