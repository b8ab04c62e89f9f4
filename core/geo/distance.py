"""Distances on the Earth's surface, in metres."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (IUGG), metres."""

_M_PER_DEG_LAT = math.pi * EARTH_RADIUS_M / 180.0


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS84 points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """Return ``(min_lat, min_lon, max_lat, max_lon)`` of a box enclosing a circle.

    The box is conservative (it contains the whole circle), so callers can use it as a cheap
    pre-filter before an exact ``haversine_m`` test.
    """
    dlat = radius_m / _M_PER_DEG_LAT
    # Near the poles cos() tends to 0; clamp so the box stays finite.
    coslat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = min(180.0, dlat / coslat)
    return (max(-90.0, lat - dlat), lon - dlon, min(90.0, lat + dlat), lon + dlon)
