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


MANY_RIVALS = 2
"""Same-named places elsewhere from which on the region's pick is less sure."""
SAME_PLACE_M = 1_500
"""Candidates this close to the chosen one are the same place read twice, not a rival."""


def pick(
    points: Sequence[Point], region: Region, hint: tuple[float, float] | None
) -> tuple[Point, float]:
    """The best of same-named candidates and how much to trust the choice (0..1).

    1.0: one place, or the one the text's city/ZIP points at; lower when rivals elsewhere
    are as plausible, down to below the geocoder's threshold when nothing tells them apart
    ("Pacific y Broadway" with two such corners equally near the region's centre).
    """
    best = best_point(points, region, hint)
    rivals = [p for p in points if haversine_m(p.lat, p.lon, best.lat, best.lon) > SAME_PLACE_M]
    inside = region.contains(best.lat, best.lon)
    if hint is not None:
        d = haversine_m(hint[0], hint[1], best.lat, best.lon)
        if d > HINT_RADIUS_M:
            return best, 0.55 if rivals else 0.8  # the text's city says elsewhere
        near = [p for p in rivals if haversine_m(hint[0], hint[1], p.lat, p.lon) <= HINT_RADIUS_M]
        return best, 0.8 if near else 1.0
    if not rivals:
        return best, 1.0 if inside else 0.9
    if not inside:
        # Several places of that name, none ours: ask. One of k is right about 1/k of the time.
        distinct = {(round(p.lat, 2), round(p.lon, 2)) for p in rivals}
        return best, min(0.45, 1.0 / (1 + len(distinct)))
    rivals_inside = [p for p in rivals if region.contains(p.lat, p.lon)]
    if rivals_inside and best.weight > 0 and not any(p.weight > 0 for p in rivals_inside):
        # A corner a bus stop is named after, against crossings no one names: the stop's.
        return best, 0.9
    if not rivals_inside:
        # Ours is likelier, but a name held by many places across the county ("Bethlehem
        # Lutheran Church") is as often one of theirs.
        return best, 0.95 if len(rivals) < MANY_RIVALS else 0.75
    mine = region.centre_distance_m(best.lat, best.lon) + 1_000
    theirs = min(region.centre_distance_m(p.lat, p.lon) for p in rivals_inside) + 1_000
    ratio = theirs / mine
    return best, 0.85 if ratio >= 3 else 0.65 if ratio >= 1.5 else 0.45
