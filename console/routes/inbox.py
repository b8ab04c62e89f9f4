"""The inbox: reports with no place or a rough one, and what a coordinator does with them."""

from typing import Annotated

from fastapi import APIRouter, Form, Request

from console import actions
from console.errors import ConsoleRoute
from console.web import (
    PREFIX,
    Coordinator,
    SessionDep,
    SettingsDep,
    VaultDep,
    Viewer,
    redirect,
    render,
    say,
)
from core import board, inbox, users

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
INBOX = PREFIX + "/inbox"


@router.get("/inbox")
def inbox_page(request: Request, session: SessionDep, _: Viewer):
    return render(
        request,
        "inbox.html",
        reports=board.inbox(session),
        asides=board.asides(session),
        incidents=board.open_incidents(session),
        uncertain_m=board.UNCERTAIN_M,
        nav="inbox",
    )


@router.get("/inbox/{report_id}/pick")
def pick_page(report_id: int, request: Request, session: SessionDep, _: Coordinator):
    """A map to pick the report's place on."""
    return render(request, "pick.html", report=inbox.get_report(session, report_id), nav="inbox")


@router.post("/inbox/{report_id}/place")
def place(
    report_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    who: Coordinator,
    place: Annotated[str, Form(max_length=300)] = "",
    lat: Annotated[float | None, Form(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Form(ge=-180, le=180)] = None,
):
    placed = actions.place_report(
        session, settings, report_id, actor=users.actor(who.user), text=place, lat=lat, lon=lon
    )
    if placed is None:
        return redirect(
            request, INBOX + f"#report-{report_id}", flash=say(request, "inbox.not_found")
        )
    return redirect(request, INBOX, flash=say(request, "inbox.placed", id=placed.incident.id))


@router.post("/inbox/{report_id}/attach")
def attach(
    report_id: int,
    request: Request,
    session: SessionDep,
    who: Coordinator,
    incident_id: Annotated[int, Form()],
):
    incident = actions.attach_report(session, report_id, incident_id, actor=users.actor(who.user))
    return redirect(request, INBOX, flash=say(request, "inbox.attached", id=incident.id))


@router.post("/inbox/{report_id}/reply")
def reply(
    report_id: int,
    request: Request,
    session: SessionDep,
    vault: VaultDep,
    who: Coordinator,
    text: Annotated[str, Form(max_length=1000)] = "",
):
    actions.reply_to_reporter(session, vault, report_id, text, actor=users.actor(who.user))
    return redirect(request, INBOX + f"#report-{report_id}", flash=say(request, "inbox.replied"))
