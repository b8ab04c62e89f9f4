"""The network: subscribers, zones, the audit log."""

import json
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, UploadFile

from console import actions
from console.errors import ConsoleRoute, message_of
from console.web import (
    PREFIX,
    Admin,
    Coordinator,
    SessionDep,
    VaultDep,
    Viewer,
    get_or_404,
    redirect,
    render,
    say,
)
from core import board, subscribers, users
from core.enums import AccessRole
from core.errors import Invalid
from core.models import Subscriber

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
SUBSCRIBERS = PREFIX + "/subscribers"
MAX_IMPORT_BYTES = 5_000_000


def _subscribers_page(
    request: Request, session, vault, *, preview=None, csv_text: str = "", **status
):
    q = request.query_params
    rows = board.subscribers(
        session,
        vault,
        status=q.get("status") or None,
        role=q.get("role") or None,
        zone_id=int(q["zone"]) if q.get("zone", "").isdigit() else None,
        name=q.get("name") or None,
    )
    return render(
        request,
        "subscribers.html",
        rows=rows,
        zones={z.id: z for z in board.zones(session)},
        roles=subscribers.SUBSCRIBER_ROLES,
        channels=subscribers.SUBSCRIBER_CHANNELS,
        statuses=("pending", "active", "opted_out"),
        filters=q,
        preview=preview,
        csv_text=csv_text,
        nav="subscribers",
        **status,
    )


@router.get("/subscribers")
def subscribers_page(request: Request, session: SessionDep, vault: VaultDep, _: Viewer):
    return _subscribers_page(request, session, vault)


@router.post("/subscribers")
def add_subscriber(
    request: Request,
    session: SessionDep,
    vault: VaultDep,
    who: Coordinator,
    phone: Annotated[str, Form(max_length=40)],
    name: Annotated[str, Form(max_length=120)],
    language: Annotated[str, Form()] = "es",
    channel: Annotated[str, Form()] = "sms",
    roles: Annotated[list[str], Form()] = (),
    zone_ids: Annotated[list[int], Form()] = (),
    confirmed: Annotated[bool, Form()] = False,
):
    if confirmed and not users.may(who.user, AccessRole.ADMIN):
        raise Invalid("confirmed: only an admin may add a subscriber as already confirmed")
    data = subscribers.SubscriberInput(
        phone=phone,
        name=name,
        language=language,
        roles=tuple(roles) or ("responder",),
        zone_ids=tuple(zone_ids),
        confirmed=confirmed,
        channel=channel,
    )
    actions.add_subscriber(session, vault, data, actor=users.actor(who.user))
    return redirect(request, SUBSCRIBERS, flash=say(request, "subs.created"))


@router.post("/subscribers/import")
async def import_subscribers(
    request: Request,
    session: SessionDep,
    vault: VaultDep,
    who: Coordinator,
    csv_text: Annotated[str, Form(max_length=MAX_IMPORT_BYTES)] = "",
    csv_file: UploadFile | None = None,
    preview: Annotated[str, Form()] = "",
):
    if csv_file is not None and csv_file.filename:
        csv_text = (await csv_file.read(MAX_IMPORT_BYTES + 1)).decode("utf-8-sig", "replace")
    if not csv_text.strip():
        raise Invalid("csv: paste the rows or choose a file")
    result = actions.import_subscribers(
        session,
        vault,
        csv_text,
        actor=users.actor(who.user),
        allow_confirmed=users.may(who.user, AccessRole.ADMIN),
        preview=bool(preview),
    )
    counts = dict(
        created=len(result.created), updated=len(result.updated), errors=len(result.errors)
    )
    key = "subs.preview_result" if preview else "subs.import_result"
    return _subscribers_page(
        request,
        session,
        vault,
        preview={
            "summary": say(request, key, **counts),
            "errors": [{"row": r, "error": message_of(request, e)} for r, e in result.refusals],
        },
        csv_text=csv_text if preview else "",
    )


@router.get("/subscribers/{subscriber_id}")
def subscriber_page(
    subscriber_id: int, request: Request, session: SessionDep, vault: VaultDep, _: Viewer
):
    subscriber = get_or_404(session, Subscriber, subscriber_id)
    return render(
        request,
        "subscriber.html",
        subscriber=subscriber,
        phone=board.masked_phone(vault, subscriber),
        zone_ids=subscribers.zone_ids_by_subscriber(session, [subscriber.id]).get(
            subscriber.id, []
        ),
        zones=board.zones(session),
        roles=subscribers.SUBSCRIBER_ROLES,
        channels=subscribers.SUBSCRIBER_CHANNELS,
        nav="subscribers",
    )


@router.post("/subscribers/{subscriber_id}")
def update_subscriber(
    subscriber_id: int,
    request: Request,
    session: SessionDep,
    who: Coordinator,
    name: Annotated[str, Form(max_length=120)] = "",
    language: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "",
    roles: Annotated[list[str], Form()] = (),
    zone_ids: Annotated[list[int], Form()] = (),
    opt_out: Annotated[str, Form()] = "",
):
    changes = (
        {"status": "opted_out"}
        if opt_out
        else {
            "name": name or None,
            "language": language or None,
            "channel": channel or None,
            "roles": list(roles) or None,
            "zone_ids": list(zone_ids),
        }
    )
    actions.update_subscriber(
        session,
        subscriber_id,
        actor=users.actor(who.user),
        **{k: v for k, v in changes.items() if v is not None},
    )
    return redirect(request, f"{SUBSCRIBERS}/{subscriber_id}", flash=say(request, "subs.saved"))


@router.get("/zones")
def zones_page(request: Request, session: SessionDep, _: Viewer):
    return render(request, "zones.html", zones=board.zones(session), nav="zones")


@router.post("/zones")
def create_zone(
    request: Request,
    session: SessionDep,
    who: Coordinator,
    name: Annotated[str, Form(max_length=120)],
    shape: Annotated[str, Form()] = "zips",
    zips: Annotated[str, Form(max_length=2000)] = "",
    lat: Annotated[float | None, Form(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Form(ge=-180, le=180)] = None,
    radius_m: Annotated[float | None, Form()] = None,
    geometry: Annotated[str, Form(max_length=200_000)] = "",
):
    if shape == "zips":
        codes = [z.strip() for z in zips.replace(";", ",").split(",") if z.strip()]
        if not codes or not all(len(z) == 5 and z.isdigit() for z in codes):
            raise Invalid("zips: five-digit ZIP codes, separated by commas")
        shaped = {"zips": codes}
    elif shape == "circle":
        if lat is None or lon is None:
            raise Invalid("center: tap the map for the circle's centre")
        if not radius_m or not 0 < radius_m <= 100_000:
            raise Invalid("radius_m: between 1 and 100000 metres")
        shaped = {"center": (lat, lon), "radius_m": radius_m}
    elif shape == "polygon":
        shaped = {"geometry": _geometry(geometry)}
    else:
        raise Invalid("shape: zips, circle or polygon")
    actions.create_zone(session, actor=users.actor(who.user), name=name, **shaped)
    return redirect(request, PREFIX + "/zones", flash=say(request, "zones.created"))


def _geometry(text: str) -> dict:
    try:
        geometry = json.loads(text)
    except ValueError:
        raise Invalid("geometry: draw the polygon on the map") from None
    if not isinstance(geometry, dict):
        raise Invalid("geometry: draw the polygon on the map")
    return geometry


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    _: Admin,
    actor: Annotated[str | None, Query(max_length=80)] = None,
):
    return render(
        request, "audit.html", events=board.audit(session, actor=actor), actor=actor, nav="audit"
    )
