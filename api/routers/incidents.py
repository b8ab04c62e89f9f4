"""Incidents for coordinators: list, detail, GeoJSON, and the actions of ``core.incidents``."""

from typing import Annotated, cast

from fastapi import APIRouter, Body, Query, Response
from sqlmodel import col, select

from api.deps import Coordinator, SessionDep, SettingsDep, Viewer, actor
from api.pagination import Cursor, Limit, Page, paginate
from api.schemas import (
    API_ERRORS,
    FILE_RESPONSE,
    ActionIn,
    Id,
    IncidentDetail,
    IncidentOut,
    MediaOut,
    MergeIn,
    NoteIn,
    NoteOut,
    ReportOut,
    SplitIn,
)
from core import incidents, media
from core.enums import OPEN_INCIDENT, IncidentStatus
from core.models import Incident, IncidentNote
from messaging.media import download
from workers.effects import carry_out

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"], responses=API_ERRORS)
Reason = Annotated[ActionIn | None, Body()]


def incident_out(incident: Incident) -> IncidentOut:
    return IncidentOut.model_validate(incident, from_attributes=True)


@router.get("")
def list_incidents(
    session: SessionDep,
    _: Viewer,
    cursor: Cursor = None,
    limit: Limit = 100,
    status: Annotated[IncidentStatus | None, Query()] = None,
    drill: Annotated[bool, Query(description="true: drills (core.drills) instead")] = False,
) -> Page[IncidentOut]:
    query = select(Incident) if not status else select(Incident).where(Incident.status == status)
    query = query.where(col(Incident.drill).is_(drill))
    rows, next_cursor = paginate(session, query, Incident, cursor, limit)
    return Page(items=[incident_out(i) for i in rows], next_cursor=next_cursor)


@router.get(".geojson")
def incidents_geojson(
    session: SessionDep, _: Viewer, status: Annotated[IncidentStatus | None, Query()] = None
) -> dict:
    """Open incidents (or those of ``status``) as a GeoJSON FeatureCollection, for maps."""
    statuses = [status] if status else list(OPEN_INCIDENT)
    rows = session.exec(
        select(Incident)
        .where(col(Incident.status).in_(statuses), col(Incident.drill).is_(False))
        .order_by(col(Incident.id).desc())
        .limit(1000)
    )
    features = [
        {
            "type": "Feature",
            "id": i.id,
            "geometry": {"type": "Point", "coordinates": [i.lon, i.lat]},
            "properties": incident_out(i).model_dump(mode="json"),
        }
        for i in rows
    ]
    return {"type": "FeatureCollection", "features": features}


@router.get("/{incident_id}")
def get_incident(incident_id: Id, session: SessionDep, _: Viewer) -> IncidentDetail:
    incident = incidents.get(session, incident_id)
    rows = incidents.reports(session, incident_id)
    attached = media.of_reports(session, [cast(int, r.id) for r in rows])
    reports = []
    for row in rows:
        report_id = cast(int, row.id)  # stored rows
        report = ReportOut.model_validate(row, from_attributes=True)
        path = f"/api/v1/reports/{report_id}"
        report.media = [MediaOut.of(m, path) for m in attached.get(report_id, [])]
        reports.append(report)
    return IncidentDetail(**incident_out(incident).model_dump(), reports=reports)


def _act(change, incident_id: int, session, key, body: ActionIn | None) -> IncidentOut:
    reason = body.reason if body else ""
    carry_out(session, change(session, incident_id, actor=actor(key), reason=reason))
    return incident_out(incidents.get(session, incident_id))


@router.post("/{incident_id}/confirm")
def confirm(
    incident_id: Id, session: SessionDep, key: Coordinator, body: Reason = None
) -> IncidentOut:
    return _act(incidents.confirm, incident_id, session, key, body)


@router.post("/{incident_id}/dismiss")
def dismiss(
    incident_id: Id, session: SessionDep, key: Coordinator, body: Reason = None
) -> IncidentOut:
    return _act(incidents.dismiss, incident_id, session, key, body)


@router.post("/{incident_id}/resolve")
def resolve(
    incident_id: Id, session: SessionDep, key: Coordinator, body: Reason = None
) -> IncidentOut:
    return _act(incidents.resolve, incident_id, session, key, body)


@router.post("/{incident_id}/release")
def release(
    incident_id: Id, session: SessionDep, key: Coordinator, body: Reason = None
) -> IncidentOut:
    """A held incident (a flood, a limited number) becomes ``reported``; its alert goes out."""
    return _act(incidents.release, incident_id, session, key, body)


@router.post("/{incident_id}/merge")
def merge(incident_id: Id, body: MergeIn, session: SessionDep, key: Coordinator) -> IncidentOut:
    """Fold this incident into ``into`` (they were one raid)."""
    target = incidents.merge(session, incident_id, into=body.into, actor=actor(key))
    session.commit()
    return incident_out(target)


@router.post("/{incident_id}/split", status_code=201)
def split(incident_id: Id, body: SplitIn, session: SessionDep, key: Coordinator) -> IncidentOut:
    """Move reports out into a new incident (two raids were folded into one)."""
    new = incidents.split(session, incident_id, report_ids=body.report_ids, actor=actor(key))
    session.commit()
    return incident_out(new)


@router.post("/{incident_id}/notes", status_code=201)
def add_note(incident_id: Id, body: NoteIn, session: SessionDep, key: Coordinator) -> NoteOut:
    """A coordinator's note on the incident: ``{"text"}`` (up to 2,000 characters). Audited."""
    note = incidents.add_note(
        session, incident_id, author=key.name, text=body.text, actor=actor(key)
    )
    session.commit()
    return NoteOut.model_validate(note, from_attributes=True)


@router.get("/{incident_id}/notes")
def list_notes(
    incident_id: Id, session: SessionDep, _: Viewer, cursor: Cursor = None, limit: Limit = 100
) -> Page[NoteOut]:
    """The incident's notes, newest first, a page at a time like every list."""
    incidents.get(session, incident_id)  # NotFound → 404
    query = select(IncidentNote).where(IncidentNote.incident_id == incident_id)
    rows, next_cursor = paginate(session, query, IncidentNote, cursor, limit)
    attached = media.of_notes(session, [cast(int, n.id) for n in rows])  # stored rows
    items = []
    for row in rows:
        note = NoteOut.model_validate(row, from_attributes=True)
        path = f"/api/v1/incidents/{incident_id}/notes/{note.id}"
        note.media = [MediaOut.of(m, path) for m in attached.get(note.id, [])]
        items.append(note)
    return Page(items=items, next_cursor=next_cursor)


@router.get(
    "/{incident_id}/notes/{note_id}/media/{media_id}",
    response_class=Response,
    responses=FILE_RESPONSE,
)
def get_note_media(
    incident_id: Id,
    note_id: Id,
    media_id: Id,
    session: SessionDep,
    settings: SettingsDep,
    _: Coordinator,
) -> Response:
    """A photo a responder texted with their note, as ``/api/v1/reports/{id}/media/{id}``."""
    item = media.get_for_note(session, incident_id, note_id, media_id)
    session.close()  # the provider may take seconds: hold no database connection meanwhile
    file = download(settings, item)
    return Response(file.content, media_type=file.media_type, headers=file.headers)
