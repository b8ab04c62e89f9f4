"""One incident's page and the coordinator actions on it."""

from typing import Annotated

import httpx
from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

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
from core import board, inbox, incidents, users
from core.enums import IncidentStatus

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
def incident_page(incident_id: int, request: Request, session: SessionDep, _: Viewer):
    """The page; htmx asks for it again every few seconds and swaps in its live parts."""
    view = board.incident_view(session, incidents.get(session, incident_id))
    return render(request, "incident.html", view=view, poll_seconds=POLL_SECONDS, nav="board")


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
    text: Annotated[str, Form(max_length=2000)] = "",
):
    actions.add_note(session, incident_id, author=users.actor(who.user), text=text)
    return redirect(request, _page(incident_id) + "#notes", flash=say(request, "incident.done"))


@router.get("/reports/{report_id}/recording")
def recording(report_id: int, session: SessionDep, settings: SettingsDep, _: Viewer):
    """A caller's recording, fetched from the provider with Avisa's credentials: the browser
    never talks to another host, and the provider's URL is never shown."""
    report = inbox.get_report(session, report_id)
    if not report.recording_url:
        return Response(status_code=404)
    answer = httpx.get(
        report.recording_url + ".mp3",
        auth=(settings.twilio_account_sid, settings.twilio_auth_token),
        timeout=20,
        follow_redirects=True,
    )
    if answer.status_code != 200:
        return Response(status_code=502)
    return Response(answer.content, media_type="audio/mpeg")


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
