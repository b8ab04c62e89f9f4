"""Limits and flood detection: which reports may raise an alarm.

Agents move and real days are busy, so nothing here drops a report: a suspicious one is kept,
and the incident it would open is ``held`` (stored, shown to coordinators, nobody texted) until a
coordinator releases or dismisses it. Past a number's limit its reports open nothing at all.

Per number, within ``AVISA_REPORTER_WINDOW_MIN``: its first place is a report like any other; a
second place farther than ``AVISA_REPORTER_MOVE_M`` from the first, or its
``AVISA_REPORTER_PLACES_LIMIT``-th place, opens a held incident; past the limit it is limited.

Across numbers, within ``AVISA_FLOOD_WINDOW_MIN``: near-identical texts from many new numbers,
a run of consecutive numbers each opening a new place, or more new incidents than
``AVISA_FLOOD_INCIDENT_RATE`` — the new incident is held.

Every hold and limit is an ``AuditEvent`` by ``system`` (``incident.held``, ``reporter.limited``),
which ``core.stats`` counts for ``/metrics``. Numbers are opened with the vault only to compare
them; they are never logged, stored in the clear, or put in an audit line.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from rapidfuzz import fuzz
from sqlmodel import Session, col, func, select

from core import audit
from core.clock import now
from core.enums import IncidentStatus
from core.geo import haversine_m
from core.models import AuditEvent, InboundMessage, Incident, Report
from core.phones import PhoneVault
from core.settings import Settings
from core.text_similarity import MIN_SIMILAR_CHARS, normalised

SYSTEM = "system"
HELD = "incident.held"
LIMITED = "reporter.limited"
TRUST_ACTIONS = (HELD, LIMITED, "incident.release")


@dataclass(frozen=True)
class Verdict:
    """What the limits say about one located report before it is matched."""

    hold: str | None = None  # why a new incident it opens must be held
    limited: bool = False  # past the number's limit: it opens nothing
    first_limit: bool = False  # the first limited report of this window (one reply, one audit)


def assess(session: Session, report: Report, *, settings: Settings) -> Verdict:
    """The per-number verdict on a located report (audited and answered once when limited)."""
    places = _other_places(session, report, settings)
    own = _reporter_verdict(report, places, settings)
    if own.limited:
        return _limited(session, report, settings)
    return own


def flood_reason(
    session: Session, report: Report, *, settings: Settings, vault: PhoneVault
) -> str | None:
    """Why a new incident opened by ``report`` looks like part of a coordinated flood, or None.

    Read only when a report is about to open an incident, so joining reports of a busy raid
    cost nothing here.
    """
    since = now() - timedelta(minutes=settings.flood_window_min)
    # Incidents that reached responders: once the rate is reached, held ones do not add to it,
    # so a flood spends the alerts of one window at most, and a real raid found afterwards by
    # other signals is not held for the flood's sake.
    new_incidents = session.exec(
        select(func.count()).where(
            Incident.first_seen >= since,
            col(Incident.status).not_in((IncidentStatus.MERGED, IncidentStatus.HELD)),
        )
    ).one()
    if new_incidents >= settings.flood_incident_rate:
        return "flood:rate"
    if _similar_numbers(session, report, since, settings) >= settings.flood_similar_numbers:
        return "flood:similar"
    if _sequential_run(session, report, since, vault) >= settings.flood_sequential_numbers:
        return "flood:sequential"
    return None


def audit_hold(session: Session, incident: Incident, reason: str) -> None:
    audit.record(
        session, actor=SYSTEM, action=HELD, target=f"incident:{incident.id}", detail=reason
    )


def _other_places(
    session: Session, report: Report, settings: Settings
) -> list[tuple[float, float]]:
    """Where this number's other located reports of the window were, oldest first."""
    since = now() - timedelta(minutes=settings.reporter_window_min)
    rows = session.exec(
        select(Report.lat, Report.lon)
        .where(
            Report.reporter_hash == report.reporter_hash,
            Report.id != report.id,
            col(Report.lat).is_not(None),
            Report.updated_at >= since,
        )
        .order_by(col(Report.created_at))
    )
    # The query keeps located reports only: lat and lon are set.
    return cast(list[tuple[float, float]], [(lat, lon) for lat, lon in rows])


