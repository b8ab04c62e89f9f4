"""Expiry and merge are status changes like any other: conditional (one winner) and audited."""

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from core import incidents, matching, policy
from core.clock import frozen_at, now
from core.enums import IncidentStatus
from core.models import Alert, AuditEvent, Incident

QUIET_MIN = 180


def _incident(session: Session, **fields: object) -> Incident:
    incident = matching.new_incident(
        session, lat=33.97, lon=-118.24, precision_m=100, label="Pacific", zip_code="90255"
    )
    for name, value in fields.items():
        setattr(incident, name, value)
    session.add(incident)
    session.flush()
    return incident


def _audits(session: Session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_quiet_incident_expires_audited_and_texts_nobody(db):
    with Session(db) as session:
        incident = _incident(session)
        with frozen_at(now() + timedelta(minutes=QUIET_MIN + 1)):
            expired = matching.expire_quiet(session, quiet_min=QUIET_MIN)
        assert [i.id for i in expired] == [incident.id]
        assert incident.status == IncidentStatus.EXPIRED and incident.closed_at is not None
        [audit] = _audits(session, "incident.expired")
        assert (audit.actor, audit.target) == ("system", f"incident:{incident.id}")
        assert session.exec(select(Alert)).all() == []


def test_a_confirmation_committed_during_the_sweep_is_not_overwritten(db):
    with Session(db) as session:
        incident = _incident(session)
        session.commit()
        assert incident.status == IncidentStatus.REPORTED  # read: the sweep's view of it
        # Another worker confirms it behind this session's back (no refresh of the object).
        session.connection().execute(
            text("UPDATE incident SET status = 'confirmed' WHERE id = :id"), {"id": incident.id}
        )
        with frozen_at(now() + timedelta(minutes=QUIET_MIN + 1)):
            expired = matching.expire_quiet(session, quiet_min=QUIET_MIN)
        assert expired == []
        status = session.connection().execute(
            text("SELECT status FROM incident WHERE id = :id"), {"id": incident.id}
        )
        assert status.scalar() == "confirmed"
        assert _audits(session, "incident.expired") == []


def test_a_merge_is_a_transition_audited_once_and_not_repeatable(db):
    with Session(db) as session:
        source, target = _incident(session), _incident(session)
        incidents.merge(session, source.id, into=target.id, actor="coordinator:ana")
        assert source.status == IncidentStatus.MERGED and source.merged_into == target.id
        assert source.closed_at is not None
        [audit] = _audits(session, "incident.merge")
        assert audit.detail == f"into incident:{target.id}"
        assert session.exec(select(Alert)).all() == []  # a merge texts nobody
        with pytest.raises(policy.InvalidTransition):
            policy.transition(session, source, IncidentStatus.EXPIRED, actor="system")
