"""Comparing residents' texts: near-identical words from different numbers mark a chain text or
a flood, not several witnesses (``core.trust``, ``core.matching.voices``)."""

from core.keywords import fold

# Shorter texts ("ICE", "migra!!") are what many real people send: they are no mark of a flood.
MIN_SIMILAR_CHARS = 12


def normalised(text: str) -> str:
    """Folded (no case, accents or punctuation), whitespace collapsed."""
    return fold(text).lower()
