"""Who must hear what, and when an incident's status may change.

    held ──(release)──▶ reported ──▶ confirmed ──▶ resolved
      │  ◀──(a flood)───── │            │
      └──────────────────▶ ├──▶ dismissed ◀┘   (and any open incident ──▶ expired when quiet,
                                                 or ──▶ merged when folded into another)

New → unverified alert to responders in zone (a held one: nothing, until released).
Confirmed → legal aid and community in zone, update to responders. Dismissed → stand-down,
resolved → all-clear, to everyone already alerted. Reported → held (a flood recognised after its
first incidents went out, ``core.flood_holds``) → "unconfirmed, likely false: stand by" to those
alerted. A drill keeps to its own audience (``core.drills.keep_plans``); whoever's answer made
the change is told in the reply to it, not again by the change's text (``core.audience``).
"""

from sqlalchemy import update
from sqlmodel import Session, col

from core import audit, drills
from core.clock import now
from core.enums import IncidentStatus
from core.errors import Conflict
from core.models import Alert, Incident

S = IncidentStatus
TRANSITIONS = {
    S.HELD: {S.REPORTED, S.DISMISSED, S.EXPIRED, S.MERGED},
    S.REPORTED: {S.CONFIRMED, S.DISMISSED, S.RESOLVED, S.EXPIRED, S.HELD, S.MERGED},
    S.CONFIRMED: {S.DISMISSED, S.RESOLVED, S.EXPIRED, S.MERGED},
}
# (alert reason, audience) pairs a status change sends; see core.audience for the audiences.
# Expiry and merge send nothing: an expired incident just went quiet, a merged one lives on in
# the incident it joined.
STATUS_ALERTS = {
    S.CONFIRMED: [
        ("confirmed", "legal_aid"),
        ("confirmed", "responders"),
        ("confirmed", "community"),
    ],
    S.DISMISSED: [("dismissed", "alerted")],
    S.HELD: [("held", "alerted")],
    S.RESOLVED: [("resolved", "alerted")],
}
# Alert reasons that announce a status change: they pass the quiet period (core.audience).
STATUS_CHANGES = {"confirmed", "dismissed", "resolved", "held"}


class InvalidTransition(Conflict):
    """The incident's status does not allow this change (or it changed meanwhile)."""


def _alerts(session: Session, incident: Incident, plans: list[tuple[str, str]]) -> list[Alert]:
    plans = drills.keep_plans(session, incident, plans)  # a drill keeps to its responders
    alerts = [
        Alert(incident_id=incident.id, reason=reason, audience=audience)
        for reason, audience in plans
    ]
    session.add_all(alerts)
    session.flush()
    return alerts


def on_new_incident(session: Session, incident: Incident) -> list[Alert]:
    return _alerts(session, incident, [("new", "responders")])


def transition(
    session: Session,
    incident: Incident,
    status: IncidentStatus,
    *,
    actor: str,
    reason: str = "",
    action: str | None = None,
) -> list[Alert]:
    """Move ``incident`` to ``status``, audit it (as ``action``, default ``incident.<status>``),
    and return the alerts that follow (already stored).

    The change is a conditional update on the status read, so when two workers or a worker and a
    coordinator move one incident at once, exactly one succeeds and the other gets
    InvalidTransition: the alerts of a status change go out once.
    """
    old = incident.status
    if status not in TRANSITIONS.get(old, set()):
        raise InvalidTransition(  # as vocabulary, so a front door can say them in its language
            "an incident that is {old} cannot become {new}",
            old=IncidentStatus(old),
            new=IncidentStatus(status),
        )
    moment = now()
    stamp = {
        S.CONFIRMED: {"confirmed_at": moment},
        S.REPORTED: {},  # a held incident released: it is open, not closed
        S.HELD: {},  # held after its alert: open, waiting for a coordinator
    }.get(status, {"closed_at": moment})
    changed = session.exec(
        update(Incident)
        .where(col(Incident.id) == incident.id, col(Incident.status) == old)
        .values(status=status, **stamp)
    ).rowcount
    if changed != 1:
        raise InvalidTransition("incident {id} changed meanwhile", id=incident.id)
    session.refresh(incident)
    audit.record(
        session,
        actor=actor,
        action=action or f"incident.{status}",
        target=f"incident:{incident.id}",
        detail=reason or None,
    )
    if old == S.HELD and status == S.REPORTED:
        # Released: the alert a held incident never had (or, held after it, has again).
        return on_new_incident(session, incident)
    # Dismissing a held incident stands down only those told of it before it was held: nobody,
    # unless a flood was recognised after its alert.
    return _alerts(session, incident, STATUS_ALERTS.get(status, []))


def transition_if_still(
    session: Session, incident: Incident, status: IncidentStatus, *, actor: str
) -> list[Alert]:
    """``transition`` for automatic moves: nothing happens if someone moved the incident first."""
    try:
        return transition(session, incident, status, actor=actor)
    except InvalidTransition:
        return []


def corroborated(incident: Incident, *, reporters_needed: int) -> bool:
    """Enough distinct residents reported it to treat it as confirmed."""
    return incident.status == S.REPORTED and incident.reporter_count >= reporters_needed
