"""Broadcasts: a coordinator composes a text for some zones and roles, previews what it costs,
then sends it; everyone signed in sees the past ones with their delivery figures.

The same core service as ``POST /api/v1/broadcasts`` (``core.broadcasts``, through
``console.actions``). A refused preview or send shows the form again with what was typed, so a
long text is never lost to a forgotten zone.
"""

from typing import Annotated

from fastapi import APIRouter, Form, Request

from console import actions
from console.errors import ConsoleRoute, message_of
from console.web import PREFIX, Coordinator, SessionDep, Viewer, redirect, render, say
from core import board, broadcasts, subscribers, users
from core.enums import SubscriberRole
from core.errors import AvisaError

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
PAGE = PREFIX + "/broadcasts"
MAX_TEXT = 640  # as the API's BroadcastText: with "Avisa: " in front, at most five segments
ZoneIds = Annotated[list[int], Form()]
Roles = Annotated[list[str], Form()]
Body = Annotated[str, Form(max_length=MAX_TEXT)]


def _page(request: Request, session, *, form: dict | None = None, status_code: int = 200, **more):
    return render(
        request,
        "broadcasts.html",
        status_code,
        rows=board.broadcasts(session),
        zones=board.zones(session),
        roles=subscribers.SUBSCRIBER_ROLES,
        form=form or {"zone_ids": [], "roles": [SubscriberRole.RESPONDER], "es": "", "en": ""},
        max_text=MAX_TEXT,
        nav="broadcasts",
        **more,
    )


def _request(zone_ids, roles, body_es: str, body_en: str) -> broadcasts.BroadcastRequest:
    return broadcasts.BroadcastRequest(
        zone_ids=tuple(zone_ids),
        roles=tuple(roles),
        body={"es": body_es, "en": body_en},
    )


@router.get("/broadcasts")
def broadcasts_page(request: Request, session: SessionDep, _: Viewer):
    return _page(request, session)


@router.post("/broadcasts/preview")
def preview(
    request: Request,
    session: SessionDep,
    _: Coordinator,
    zone_ids: ZoneIds = (),
    roles: Roles = (),
    body_es: Body = "",
    body_en: Body = "",
):
    """What it would cost (recipients, segments) and the texts as they will read; the form stays
    filled in, now with the Send button."""
    form = {"zone_ids": list(zone_ids), "roles": list(roles), "es": body_es, "en": body_en}
    try:
        figures = actions.preview_broadcast(session, _request(zone_ids, roles, body_es, body_en))
    except AvisaError as exc:
        return _page(request, session, form=form, status_code=422, error=message_of(request, exc))
    return _page(request, session, form=form, preview=figures)


@router.post("/broadcasts")
def send(
    request: Request,
    session: SessionDep,
    who: Coordinator,
    zone_ids: ZoneIds = (),
    roles: Roles = (),
    body_es: Body = "",
    body_en: Body = "",
):
    form = {"zone_ids": list(zone_ids), "roles": list(roles), "es": body_es, "en": body_en}
    try:
        broadcast = actions.send_broadcast(
            session, _request(zone_ids, roles, body_es, body_en), actor=users.actor(who.user)
        )
    except AvisaError as exc:
        session.rollback()
        return _page(request, session, form=form, status_code=422, error=message_of(request, exc))
    return redirect(request, PAGE, flash=say(request, "bc.sent", n=broadcast.recipients))
