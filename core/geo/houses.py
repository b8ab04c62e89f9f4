"""House numbers: "6500 Pacific Blvd" → the numbered point, or between two of them.

The OSM data has address points (a number, and the street it stands on, found at build time
as the nearest named line), not address ranges. A number is placed on the point that carries
it, else interpolated between the nearest lower and higher numbers of the same stretch of
that street, else (close in number) on the nearest numbered point, less surely.
"""

from __future__ import annotations

from core.geo.distance import haversine_m
from core.geo.gazetteer import Point

EXACT_M = 30.0
"""Precision of a number found as such: the point is the building's entrance or centre."""
STRETCH_M = 1_000
"""Two numbered points this close on one street bound a stretch to interpolate along."""
MAX_SPAN = 400
"""Numbers this far apart are too coarse to interpolate between."""
NEAR_NUMBERS = 60
"""A number this close to a numbered point (no bracket) is placed on it, less surely."""


def locate(houses: list[tuple[int, float, float]], number: int) -> list[tuple[Point, float, float]]:
    """Candidate places of ``number`` on one street key: ``[(point, precision_m, quality)]``,
    one per stretch of same-named street (callers choose by region); quality 1.0 exact,
    0.95 interpolated, 0.7 nearest only. Empty when the data cannot say."""
    if not houses:
        return []
    exact = [(Point(str(n), lat, lon), EXACT_M, 1.0) for n, lat, lon in houses if n == number]
    if exact:
        return exact
    window = [h for h in houses if abs(h[0] - number) <= MAX_SPAN]
    lows = [h for h in window if h[0] < number]
    highs = [h for h in window if h[0] > number]
    out: list[tuple[Point, float, float]] = []
    used: list[tuple[float, float]] = []
    # Closest brackets first, so each stretch contributes its tightest interpolation.
    pairs = sorted(
        ((hi[0] - lo[0], lo, hi) for lo in lows for hi in highs), key=lambda t: (t[0], t[1], t[2])
    )
    for _span, lo, hi in pairs[:200]:
        d = haversine_m(lo[1], lo[2], hi[1], hi[2])
        if d > STRETCH_M or any(haversine_m(lo[1], lo[2], *u) < STRETCH_M for u in used):
            continue
        f = (number - lo[0]) / (hi[0] - lo[0])
        lat, lon = lo[1] + f * (hi[1] - lo[1]), lo[2] + f * (hi[2] - lo[2])
        out.append((Point(str(number), lat, lon), EXACT_M + d / 4, 0.95))
        used.append((lo[1], lo[2]))
    if out:
        return out
    near = [h for h in window if abs(h[0] - number) <= NEAR_NUMBERS]
    return [(Point(str(n), lat, lon), 150.0, 0.7) for n, lat, lon in near[:20]]
