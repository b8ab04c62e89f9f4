from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, Query
from sqlmodel import col, select

from api.deps import Coordinator, SessionDep, Viewer
from api.pagination import Cursor, Limit, Page, paginate
from api.schemas import ActionIn, IncidentDetail, IncidentOut, ReportOut
from core import policy
from core.models import Incident, Report
from workers.effects import Effects

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])


def incident_out(incident: Incident) -> IncidentOut:
    return IncidentOut.model_validate(incident, from_attributes=True)


def load(session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise HTTPException(404, "no such incident")
    return incident


@router.get("")
def list_incidents(session: SessionDep, _: Viewer, cursor: Cursor = None, limit: Limit = 100,
                   status: Annotated[str | None, Query()] = None) -> Page[IncidentOut]:
    query = select(Incident) if not status else select(Incident).where(Incident.status == status)
    rows, next_cursor = paginate(session, query, Incident, cursor, limit)
    return Page(items=[incident_out(i) for i in rows], next_cursor=next_cursor)


@router.get("/{incident_id}")
def get_incident(incident_id: int, session: SessionDep, _: Viewer) -> IncidentDetail:
    incident = load(session, incident_id)
    reports = session.exec(select(Report).where(Report.incident_id == incident.id).order_by(col(Report.id))).all()
    return IncidentDetail(**incident_out(incident).model_dump(),
                          reports=[ReportOut.model_validate(r, from_attributes=True) for r in reports])


def _act(incident_id: int, status: str, session, key, body: ActionIn | None) -> IncidentOut:
    incident = load(session, incident_id)
    try:
        alerts = policy.transition(session, incident, status, actor=f"apikey:{key.name}", reason=body.reason if body else "")
    except policy.InvalidTransition as exc:
        raise HTTPException(409, str(exc)) from None
    session.commit()
    effects = Effects()
    effects.alerts(alerts)
    effects.enqueue()
    return incident_out(incident)


@router.post("/{incident_id}/confirm")
def confirm(incident_id: int, session: SessionDep, key: Coordinator, body: Annotated[ActionIn | None, Body()] = None) -> IncidentOut:
    return _act(incident_id, "confirmed", session, key, body)


@router.post("/{incident_id}/dismiss")
def dismiss(incident_id: int, session: SessionDep, key: Coordinator, body: Annotated[ActionIn | None, Body()] = None) -> IncidentOut:
    return _act(incident_id, "dismissed", session, key, body)


@router.post("/{incident_id}/resolve")
def resolve(incident_id: int, session: SessionDep, key: Coordinator, body: Annotated[ActionIn | None, Body()] = None) -> IncidentOut:
    return _act(incident_id, "resolved", session, key, body)
