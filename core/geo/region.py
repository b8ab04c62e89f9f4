"""The area Avisa serves: a bounding box or a circle, used to bias ambiguous names."""

from __future__ import annotations

from dataclasses import dataclass

from core.geo.distance import haversine_m

DEFAULT_CENTRE = (33.96, -118.21)
"""Southeast Los Angeles (Huntington Park / South Gate / Florence-Firestone)."""
DEFAULT_RADIUS_KM = 25.0


@dataclass(frozen=True)
class Region:
    """A circle (``radius_m`` > 0) or a box (``box`` set). Coordinates in degrees."""

    lat: float = DEFAULT_CENTRE[0]
    lon: float = DEFAULT_CENTRE[1]
    radius_m: float = DEFAULT_RADIUS_KM * 1000.0
    box: tuple[float, float, float, float] | None = None  # south, west, north, east

    @classmethod
    def parse(cls, text: str | None) -> Region:
        """Parse ``"south,west,north,east"`` (a box) or ``"lat,lon,radius_km"`` (a circle).

        Empty or ``None`` gives the default Southeast LA circle. Raises ``ValueError`` on
        anything else, so a bad setting fails at start-up rather than mid-raid.
        """
        if text is None or not text.strip():
            return cls()
        try:
            parts = [float(p) for p in text.split(",")]
        except ValueError as exc:
            raise ValueError(f"region must be numbers separated by commas: {text!r}") from exc
        if len(parts) == 3:
            return cls._circle(*parts)
        if len(parts) == 4:
            return cls._box(*parts)
        raise ValueError(f"region needs 3 (lat,lon,radius_km) or 4 (s,w,n,e) numbers: {text!r}")

    @classmethod
    def _circle(cls, lat: float, lon: float, radius_km: float) -> Region:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180 and radius_km > 0):
            raise ValueError("region circle out of range")
        return cls(lat=lat, lon=lon, radius_m=radius_km * 1000.0)

    @classmethod
    def _box(cls, south: float, west: float, north: float, east: float) -> Region:
        if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
            raise ValueError("region box must be south,west,north,east with south<north, west<east")
        centre = ((south + north) / 2, (west + east) / 2)
        half_diag = haversine_m(south, west, north, east) / 2
        return cls(lat=centre[0], lon=centre[1], radius_m=half_diag, box=(south, west, north, east))

    @property
    def centre(self) -> tuple[float, float]:
        """``(lat, lon)`` of the centre."""
        return (self.lat, self.lon)

    def contains(self, lat: float, lon: float) -> bool:
        """True when the point lies inside the region."""
        if self.box is not None:
            s, w, n, e = self.box
            return s <= lat <= n and w <= lon <= e
        return haversine_m(self.lat, self.lon, lat, lon) <= self.radius_m

    def distance_penalty(self, lat: float, lon: float) -> float:
        """Metres to rank candidates by: 0 inside the region, else distance beyond its edge.

        Inside, ties are broken by callers with ``centre_distance_m``; outside, a same-named
        place 40 km away loses to one inside even when both are otherwise equal.
        """
        if self.contains(lat, lon):
            return 0.0
        return max(0.0, haversine_m(self.lat, self.lon, lat, lon) - self.radius_m) + 1.0

    def centre_distance_m(self, lat: float, lon: float) -> float:
        """Metres from the region centre."""
        return haversine_m(self.lat, self.lon, lat, lon)
