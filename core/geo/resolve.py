"""Choosing among same-named places: the city or ZIP named in the text, else the region.

"Pacific / Broadway" is a corner in Huntington Park and in Glendale; "Slauson station" is on
the A Line and on the J Line busway. A city or ZIP in the text wins; otherwise the one
inside the region and nearest its centre.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from core.geo.distance import haversine_m
from core.geo.gazetteer import Point
from core.geo.region import Region

HINT_RADIUS_M = 8_000
"""A named city or ZIP rules out same-named places farther than this from it, when one is near."""


def rank_key(point: Point, region: Region, hint: tuple[float, float] | None) -> tuple[float, float]:
    """Sort key, smaller is better: distance to the hint when given, else region penalty."""
    if hint is not None:
        d = haversine_m(hint[0], hint[1], point.lat, point.lon)
        return (0.0 if d <= HINT_RADIUS_M else 1.0, d)
    return (
        region.distance_penalty(point.lat, point.lon),
        region.centre_distance_m(point.lat, point.lon),
    )


def best_point(points: Iterable[Point], region: Region, hint: tuple[float, float] | None) -> Point:
    """The point to report among same-named candidates (``points`` must not be empty)."""
    return min(points, key=lambda p: rank_key(p, region, hint))


def hint_point(
    cities: Sequence[Point], zip_point: tuple[float, float] | None
) -> tuple[float, float] | None:
    """Where the text says it is, roughly: the first city named, else the ZIP named."""
    if cities:
        return (cities[0].lat, cities[0].lon)
    return zip_point
