"""Escalation timers on RQ's scheduler, with a periodic sweep as the safety net.

RQ's scheduler runs ``escalate_if_unanswered`` at the deadline (``enqueue_in``); ``sweep`` runs it
for any incident whose timer was lost (Redis restarted, replay). The rule is
``core.escalation``.
"""

from datetime import timedelta

from core import escalation
from workers import runtime
from workers.queues import RETRY, URGENT, queue


def schedule(incident_id: int) -> None:
    minutes = runtime.settings().ack_minutes
    # On the urgent queue: at the deadline it must not wait behind an import's confirmations.
    queue(URGENT).enqueue_in(
        timedelta(minutes=minutes),
        "workers.escalation.escalate_if_unanswered",
        incident_id,
        job_id=f"escalate-{incident_id}",
        retry=RETRY,
    )


def escalate_if_unanswered(incident_id: int) -> bool:
    """The job: escalate ``incident_id`` if still due; True if it did."""
    from workers.effects import carry_out  # effects schedules timers through this module

    with runtime.session() as session:
        decisions = escalation.escalate_if_unanswered(session, incident_id)
        carry_out(session, decisions)
    return bool(decisions.alert_ids)


def sweep() -> int:
    """Escalate every overdue incident whose timer did not fire."""
    with runtime.session() as session:
        due = escalation.overdue(session, ack_minutes=runtime.settings().ack_minutes)
    return sum(escalate_if_unanswered(incident_id) for incident_id in due)
