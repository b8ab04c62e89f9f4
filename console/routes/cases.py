"""Detention cases for legal aid and coordinators (``core.cases``): the list by raid and state,
one case with its story, and legal aid's actions (take, state, note, reply to the family).

Coordinators see a case's state, owner and raid; the person's name, the family's numbers and
words are opened only for legal aid and admins. Every look at a case is audited.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlmodel import col

from console.errors import ConsoleRoute
from console.web import (
    PREFIX,
    Forbidden,
    SessionDep,
    SettingsDep,
    VaultDep,
    redirect,
    render,
    say,
    signed_in,
)
from core import case_offers, cases, users
from core.enums import CaseStatus
from core.models import DetentionCase
from messaging.media import download_recording
from workers.effects import carry_out

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)
Text = Annotated[str, Form(max_length=cases.TEXT_MAX)]


def _seeing(who: Annotated[users.SignedIn, Depends(signed_in)]) -> users.SignedIn:
    if not cases.may_see_cases(who.user.role):
        raise Forbidden()
    return who


def _legal_aid(who: Annotated[users.SignedIn, Depends(signed_in)]) -> users.SignedIn:
    if not cases.may_see_data(who.user.role):
        raise Forbidden()
    return who


Seeing = Annotated[users.SignedIn, Depends(_seeing)]
LegalAid = Annotated[users.SignedIn, Depends(_legal_aid)]


def _page(case_id: int) -> str:
    return f"{PREFIX}/cases/{case_id}"


@router.get("/cases")
def cases_page(
    request: Request,
    session: SessionDep,
    who: Seeing,
    incident_id: int | None = None,
    status: CaseStatus | None = None,
):
    query = cases.listing(incident_id=incident_id, status=status)
    rows = list(session.exec(query.order_by(col(DetentionCase.id).desc()).limit(300)))
    cases.audit_list(session, actor=users.actor(who.user), shown=len(rows))
    session.commit()
    return render(
        request,
        "cases.html",
        rows=rows,
        statuses=list(CaseStatus),
        status=status,
        incident_id=incident_id,
        nav="cases",
    )


@router.get("/cases/{case_id}")
def case_page(case_id: int, request: Request, session: SessionDep, vault: VaultDep, who: Seeing):
    case = cases.get(session, case_id)
    actor = users.actor(who.user)
    if cases.may_see_data(who.user.role):
        opened = cases.details(session, vault, case, actor=actor)
    else:
        opened = None
        cases.audit_summary(session, case, actor=actor)
    session.commit()
    moves = cases.MOVES.get(CaseStatus(case.status), ())
    return render(request, "case.html", case=case, data=opened, moves=moves, nav="cases")


@router.post("/cases/{case_id}/take")
def take(case_id: int, request: Request, session: SessionDep, vault: VaultDep, who: LegalAid):
    carry_out(session, case_offers.take(session, vault, case_id, owner=users.actor(who.user)))
    return redirect(request, _page(case_id), flash=say(request, "cases.done"))


@router.post("/cases/{case_id}/status")
def move(
    case_id: int,
    request: Request,
    session: SessionDep,
    vault: VaultDep,
    who: LegalAid,
    status: Annotated[CaseStatus, Form()],
    facility: Annotated[str, Form(max_length=500)] = "",
):
    decisions = cases.set_status(
        session, vault, case_id, status, actor=users.actor(who.user), facility=facility
    )
    carry_out(session, decisions)
    return redirect(request, _page(case_id), flash=say(request, "cases.done"))


@router.post("/cases/{case_id}/notes")
def add_note(
    case_id: int,
    request: Request,
    session: SessionDep,
    vault: VaultDep,
    who: LegalAid,
    text: Text = "",
):
    cases.add_note(session, vault, case_id, author=users.actor(who.user), text=text)
    session.commit()
    return redirect(request, _page(case_id) + "#story", flash=say(request, "cases.done"))


@router.post("/cases/{case_id}/reply")
def reply(
    case_id: int,
    request: Request,
    session: SessionDep,
    vault: VaultDep,
    who: LegalAid,
    text: Text = "",
):
    carry_out(
        session, cases.reply(session, vault, case_id, author=users.actor(who.user), text=text)
    )
    return redirect(request, _page(case_id) + "#story", flash=say(request, "cases.done"))


@router.get("/cases/{case_id}/recordings/{entry_id}")
def recording(
    case_id: int,
    entry_id: int,
    session: SessionDep,
    settings: SettingsDep,
    vault: VaultDep,
    who: LegalAid,
) -> Response:
    """A caller's recorded answer, fetched from the provider (audited as a look at the case)."""
    case = cases.get(session, case_id)
    url = cases.recording_url(session, vault, case_id, entry_id)
    cases.audit_summary(session, case, actor=users.actor(who.user))
    session.commit()
    session.close()  # the provider may take seconds: hold no database connection meanwhile
    file = download_recording(settings, url)
    return Response(file.content, media_type=file.media_type, headers=file.headers)
