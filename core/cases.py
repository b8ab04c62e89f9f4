"""Detention cases: a family's report that someone was taken, and legal aid's work on it.

A case is opened by the family's conversation (``core.detention``) or a call, offered to the
legal aid volunteers of its zone (all of them when no zone is known), taken by the first who
answers (a conditional update: one owner), moved through ``CaseStatus`` by its owner (by text)
or in the console and the API, and told to the family at every change. Nobody taking it within
``AVISA_CASE_TAKE_MINUTES`` offers it wider: to every legal aid volunteer and the zone's
coordinators, once (``escalated_at`` is claimed like an incident's).

Privacy: every word that names or places the person — name, birth date or A-number, place,
time, the family's numbers, the facility, notes and texts — is sealed with the phone vault and
opened only for legal aid and admins (``may_see_data``); every look at a case is audited; the
texts about a case have dedupe keys ``case:<id>:…``, so the messages API and replay hide their
bodies (``is_case_text``) and the purge (``core.case_privacy``) erases them with the case.

Offering, taking and escalating a case: ``core.case_offers``.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from core import audit, channels
from core.audience import zone_ids_for
from core.clock import now
from core.decisions import Decisions
from core.enums import (
    OPEN_CASE,
    AccessRole,
    CaseStatus,
    Channel,
    IncidentStatus,
    Language,
    SubscriberStatus,
)
from core.errors import Conflict, Invalid, NotFound
from core.geo import bounding_box, haversine_m
from core.matching import reach_m
from core.models import CaseEntry, DetentionCase, Incident, Subscriber, Zone
from core.phones import PhoneVault
from core.zones import zones_containing

PURGED = "purged"
RECORDING = "recording"  # a caller's recorded answer (core.detention_call): its URL, sealed
TEXT_MAX = 1000
# A raid this long before the family's report may be the one their person was taken in.
INCIDENT_LOOKBACK = timedelta(hours=24)
# Incidents a detention may belong to: real raids someone reported, whatever became of them.
LINKABLE = (
    IncidentStatus.REPORTED,
    IncidentStatus.CONFIRMED,
    IncidentStatus.RESOLVED,
    IncidentStatus.EXPIRED,
)
# Moves an owner (or the console, the API) may make from each state; a new case is taken first.
_WORKING = (
    CaseStatus.IN_CONTACT,
    CaseStatus.LOCATED,
    CaseStatus.RELEASED,
    CaseStatus.DEPORTED,
    CaseStatus.CLOSED,
)
MOVES: dict[CaseStatus, tuple[CaseStatus, ...]] = {
    CaseStatus.NEW: (CaseStatus.CLOSED,),  # a duplicate or a mistake; else it is taken first
    CaseStatus.TAKEN: _WORKING,
    # Located again: moved to another facility.
    **{s: tuple(t for t in _WORKING if t != s or t == CaseStatus.LOCATED) for s in _WORKING[:-1]},
}
FAMILY_TEMPLATE: dict[CaseStatus, str] = {
    s: f"case_family_{s.value}" for s in CaseStatus if s != CaseStatus.NEW
}
SEES_CASES = frozenset({AccessRole.LEGAL_AID, AccessRole.COORDINATOR, AccessRole.ADMIN})
SEES_DATA = frozenset({AccessRole.LEGAL_AID, AccessRole.ADMIN})


def may_see_cases(role: str) -> bool:
    """Legal aid, coordinators and admins see cases (coordinators without personal data)."""
    return role in SEES_CASES


def may_see_data(role: str) -> bool:
    """Only legal aid and admins see who was taken, where, and the family's words."""
    return role in SEES_DATA


def is_case_text(dedupe_key: str) -> bool:
    """A text about a case: its body is for the family and legal aid only."""
    return dedupe_key.startswith("case:")


def key(case: DetentionCase, what: str) -> str:
    return f"case:{case.id}:{what}"


# ---- reading


def get(session: Session, case_id: int) -> DetentionCase:
    """The case, or NotFound."""
    case = session.get(DetentionCase, case_id)
    if case is None:
        raise NotFound("no such case {id}", id=case_id)
    return case


def listing(
    *, incident_id: int | None = None, status: str | None = None, zone_id: int | None = None
) -> SelectOfScalar[DetentionCase]:
    """Cases matching the filters, as a query to page through (newest first)."""
    query = select(DetentionCase)
    if incident_id is not None:
        query = query.where(DetentionCase.incident_id == incident_id)
    if status is not None:
        query = query.where(DetentionCase.status == status)
    if zone_id is not None:
        query = query.where(DetentionCase.zone_id == zone_id)
    return query


def of_incident(session: Session, incident_id: int) -> list[DetentionCase]:
    query = listing(incident_id=incident_id).order_by(col(DetentionCase.id))
    return list(session.exec(query))


@dataclass(frozen=True)
class Entry:
    id: int
    kind: str  # note, family, reply, status, recording (a caller's answer: ``author`` call:<step>)
    author: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class Details:
    """What a case says of the person and the family, opened: for legal aid and admins only."""

    name: str
    birth: str
    place: str
    taken: str
    contact: str
    family: str
    facility: str
    entries: list[Entry]


