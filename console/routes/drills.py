"""Drills from the console: a button on each zone starts one through the same service
as ``POST /api/v1/drills``; the drill's page shows what the network did, refreshed live."""

from typing import Annotated

from fastapi import APIRouter, Form, Request

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
from core import drills, users
from workers.effects import carry_out
from workers.geocoding import geocoder_for

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)


@router.post("/zones/{zone_id}/drill")
def start_drill(
    zone_id: int,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    who: Coordinator,
    place: Annotated[str, Form(max_length=200)] = "",
    full: Annotated[bool, Form()] = False,
):
    drill, decisions = drills.start(
        session,
        zone_id=zone_id,
        place=place.strip() or None,
        full=full,
        actor=users.actor(who.user),
        geocode=lambda text: geocoder_for(session, settings).geocode(text),
    )
    carry_out(session, decisions)
    return redirect(request, f"{PREFIX}/drills/{drill.id}", flash=say(request, "drill.started"))


@router.get("/drills/{drill_id}")
def drill_page(drill_id: int, request: Request, session: SessionDep, _: Viewer):
    figures = drills.report(session, drill_id)
    return render(request, "drill.html", drill=figures, poll_seconds=POLL_SECONDS, nav="zones")


@router.get("/drills/{drill_id}/figures")
def drill_figures(drill_id: int, request: Request, session: SessionDep, _: Viewer):
    """The figures alone, for the page's live refresh."""
    return render(request, "_drill_figures.html", drill=drills.report(session, drill_id))
