"""Placing a report by hand, under the same reporter and area locks as intake (``workers.intake``).

The console calls this rather than ``core.inbox.place`` directly: matching reads then writes the
incidents near the place, so it must not run beside a worker matching a report there.
"""

from core import inbox
from core.geo import GeoResult
from core.settings import Settings
from workers import runtime
from workers.effects import carry_out
from workers.locks import held, matching_keys
from workers.queues import get_redis


def place_report(settings: Settings, report_id: int, geo: GeoResult, *, actor: str) -> inbox.Placed:
    """Place report ``report_id`` at ``geo``; commits (inside the lock, as intake does), then
    enqueues a new incident's alert and escalation timer. Raises ``core.errors`` as
    ``core.inbox.place`` does; a Redis outage raises ``redis.RedisError`` before anything is
    written (the lock needs Redis)."""
    with runtime.session() as session:
        reporter = inbox.get_report(session, report_id).reporter_hash
    keys = matching_keys(settings, geo, reporter)
    with held(get_redis(), keys), runtime.session() as session:
        placed = inbox.place(
            session, report_id, geo, actor=actor, settings=settings, vault=runtime.vault()
        )
        carry_out(session, placed.decisions)
    return placed
