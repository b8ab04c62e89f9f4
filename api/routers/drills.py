"""``/api/v1/drills``: rehearse a raid in a zone and read what the network did (``core.drills``)."""

from fastapi import APIRouter

from api.deps import Coordinator, SessionDep, SettingsDep, Viewer, actor
from api.schemas import API_ERRORS, DrillIn, DrillOut, Id
from core import drills
from workers.effects import carry_out
from workers.geocoding import geocoder_for

router = APIRouter(prefix="/api/v1/drills", tags=["drills"], responses=API_ERRORS)


def drill_out(report: drills.DrillReport) -> DrillOut:
    return DrillOut.model_validate(report, from_attributes=True)


@router.post("", status_code=201)
def start_drill(
    body: DrillIn, session: SessionDep, settings: SettingsDep, key: Coordinator
) -> DrillOut:
    """Send a SIMULACRO / DRILL alert to the zone's responders; their answers are measured."""
    drill, decisions = drills.start(
        session,
        zone_id=body.zone_id,
        place=body.place,
        full=body.full,
        actor=actor(key),
        geocode=lambda text: geocoder_for(session, settings).geocode(text),
    )
    carry_out(session, decisions)
    return drill_out(drills.report(session, drill.id))


@router.get("/{drill_id}")
def get_drill(drill_id: Id, session: SessionDep, _: Viewer) -> DrillOut:
    return drill_out(drills.report(session, drill_id))
