"""Single-linkage clustering of points, on a grid so a large group stays fast."""

from __future__ import annotations

import math
import statistics

from core.geo.distance import haversine_m


def cluster_points(
    points: list[tuple[float, float]], radius_m: float
) -> list[tuple[float, float, int]]:
    """Groups of points chained at ``radius_m``; each → (median lat, median lon, size).

    Deterministic: groups come out in the order of their first point.
    """
    if not points:
        return []
    cell = radius_m / 111_000.0  # degrees of latitude; longitude cells are wider, still safe
    parent = list(range(len(points)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    grid: dict[tuple[int, int], list[int]] = {}
    for i, (lat, lon) in enumerate(points):
        cy, cx = math.floor(lat / cell), math.floor(lon / cell)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for j in grid.get((cy + dy, cx + dx), ()):
                    if haversine_m(lat, lon, *points[j]) <= radius_m:
                        ri, rj = root(i), root(j)
                        if ri != rj:
                            parent[max(ri, rj)] = min(ri, rj)
        grid.setdefault((cy, cx), []).append(i)
    groups: dict[int, list[tuple[float, float]]] = {}
    for i, p in enumerate(points):
        groups.setdefault(root(i), []).append(p)
    return [
        (statistics.median(q[0] for q in g), statistics.median(q[1] for q in g), len(g))
        for _r, g in sorted(groups.items())
    ]
