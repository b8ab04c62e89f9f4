"""Which zones hold a place. A zone is a list of ZIPs, a circle, or a GeoJSON (Multi)Polygon.

With no ZIP boundaries offline, a ZIP zone holds a point whose nearest ZIP centroid is one of its
ZIPs, or a report that names one of its ZIPs.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlmodel import Session, select

from core import audit
from core.errors import Conflict, Invalid, NotFound
from core.geo import haversine_m, nearest_zip
from core.models import Zone


def create(
    session: Session,
    *,
    name: str,
    zips: list[str] | None = None,
    center: tuple[float, float] | None = None,
    radius_m: float | None = None,
    geometry: dict[str, Any] | None = None,
    actor: str = "system",
) -> Zone:
    """Add a zone of exactly one shape: ZIPs, a circle (``center`` as (lat, lon) + ``radius_m``)
    or a GeoJSON (Multi)Polygon (audited as ``actor``). Invalid for a bad shape, Conflict for a
    name in use."""
    name = name.strip()
    shapes = [zips is not None, center is not None or radius_m is not None, geometry is not None]
    if not name:
        raise Invalid("name: must not be empty")
    if sum(shapes) != 1:
        raise Invalid("give exactly one of: zips, center + radius_m, geometry")
    if zips is not None and not zips:
        raise Invalid("zips must not be empty")
    if (center is None) != (radius_m is None):
        raise Invalid("center and radius_m go together")
    if geometry is not None:
        validate_geometry(geometry)
    if session.exec(select(Zone.id).where(Zone.name == name)).first() is not None:
        raise Conflict("name: a zone with this name exists")
    zone = Zone(
        name=name,
        zips=zips,
        radius_m=radius_m,
        geometry=geometry,
        center_lat=center[0] if center else None,
        center_lon=center[1] if center else None,
    )
    session.add(zone)
    session.flush()
    audit.record(session, actor=actor, action="zone.create", target=f"zone:{zone.id}")
    return zone


def get(session: Session, zone_id: int) -> Zone:
    zone = session.get(Zone, zone_id)
    if zone is None:
        raise NotFound("no such zone {id}", id=zone_id)
    return zone


def contains(
    zone: Zone, lat: float, lon: float, *, zip_code: str | None = None, near_zip: str | None = None
) -> bool:
    if zone.zips:
        zips = set(zone.zips)
        return (zip_code in zips) or ((near_zip or nearest_zip(lat, lon)) in zips)
    if zone.radius_m is not None and zone.center_lat is not None and zone.center_lon is not None:
        return haversine_m(lat, lon, zone.center_lat, zone.center_lon) <= zone.radius_m
    if zone.geometry:
        return _in_geometry(zone.geometry, lat, lon)
    return False


def zones_containing(
    zones: Iterable[Zone], lat: float, lon: float, *, zip_code: str | None = None
) -> list[Zone]:
    near = nearest_zip(lat, lon)
    return [z for z in zones if contains(z, lat, lon, zip_code=zip_code, near_zip=near)]


def _in_geometry(geometry: dict[str, Any], lat: float, lon: float) -> bool:
    if geometry.get("type") == "Polygon":
        polygons = [geometry["coordinates"]]
    elif geometry.get("type") == "MultiPolygon":
        polygons = geometry["coordinates"]
    else:
        return False
    return any(_in_polygon(rings, lon, lat) for rings in polygons)


def _in_polygon(rings: Sequence[Sequence[Sequence[float]]], x: float, y: float) -> bool:
    """GeoJSON rings ([lon, lat] pairs): inside the outer ring and outside every hole."""
    outer, *holes = rings
    return _in_ring(outer, x, y) and not any(_in_ring(h, x, y) for h in holes)


def _in_ring(ring: Sequence[Sequence[float]], x: float, y: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, list(ring[1:]) + [ring[0]], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def validate_geometry(geometry: dict[str, Any]) -> None:
    """Raise Invalid (a ValueError) with a readable reason when ``geometry`` is not a usable
    (Multi)Polygon."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind not in ("Polygon", "MultiPolygon") or not isinstance(coords, list) or not coords:
        raise Invalid("geometry must be a GeoJSON Polygon or MultiPolygon with coordinates")
    polygons = [coords] if kind == "Polygon" else coords
    for rings in polygons:
        for ring in rings:
            if len(ring) < 4 or any(
                len(p) < 2 or not all(isinstance(v, (int, float)) for v in p[:2]) for p in ring
            ):
                raise Invalid("each ring needs at least 4 [lon, lat] positions")
            if not all(-180 <= p[0] <= 180 and -90 <= p[1] <= 90 for p in ring):
                raise Invalid("positions must be [lon, lat] within range")
