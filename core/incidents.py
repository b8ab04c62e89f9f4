"""Incidents as coordinators and responders act on them: look-ups, status changes, merge,
split and notes. Every action is audited; status changes return the alerts that follow as
``Decisions`` for the caller to carry out after commit (``workers.effects.carry_out``).

Matching reports into incidents is ``core.matching``; who hears what is ``core.policy``.
"""

from sqlmodel import Session, col, select

from core import audit, policy
from core.clock import now
from core.decisions import Decisions
from core.enums import NOT_SIGHTING, OPEN_INCIDENT, IncidentStatus
from core.errors import Conflict, NotFound
from core.matching import attach, open_from, refine
from core.models import Incident, IncidentNote, Report

NOTE_MAX = 2000  # characters of a coordinator's note, whichever door it comes by


def get(session: Session, incident_id: int) -> Incident:
    """The incident, or NotFound."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound("no such incident {id}", id=incident_id)
    return incident


def reports(session: Session, incident_id: int) -> list[Report]:
    """The incident's reports, oldest first."""
    query = select(Report).where(Report.incident_id == incident_id).order_by(col(Report.id))
    return list(session.exec(query))


def change_status(
    session: Session, incident_id: int, status: IncidentStatus, *, actor: str, reason: str = ""
) -> Decisions:
    """Move the incident to ``status`` (audited); Conflict when its current status forbids it."""
    decisions = Decisions()
    decisions.alerts(
        policy.transition(session, get(session, incident_id), status, actor=actor, reason=reason)
    )
    return decisions


def confirm(session: Session, incident_id: int, *, actor: str, reason: str = "") -> Decisions:
    return change_status(session, incident_id, IncidentStatus.CONFIRMED, actor=actor, reason=reason)


def dismiss(session: Session, incident_id: int, *, actor: str, reason: str = "") -> Decisions:
    return change_status(session, incident_id, IncidentStatus.DISMISSED, actor=actor, reason=reason)


def resolve(session: Session, incident_id: int, *, actor: str, reason: str = "") -> Decisions:
    return change_status(session, incident_id, IncidentStatus.RESOLVED, actor=actor, reason=reason)


def release(session: Session, incident_id: int, *, actor: str, reason: str = "") -> Decisions:
    """A coordinator vouches for a held incident: it becomes ``reported`` and the new-incident
    alert goes out (once: the status change is conditional), with its escalation timer.
    Audited as ``incident.release``; Conflict unless it is held."""
    incident = get(session, incident_id)
    decisions = Decisions()
    decisions.alerts(
        policy.transition(
            session,
            incident,
            IncidentStatus.REPORTED,
            actor=actor,
            reason=reason,
            action="incident.release",
        )
    )
    decisions.escalation_timers.append(incident_id)
    return decisions


def add_note(
    session: Session, incident_id: int, *, author: str, text: str, actor: str | None = None
) -> IncidentNote:
    """Add a note (audited as ``actor``, else as its author)."""
    get(session, incident_id)  # NotFound before a note is written
    note = IncidentNote(incident_id=incident_id, author=author, text=text)
    session.add(note)
    session.flush()
    audit.record(
        session, actor=actor or author, action="incident.note", target=f"incident:{incident_id}"
    )
    return note


def notes(session: Session, incident_id: int) -> list[IncidentNote]:
    query = select(IncidentNote).where(IncidentNote.incident_id == get(session, incident_id).id)
    return list(session.exec(query.order_by(col(IncidentNote.id))))


def touch(session: Session, incident_id: int) -> None:
    """A resident added to a report: the incident is still going on."""
    incident = session.get(Incident, incident_id)
    if incident is not None and incident.status in OPEN_INCIDENT:
        incident.last_seen = now()
        session.add(incident)


def merge(session: Session, incident_id: int, *, into: int, actor: str) -> Incident:
    """Fold incident ``incident_id`` into ``into`` (two incidents that were one raid): its reports
    move over, it becomes ``merged``; the target's place and counts are recomputed. Audited.
    Returns the target; NotFound for either id, Conflict when either is closed or a drill."""
    source, target = get(session, incident_id), get(session, into)
    if source.id == target.id:
        raise Conflict("an incident cannot be merged into itself")
    # A drill's texts are marked and kept to its audience; folded into a real raid (or a real
    # raid into it) its people and its reports would cross over. Two drills are two rehearsals.
    for drill, other in ((source, target), (target, source)):
        if drill.drill:
            raise Conflict(
                "incident {drill} is a drill: it is never merged with incident {other}",
                drill=drill.id,
                other=other.id,
            )
    if target.status not in OPEN_INCIDENT or source.status not in OPEN_INCIDENT:
        raise Conflict("only open incidents can be merged")
    # Conditional and audited like any status change: a merge racing an expiry or a dismissal
    # has one winner. A merge tells nobody (the target's people already know of the raid).
    policy.transition(
        session,
        source,
        IncidentStatus.MERGED,
        actor=actor,
        reason=f"into incident:{target.id}",
        action="incident.merge",
    )
    source.merged_into = target.id
    for report in session.exec(select(Report).where(Report.incident_id == source.id)):
        report.incident_id = target.id
        session.add(report)
    session.flush()
    source.report_count = source.reporter_count = 0
    session.add(source)
    refine(session, target)
    target.first_seen = min(target.first_seen, source.first_seen)
    target.last_seen = max(target.last_seen, source.last_seen)
    session.add(target)
    return target


def split(session: Session, incident_id: int, *, report_ids: list[int], actor: str) -> Incident:
    """Move the given located reports out of the incident into a new incident of their own.
    Audited; returns the new incident."""
    incident = get(session, incident_id)
    moving = session.exec(
        select(Report).where(col(Report.id).in_(report_ids), Report.incident_id == incident.id)
    ).all()
    if len(moving) != len(set(report_ids)):
        raise Conflict("every report to split out must belong to this incident")
    if len(moving) >= incident.report_count:
        raise Conflict("at least one report must stay in the incident")
    if any(r.lat is None for r in moving):
        raise Conflict("only located reports can make an incident")
    if any(r.flag in NOT_SIGHTING for r in moving):
        raise Conflict("a question, rumour or past event makes no incident")
    first, *rest = sorted(moving, key=lambda r: r.created_at)
    new = open_from(session, first)
    new.first_seen = first.created_at
    for report in rest:
        attach(session, new, report)
    refine(session, incident)
    session.add(incident)
    audit.record(
        session,
        actor=actor,
        action="incident.split",
        target=f"incident:{incident.id}",
        detail=f"reports {sorted(set(report_ids))} to incident:{new.id}",
    )
    return new