def details(session: Session, vault: PhoneVault, case: DetentionCase, *, actor: str) -> Details:
    """Open the case's sealed words for ``actor`` (who must be allowed: ``may_see_data``); the
    look is audited."""
    audit.record(session, actor=actor, action="case.view", target=f"case:{case.id}")

    def opened(token: str | None) -> str:
        return vault.open(token) if token else ""

    rows = session.exec(
        select(CaseEntry).where(CaseEntry.case_id == case.id).order_by(col(CaseEntry.id))
    )
    entries = [
        # A recording's provider URL is fetched through Avisa, never shown.
        Entry(
            cast(int, e.id),
            e.kind,
            e.author,
            "" if e.kind == RECORDING else opened(e.text_enc),
            e.created_at,
        )
        for e in rows
    ]
    return Details(
        name=opened(case.name_enc),
        birth=opened(case.birth_enc),
        place=opened(case.place_enc),
        taken=opened(case.taken_enc),
        contact=opened(case.contact_enc),
        family=opened(case.family_enc),
        facility=opened(case.facility_enc),
        entries=entries,
    )


def audit_list(session: Session, *, actor: str, shown: int) -> None:
    """A list of cases (no personal data in it) is a look too: who, and how many."""
    audit.record(session, actor=actor, action="case.list", target="cases", detail=str(shown))


def audit_summary(session: Session, case: DetentionCase, *, actor: str) -> None:
    """A look at a case without its personal data is a look too."""
    audit.record(session, actor=actor, action="case.view_summary", target=f"case:{case.id}")


def open_for(session: Session, family_hash: str) -> DetentionCase | None:
    """The family's latest case still open, if any."""
    query = (
        select(DetentionCase)
        .where(
            DetentionCase.family_hash == family_hash,
            col(DetentionCase.status).in_(OPEN_CASE),
        )
        .order_by(col(DetentionCase.id).desc())
    )
    return session.exec(query).first()


# ---- opening


def open_case(
    session: Session,
    vault: PhoneVault,
    *,
    source_sid: str,
    family: str,
    language: Language,
    channel: Channel,
    step: str = "done",
    step_until: datetime | None = None,
) -> tuple[DetentionCase, bool]:
    """The case opened by ``source_sid`` (a text's or a call's Sid), created on first sight;
    (case, created). ``family`` is the channel address that reported it."""
    existing = session.exec(
        select(DetentionCase).where(DetentionCase.source_sid == source_sid)
    ).first()
    if existing is not None:
        return existing, False
    number = channels.number(family)
    case = DetentionCase(
        source_sid=source_sid,
        language=language,
        channel=channel,
        family_enc=vault.seal(family),
        family_hash=vault.index(number),
        step=step,
        step_until=step_until,
    )
    session.add(case)
    session.flush()
    audit.record(session, actor="family", action="case.open", target=f"case:{case.id}")
    return case, True


def seal(vault: PhoneVault, text: str) -> str:
    return vault.seal(text.strip()[:TEXT_MAX])


def locate(
    session: Session,
    case: DetentionCase,
    lat: float,
    lon: float,
    precision_m: float,
    *,
    radius_m: float,
    zip_code: str | None = None,
) -> None:
    """Place the case: the raid it most likely came from (``link_incident``) and its zone."""
    case.lat, case.lon = lat, lon
    incident = link_incident(
        session, lat, lon, precision_m, radius_m=radius_m, since=case.created_at - INCIDENT_LOOKBACK
    )
    if incident is not None:
        case.incident_id = incident.id
        zone_ids = zone_ids_for(session, incident)
    else:
        zones = session.exec(select(Zone)).all()
        zone_ids = sorted(
            cast(int, z.id) for z in zones_containing(zones, lat, lon, zip_code=zip_code)
        )
    case.zone_id = zone_ids[0] if zone_ids else None
    session.add(case)


def link_incident(
    session: Session,
    lat: float,
    lon: float,
    precision_m: float,
    *,
    radius_m: float,
    since: datetime,
) -> Incident | None:
    """The nearest real raid reported since ``since`` whose place and the family's place are one
    (the matching radius, widened by both places' uncertainty), or None."""
    box = bounding_box(lat, lon, reach_m(radius_m, precision_m, 5000.0))
    rows = session.exec(
        select(Incident).where(
            col(Incident.status).in_(LINKABLE),
            col(Incident.drill).is_(False),
            Incident.last_seen >= since,
            col(Incident.lat).between(box[0], box[2]),
            col(Incident.lon).between(box[1], box[3]),
        )
    )
    best, best_distance = None, float("inf")
    for incident in rows:
        distance = haversine_m(lat, lon, incident.lat, incident.lon)
        if (
            distance <= reach_m(radius_m, precision_m, incident.precision_m)
            and distance < best_distance
        ):
            best, best_distance = incident, distance
    return best


# ---- moving