def _reporter_verdict(
    report: Report, others: list[tuple[float, float]], settings: Settings
) -> Verdict:
    assert report.lat is not None and report.lon is not None, "only a located report has places"
    # Distinct places: a report within the dedup radius of an earlier one is the same place again.
    places: list[tuple[float, float]] = []
    for lat, lon in others:
        if all(haversine_m(lat, lon, *p) > settings.dedup_radius_m for p in places):
            places.append((lat, lon))
    distances = [haversine_m(report.lat, report.lon, *p) for p in places]
    if not places or min(distances) <= settings.dedup_radius_m:
        return Verdict()  # its first place, or the same place again
    count = len(places) + 1
    if count > settings.reporter_places_limit:
        return Verdict(limited=True)
    if count == settings.reporter_places_limit:
        return Verdict(hold="reporter:limit")
    if distances[0] > settings.reporter_move_m:
        return Verdict(hold="reporter:far")
    return Verdict()


def _limited(session: Session, report: Report, settings: Settings) -> Verdict:
    """Limited: audit and answer once per window (the audit row is the memory, all replicas)."""
    target = f"reporter:{report.reporter_hash[:16]}"  # the blind index, never the number
    since = now() - timedelta(minutes=settings.reporter_window_min)
    already = session.exec(
        select(AuditEvent.id).where(
            AuditEvent.action == LIMITED,
            AuditEvent.target == target,
            AuditEvent.created_at >= since,
        )
    ).first()
    if already is None:
        audit.record(
            session, actor=SYSTEM, action=LIMITED, target=target, detail=f"report:{report.id}"
        )
    return Verdict(limited=True, first_limit=already is None)


def _similar_numbers(session: Session, report: Report, since: datetime, settings: Settings) -> int:
    """Distinct new numbers (this one included) whose report text is near-identical to this one."""
    mine = normalised(report.text)
    if len(mine) < MIN_SIMILAR_CHARS:
        return 0
    rows = session.exec(
        select(Report.reporter_hash, Report.text).where(
            Report.created_at >= since, Report.reporter_hash != report.reporter_hash
        )
    )
    alike = {
        h for h, text in rows if fuzz.ratio(mine, normalised(text)) >= settings.flood_similar_ratio
    }
    if not alike:
        return 1
    # A number that reported before the window is somebody we have heard from: not a new number.
    known = set(
        session.exec(
            select(Report.reporter_hash).where(
                col(Report.reporter_hash).in_(alike), Report.created_at < since
            )
        )
    )
    return len(alike - known) + 1


def _sequential_run(session: Session, report: Report, since: datetime, vault: PhoneVault) -> int:
    """How many numbers, this reporter's included, form a run of consecutive numbers (…0101,
    …0102, …0103, …0104) among the numbers that opened the window's incidents: numbers bought
    in a block, each naming a new place. Neighbours who all report one raid open one incident
    between them, so they never make a run here."""
    first_reports = (
        select(func.min(Report.id))
        .join(Incident, col(Incident.id) == Report.incident_id)
        .where(Incident.first_seen >= since)
        .group_by(col(Report.incident_id))
    )
    openers = set(
        session.exec(select(Report.reporter_hash).where(col(Report.id).in_(first_reports)))
    )
    openers.add(report.reporter_hash)
    rows = session.exec(
        select(InboundMessage.from_hash, InboundMessage.from_enc).where(
            col(InboundMessage.from_hash).in_(openers), col(InboundMessage.from_enc).is_not(None)
        )
    )
    numbers: dict[str, int] = {}
    for from_hash, from_enc in rows:
        if from_hash not in numbers:
            digits = "".join(ch for ch in vault.open(cast(str, from_enc)) if ch.isdigit())
            if digits:
                numbers[from_hash] = int(digits)
    mine = numbers.get(report.reporter_hash)
    if mine is None:
        return 0
    present = set(numbers.values())
    low = mine
    while low - 1 in present:
        low -= 1
    high = mine
    while high + 1 in present:
        high += 1
    return high - low + 1
