"""Detention cases for legal aid (``core.cases``): list, detail, and take / status / notes /
reply. Legal aid and admin keys only: a case holds who was taken, where, and the family's words.
Every look at a case is audited."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, status
from pydantic import BaseModel, Field

from api.deps import SessionDep, VaultDep, actor, current_key
from api.pagination import Cursor, Limit, Page, paginate
from api.schemas import API_ERRORS, Id, Strict, Text
from core import case_offers, cases
from core.enums import CaseStatus
from core.models import ApiKey, DetentionCase
from workers.effects import carry_out

router = APIRouter(prefix="/api/v1/cases", tags=["cases"], responses=API_ERRORS)


def legal_aid(key: Annotated[ApiKey, Depends(current_key)]) -> ApiKey:
    if not cases.may_see_data(key.role):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this needs the legal_aid or admin role")
    return key


LegalAid = Annotated[ApiKey, Depends(legal_aid)]


class CaseOut(BaseModel):
    id: int
    status: CaseStatus
    language: str
    channel: str
    incident_id: int | None
    zone_id: int | None
    owner: str | None
    step: str  # the question the family was last asked, or "done"
    offered_at: datetime | None
    escalated_at: datetime | None
    taken_at: datetime | None
    closed_at: datetime | None
    purged_at: datetime | None
    created_at: datetime
    updated_at: datetime


class EntryOut(BaseModel):
    id: int
    kind: str  # note, family, reply, status, recording (fetched in the console)
    author: str
    text: str
    created_at: datetime


class CaseDetail(CaseOut):
    name: str
    birth: str  # birth date or A-number, as the family wrote it
    place: str
    taken: str  # when, in the family's words
    contact: str  # the best number to reach the family
    family: str  # the number (or WhatsApp address) that reported it
    facility: str
    entries: list[EntryOut]


class StatusIn(Strict):
    status: CaseStatus
    facility: Annotated[Text, Field(max_length=500)] = ""


class CaseTextIn(Strict):
    text: Annotated[Text, Field(min_length=1, max_length=cases.TEXT_MAX)]


def case_out(case: DetentionCase) -> CaseOut:
    return CaseOut.model_validate(case, from_attributes=True)


def detail(session: SessionDep, vault: VaultDep, case: DetentionCase, key: ApiKey) -> CaseDetail:
    opened = cases.details(session, vault, case, actor=actor(key))
    session.commit()  # the look is audited even when nothing else changes
    entries = [EntryOut(**e.__dict__) for e in opened.entries]
    data = {k: v for k, v in opened.__dict__.items() if k != "entries"}
    return CaseDetail(**case_out(case).model_dump(), **data, entries=entries)


@router.get("")
def list_cases(
    session: SessionDep,
    key: LegalAid,
    cursor: Cursor = None,
    limit: Limit = 100,
    incident_id: Annotated[Id | None, Query()] = None,
    status: Annotated[CaseStatus | None, Query()] = None,
    zone_id: Annotated[Id | None, Query()] = None,
) -> Page[CaseOut]:
    """Cases, newest first, without personal data (the detail has it)."""
    query = cases.listing(incident_id=incident_id, status=status, zone_id=zone_id)
    rows, next_cursor = paginate(session, query, DetentionCase, cursor, limit)
    cases.audit_list(session, actor=actor(key), shown=len(rows))
    session.commit()
    return Page(items=[case_out(c) for c in rows], next_cursor=next_cursor)


@router.get("/{case_id}")
def get_case(case_id: Id, session: SessionDep, vault: VaultDep, key: LegalAid) -> CaseDetail:
    """One case with what the family told us, its notes and texts. Audited."""
    return detail(session, vault, cases.get(session, case_id), key)


@router.post("/{case_id}/take")
def take(case_id: Id, session: SessionDep, vault: VaultDep, key: LegalAid) -> CaseDetail:
    """Own a new case (409 when someone took it first)."""
    carry_out(session, case_offers.take(session, vault, case_id, owner=actor(key)))
    return detail(session, vault, cases.get(session, case_id), key)


@router.post("/{case_id}/status")
def move(
    case_id: Id, body: StatusIn, session: SessionDep, vault: VaultDep, key: LegalAid
) -> CaseDetail:
    """``{"status", "facility"?}``; the family is told (409 for a move its state refuses)."""
    decisions = cases.set_status(
        session, vault, case_id, body.status, actor=actor(key), facility=body.facility
    )
    carry_out(session, decisions)
    return detail(session, vault, cases.get(session, case_id), key)


@router.post("/{case_id}/notes", status_code=201)
def add_note(
    case_id: Id, body: CaseTextIn, session: SessionDep, vault: VaultDep, key: LegalAid
) -> CaseDetail:
    cases.add_note(session, vault, case_id, author=actor(key), text=body.text)
    session.commit()
    return detail(session, vault, cases.get(session, case_id), key)


@router.post("/{case_id}/reply")
def reply(
    case_id: Id, body: CaseTextIn, session: SessionDep, vault: VaultDep, key: LegalAid
) -> CaseDetail:
    """Text the family (``Avisa case #n, legal aid: …``)."""
    carry_out(session, cases.reply(session, vault, case_id, author=actor(key), text=body.text))
    return detail(session, vault, cases.get(session, case_id), key)
