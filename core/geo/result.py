"""The value a geocode returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

PRECISION_M = {
    "corner": 100.0,
    "station": 150.0,
    "place": 150.0,
    "address": 50.0,
    "zip": 2000.0,
    "city": 3000.0,
}
"""Typical radius of uncertainty, metres, by kind of match (custom places carry their own)."""


@dataclass(frozen=True)
class GeoResult:
    """A point understood from a text, with how sure we are of it.

    ``precision_m`` is a radius in metres; ``source`` is ``"gazetteer"``, ``"place"`` (a
    coordinator-added place) or ``"online"``; ``kind`` is ``"corner"``, ``"station"``,
    ``"zip"``, ``"place"``, ``"city"``, ``"address"`` or ``"block"`` (between two corners);
    ``matched`` is the span understood (e.g. ``"Pacific / Florence"``); ``zip`` is the ZIP
    named in the text, else the nearest ZIP centroid to the point; ``confidence`` in 0..1 is
    how sure the reading is (spelling fixes, same-named places elsewhere, how far outside the
    served region), calibrated so that it is the measured share of such readings that lie
    within their precision (``core.geo.calibration``): the geocoder answers None rather than a
    result below its threshold.
    """

    lat: float
    lon: float
    precision_m: float
    source: str
    kind: str
    matched: str
    zip: str | None = None
    confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: lat, lon, precision_m, source, kind, matched, zip, confidence."""
        return asdict(self)


@dataclass(frozen=True)
class CustomPlace:
    """A coordinator-added place ("el Home Depot de Slauson"); loaded from the database by
    the caller and passed to ``Geocoder(places=...)``. ``precision_m`` in metres."""

    name: str
    aliases: tuple[str, ...]
    lat: float
    lon: float
    precision_m: float = 100.0
