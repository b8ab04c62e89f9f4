"""One incident's page and the coordinator actions on it."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response

from console import actions
from console.errors import ConsoleRoute
from console.web import (
    POLL_SECONDS,
    PREFIX,
    Coordinator,
    SessionDep,
    SettingsDep,
    Viewer,
    redirect,
    render,
    say,
)
from core import board, cases, inbox, incidents, media, users
from core.enums import IncidentStatus
from messaging.media import Download, download, download_recording

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
STATUSES = {
    "confirm": IncidentStatus.CONFIRMED,
    "dismiss": IncidentStatus.DISMISSED,
    "resolve": IncidentStatus.RESOLVED,
    "release": IncidentStatus.REPORTED,  # held → reported: its alert goes out
}


def _page(incident_id: int) -> str:
    return f"{PREFIX}/incidents/{incident_id}"


@router.get("/incidents/{incident_id}")
def incident_page(incident_id: int, request: Request, session: SessionDep, who: Viewer):
    """The page; htmx asks for it again every few seconds and swaps in its live parts."""
    view = board.incident_view(session, incidents.get(session, incident_id))
    # The raid's detention cases (state and owner only), for those who may see cases.
    raid_cases = (
        cases.of_incident(session, incident_id) if cases.may_see_cases(who.user.role) else None
    )
    return render(
        request,
        "incident.html",
        view=view,
        poll_seconds=POLL_SECONDS,
        nav="board",
        is_photo=media.is_photo,
        raid_cases=raid_cases,
    )


@router.get("/incidents/{incident_id}/map.geojson")
def incident_map(incident_id: int, session: SessionDep, _: Viewer):
    """The incident and its reports' places with their precision, for the page's small map."""
    return JSONResponse(board.incident_features(session, incidents.get(session, incident_id)))


@router.post("/incidents/{incident_id}/merge")
def merge(
    incident_id: int,
    request: Request,
    session: SessionDep,
    who: Coordinator,
    into: Annotated[int, Form()],
):
    target = actions.merge(session, incident_id, into=into, actor=users.actor(who.user))
    return redirect(request, _page(target.id), flash=say(request, "incident.done"))


@router.post("/incidents/{incident_id}/split")
def split(
    incident_id: int,
    request: Request,
    session: SessionDep,
    who: Coordinator,
    report_ids: Annotated[list[int], Form()] = (),
):
    new = actions.split(
        session, incident_id, report_ids=list(report_ids), actor=users.actor(who.user)
    )
    return redirect(request, _page(new.id), flash=say(request, "incident.done"))


@router.post("/incidents/{incident_id}/notes")
def add_note(
    incident_id: int,
    request: Request,
    session: SessionDep,
    who: Coordinator,
    text: Annotated[str, Form(max_length=incidents.NOTE_MAX)] = "",
):
    actions.add_note(session, incident_id, author=users.actor(who.user), text=text)
    return redirect(request, _page(incident_id) + "#notes", flash=say(request, "incident.done"))


@router.get("/reports/{report_id}/recording")
def recording(report_id: int, session: SessionDep, settings: SettingsDep, _: Viewer):
    """A caller's recording, fetched from the provider with Avisa's credentials: the browser
    never talks to another host, and the provider's URL is never shown."""
    url = inbox.get_report(session, report_id).recording_url
    session.close()  # the provider may take seconds: hold no database connection meanwhile
    return _file(download_recording(settings, url))


@router.get("/reports/{report_id}/media/{media_id}")
def report_media(
    report_id: int, media_id: int, session: SessionDep, settings: SettingsDep, _: Coordinator
):
    """A resident's photo or clip, the same way (coordinators only: it may show a face)."""
    item = media.get(session, report_id, media_id)
    session.close()
    return _file(download(settings, item))


@router.get("/incidents/{incident_id}/notes/{note_id}/media/{media_id}")
def note_media(
    incident_id: int,
    note_id: int,
    media_id: int,
    session: SessionDep,
    settings: SettingsDep,
    _: Coordinator,
):
    """A photo a responder texted from the scene with their note, the same way."""
    item = media.get_for_note(session, incident_id, note_id, media_id)
    session.close()
    return _file(download(settings, item))


def _file(file: Download) -> Response:
    return Response(file.content, media_type=file.media_type, headers=file.headers)


# Last: its path would also match the routes above.
@router.post("/incidents/{incident_id}/{action}")
def act(
    incident_id: int,
    action: str,
    request: Request,
    session: SessionDep,
    who: Coordinator,
    reason: Annotated[str, Form(max_length=500)] = "",
):
    if action not in STATUSES:
        return render(request, "error.html", 404, message=say(request, "error.not_found"))
    actions.change_status(
        session, incident_id, STATUSES[action], actor=users.actor(who.user), reason=reason
    )
    return redirect(request, _page(incident_id), flash=say(request, "incident.done"))