def set_status(
    session: Session,
    vault: PhoneVault,
    case_id: int,
    status: CaseStatus,
    *,
    actor: str,
    facility: str = "",
) -> Decisions:
    """Move the case (audited) and tell the family in one short text. ``located`` may name the
    facility. Conflict for a move its state does not allow (a new case is taken first; a closed
    one stays closed) or when someone else moved it meanwhile."""
    case = get(session, case_id)
    current = CaseStatus(case.status)
    if status not in MOVES.get(current, ()):
        raise Conflict(
            "case {id} cannot go from {current} to {status}",
            id=case_id,
            current=current.value,
            status=status.value,
        )
    values: dict[str, object] = {"status": status, "updated_at": now()}
    if facility.strip():
        values["facility_enc"] = seal(vault, facility)
    if status == CaseStatus.CLOSED:
        values["closed_at"] = now()
    moved = session.exec(
        update(DetentionCase)
        .where(col(DetentionCase.id) == case_id, col(DetentionCase.status) == current)
        .values(**values)
    ).rowcount
    if moved != 1:
        raise Conflict("case {id} changed meanwhile; look again", id=case_id)
    session.refresh(case)
    audit.record(
        session, actor=actor, action="case.status", target=f"case:{case_id}", detail=status.value
    )
    entry = CaseEntry(case_id=case_id, kind="status", author=actor, text_enc=vault.seal(status))
    session.add(entry)
    session.flush()
    return tell_family(vault, case, status, moment=f"{status.value}:{entry.id}")


def tell_family(
    vault: PhoneVault, case: DetentionCase, status: CaseStatus, *, moment: str
) -> Decisions:
    """One short text to the family: what changed. ``moment`` names the change (its dedupe)."""
    decisions = Decisions()
    if not case.family_enc:
        return decisions
    facility = vault.open(case.facility_enc) if case.facility_enc else ""
    template = FAMILY_TEMPLATE[status]
    if status == CaseStatus.LOCATED and not facility:
        template = "case_family_located_unnamed"
    decisions.text(
        template,
        case.language,
        dedupe_key=key(case, f"status:{moment}"),
        to_e164=family_address(vault, case),
        case=case.id,
        facility=facility,
    )
    return decisions


def family_address(vault: PhoneVault, case: DetentionCase) -> str:
    """Where texts to the family go: the channel they wrote from; a caller's own number by SMS."""
    return vault.open(case.family_enc) if case.family_enc else ""


def add_note(
    session: Session, vault: PhoneVault, case_id: int, *, author: str, text: str
) -> CaseEntry:
    """A note on the case (sealed; audited without its words)."""
    get(session, case_id)
    text = text.strip()
    if not text or len(text) > TEXT_MAX:
        raise Invalid("text: 1 to {most} characters", most=TEXT_MAX)
    entry = CaseEntry(case_id=case_id, kind="note", author=author, text_enc=seal(vault, text))
    session.add(entry)
    audit.record(session, actor=author, action="case.note", target=f"case:{case_id}")
    return entry


def reply(
    session: Session, vault: PhoneVault, case_id: int, *, author: str, text: str
) -> Decisions:
    """Legal aid's words to the family, by text (kept on the case, sealed; audited)."""
    case = get(session, case_id)
    if case.status == CaseStatus.CLOSED or case.family_enc is None:
        raise Conflict("case {id} is closed", id=case_id)
    entry = add_note(session, vault, case_id, author=author, text=text)
    entry.kind = "reply"
    session.flush()
    decisions = Decisions()
    decisions.text(
        "case_reply",
        case.language,
        dedupe_key=key(case, f"reply:{entry.id}"),
        to_e164=family_address(vault, case),
        case=case_id,
        text=text.strip()[:TEXT_MAX],
    )
    return decisions


def family_wrote(
    session: Session, vault: PhoneVault, case: DetentionCase, text: str, *, inbound_id: int
) -> Decisions:
    """A text from the family on their open case: kept (sealed), and passed to its owner when a
    volunteer owns it by text."""
    session.add(
        CaseEntry(
            case_id=cast(int, case.id), kind="family", author="family", text_enc=seal(vault, text)
        )
    )
    case.updated_at = now()
    session.add(case)
    decisions = Decisions()
    owner = session.get(Subscriber, case.owner_subscriber_id) if case.owner_subscriber_id else None
    if owner is not None and owner.status == SubscriberStatus.ACTIVE:
        decisions.text(
            "case_family_wrote",
            owner.language,
            dedupe_key=key(case, f"in:{inbound_id}"),
            subscriber=owner,
            case=case.id,
            text=text.strip()[:300],
        )
    return decisions


def recording_url(session: Session, vault: PhoneVault, case_id: int, entry_id: int) -> str:
    """The provider URL of one of a caller's recorded answers (NotFound when it is none)."""
    entry = session.get(CaseEntry, entry_id)
    if entry is None or entry.case_id != case_id or entry.kind != RECORDING or not entry.text_enc:
        raise NotFound("no such recording")
    return vault.open(entry.text_enc)
