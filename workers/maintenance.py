"""Periodic jobs: pick up what a crash or a Redis outage left behind, expire, purge.

Each is idempotent and safe to run on several hosts at once.
"""

import logging
from datetime import timedelta

from sqlmodel import col, select

from core import inbound, matching, privacy
from core.clock import now
from core.models import Alert, Message
from messaging.factory import get_provider
from workers import runtime
from workers.queues import enqueue_dispatch, enqueue_intake, enqueue_send
from workers.sender import sweep_stale

log = logging.getLogger(__name__)
GRACE_S = 20  # leave a job this long to run on its own before a sweep steps in


def sweep_inbound() -> int:
    """Enqueue messages stored while Redis was down, or whose job was lost."""
    with runtime.session() as session:
        ids = inbound.unprocessed(session, older_than_s=GRACE_S)
        for inbound_id in ids:
            inbound.mark_enqueued(session, inbound_id)
    for inbound_id in ids:
        enqueue_intake(inbound_id)
    return len(ids)


def sweep_outbound() -> int:
    """Re-dispatch alerts never fanned out and re-send texts left pending or half-sent."""
    cutoff = now() - timedelta(seconds=GRACE_S)
    with runtime.session() as session:
        alert_ids = list(
            session.exec(
                select(Alert.id).where(
                    col(Alert.dispatched_at).is_(None), Alert.created_at <= cutoff
                )
            )
        )
        message_ids = list(
            session.exec(
                select(Message.id).where(Message.status == "pending", Message.created_at <= cutoff)
            )
        )
    for alert_id in alert_ids:
        enqueue_dispatch(alert_id)
    settings = runtime.settings()
    resumed = sweep_stale(
        runtime.engine(), lease_seconds=GRACE_S, provider=get_provider(settings), settings=settings
    )
    enqueue_send(sorted(set(message_ids) | set(resumed)))
    return len(alert_ids) + len(message_ids)


def expire_incidents() -> int:
    with runtime.session() as session:
        expired = matching.expire_quiet(session, quiet_min=runtime.settings().expire_after_min)
    return len(expired)


def purge() -> dict[str, int]:
    with runtime.session() as session:
        return privacy.purge(session, retention_days=runtime.settings().retention_days)
