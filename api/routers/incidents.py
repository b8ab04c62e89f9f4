from typing import Annotated

from fastapi import APIRouter, Body, HTTPException, Query
from sqlmodel import col, select

from api.deps import Coordinator, SessionDep, Viewer, get_or_404
from api.pagination import Cursor, Limit, Page, paginate
from api.schemas import (
    ActionIn,
    IncidentDetail,
    IncidentOut,
    MergeIn,
    NoteIn,
    NoteOut,
    ReportOut,
    SplitIn,
)
from core import incidents, policy
from core.models import OPEN_INCIDENT, Incident, IncidentNote, Report
from workers.effects import Effects

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])


def incident_out(incident: Incident) -> IncidentOut:
    return IncidentOut.model_validate(incident, from_attributes=True)


def load(session, incident_id: int) -> Incident:
    return get_or_404(session, Incident, incident_id)


@router.get("")
def list_incidents(
    session: SessionDep,
    _: Viewer,
    cursor: Cursor = None,
    limit: Limit = 100,
    status: Annotated[str | None, Query()] = None,
) -> Page[IncidentOut]:
    query = select(Incident) if not status else select(Incident).where(Incident.status == status)
    rows, next_cursor = paginate(session, query, Incident, cursor, limit)
    return Page(items=[incident_out(i) for i in rows], next_cursor=next_cursor)


@router.get(".geojson")
def incidents_geojson(
    session: SessionDep, _: Viewer, status: Annotated[str | None, Query()] = None
) -> dict:
    """Open incidents (or those of ``status``) as a GeoJSON FeatureCollection, for maps."""
    statuses = [status] if status else list(OPEN_INCIDENT)
    rows = session.exec(
        select(Incident)
        .where(col(Incident.status).in_(statuses))
        .order_by(col(Incident.id).desc())
        .limit(1000)
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": i.id,
                "geometry": {"type": "Point", "coordinates": [i.lon, i.lat]},
                "properties": incident_out(i).model_dump(mode="json"),
            }
            for i in rows
        ],
    }


@router.get("/{incident_id}")
def get_incident(incident_id: int, session: SessionDep, _: Viewer) -> IncidentDetail:
    incident = load(session, incident_id)
    reports = session.exec(
        select(Report).where(Report.incident_id == incident.id).order_by(col(Report.id))
    ).all()
    return IncidentDetail(
        **incident_out(incident).model_dump(),
        reports=[ReportOut.model_validate(r, from_attributes=True) for r in reports],
    )


def _act(incident_id: int, status: str, session, key, body: ActionIn | None) -> IncidentOut:
    incident = load(session, incident_id)
    try:
        alerts = policy.transition(
            session,
            incident,
            status,
            actor=f"apikey:{key.name}",
            reason=body.reason if body else "",
        )
    except policy.InvalidTransition as exc:
        raise HTTPException(409, str(exc)) from None
    session.commit()
    effects = Effects()
    effects.alerts(alerts)
    effects.enqueue()
    return incident_out(incident)


@router.post("/{incident_id}/confirm")
def confirm(
    incident_id: int,
    session: SessionDep,
    key: Coordinator,
    body: Annotated[ActionIn | None, Body()] = None,
) -> IncidentOut:
    return _act(incident_id, "confirmed", session, key, body)


@router.post("/{incident_id}/dismiss")
def dismiss(
    incident_id: int,
    session: SessionDep,
    key: Coordinator,
    body: Annotated[ActionIn | None, Body()] = None,
) -> IncidentOut:
    return _act(incident_id, "dismissed", session, key, body)


@router.post("/{incident_id}/resolve")
def resolve(
    incident_id: int,
    session: SessionDep,
    key: Coordinator,
    body: Annotated[ActionIn | None, Body()] = None,
) -> IncidentOut:
    return _act(incident_id, "resolved", session, key, body)


@router.post("/{incident_id}/merge")
def merge(incident_id: int, body: MergeIn, session: SessionDep, key: Coordinator) -> IncidentOut:
    """Fold this incident into ``into`` (they were one raid)."""
    source, target = load(session, incident_id), load(session, body.into)
    try:
        incidents.merge(session, source, target, actor=f"apikey:{key.name}")
    except incidents.IncidentError as exc:
        raise HTTPException(409, str(exc)) from None
    session.commit()
    return incident_out(target)


@router.post("/{incident_id}/split", status_code=201)
def split(incident_id: int, body: SplitIn, session: SessionDep, key: Coordinator) -> IncidentOut:
    """Move reports out into a new incident (two raids were folded into one)."""
    incident = load(session, incident_id)
    try:
        new = incidents.split(session, incident, body.report_ids, actor=f"apikey:{key.name}")
    except incidents.IncidentError as exc:
        raise HTTPException(409, str(exc)) from None
    session.commit()
    return incident_out(new)


@router.post("/{incident_id}/notes", status_code=201)
def add_note(incident_id: int, body: NoteIn, session: SessionDep, key: Coordinator) -> NoteOut:
    note = IncidentNote(incident_id=load(session, incident_id).id, author=key.name, text=body.text)
    session.add(note)
    session.commit()
    return NoteOut.model_validate(note, from_attributes=True)


@router.get("/{incident_id}/notes")
def list_notes(incident_id: int, session: SessionDep, _: Viewer) -> list[NoteOut]:
    notes = session.exec(
        select(IncidentNote)
        .where(IncidentNote.incident_id == load(session, incident_id).id)
        .order_by(col(IncidentNote.id))
    )
    return [NoteOut.model_validate(n, from_attributes=True) for n in notes]
