"""Coordinators' own places and aliases ("el Home Depot de Slauson"): they win over the
gazetteer when a text names them (``core.geo.places`` matches them)."""

from collections.abc import Sequence

from sqlmodel import Session, select

from core import audit
from core.errors import Conflict, Invalid, NotFound
from core.geo import CustomPlace
from core.models import Place


def create(
    session: Session,
    *,
    name: str,
    lat: float,
    lon: float,
    aliases: Sequence[str] = (),
    precision_m: float = 100.0,
    actor: str = "system",
) -> Place:
    """Add a place (audited as ``actor``); Conflict for a name in use, Invalid for coordinates
    out of range."""
    name = name.strip()
    if len(name) < 2:
        raise Invalid("name: at least 2 characters")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise Invalid("lat/lon: out of range")
    if session.exec(select(Place.id).where(Place.name == name)).first() is not None:
        raise Conflict("name: a place with this name exists")
    unique = list(dict.fromkeys(a.strip() for a in aliases if a.strip()))
    place = Place(name=name, aliases=unique, lat=lat, lon=lon, precision_m=precision_m)
    session.add(place)
    session.flush()
    audit.record(session, actor=actor, action="place.create", target=f"place:{place.id}")
    return place


def delete(session: Session, place_id: int, *, actor: str = "system") -> None:
    place = session.get(Place, place_id)
    if place is None:
        raise NotFound("no such place {id}", id=place_id)
    session.delete(place)
    audit.record(session, actor=actor, action="place.delete", target=f"place:{place_id}")


def as_custom_places(session: Session) -> list[CustomPlace]:
    """Every place in the form the geocoder takes (``Geocoder(places=...)``)."""
    return [
        CustomPlace(
            name=p.name,
            aliases=tuple(p.aliases),
            lat=p.lat,
            lon=p.lon,
            precision_m=p.precision_m,
        )
        for p in session.exec(select(Place))
    ]
