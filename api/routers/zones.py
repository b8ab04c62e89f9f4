from fastapi import APIRouter
from sqlmodel import select

from api.deps import Coordinator, SessionDep, Viewer, actor
from api.pagination import Cursor, Limit, Page, paginate
from api.schemas import API_ERRORS, Id, Point, ZoneIn, ZoneOut
from core import zones
from core.models import Zone

router = APIRouter(prefix="/api/v1/zones", tags=["zones"], responses=API_ERRORS)


def zone_out(zone: Zone) -> ZoneOut:
    center = (
        Point(lat=zone.center_lat, lon=zone.center_lon)
        if zone.center_lat is not None and zone.center_lon is not None
        else None
    )
    return ZoneOut(
        id=zone.id,
        name=zone.name,
        zips=zone.zips,
        center=center,
        radius_m=zone.radius_m,
        geometry=zone.geometry,
        created_at=zone.created_at,
    )


@router.post("", status_code=201)
def create_zone(body: ZoneIn, session: SessionDep, key: Coordinator) -> ZoneOut:
    zone = zones.create(
        session,
        name=body.name,
        zips=body.zips,
        center=(body.center.lat, body.center.lon) if body.center else None,
        radius_m=body.radius_m,
        geometry=body.geometry,
        actor=actor(key),
    )
    session.commit()
    return zone_out(zone)


@router.get("")
def list_zones(
    session: SessionDep, _: Viewer, cursor: Cursor = None, limit: Limit = 100
) -> Page[ZoneOut]:
    rows, next_cursor = paginate(session, select(Zone), Zone, cursor, limit)
    return Page(items=[zone_out(z) for z in rows], next_cursor=next_cursor)


@router.get("/{zone_id}")
def get_zone(zone_id: Id, session: SessionDep, _: Viewer) -> ZoneOut:
    return zone_out(zones.get(session, zone_id))
