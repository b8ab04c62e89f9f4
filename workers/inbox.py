"""Placing a report by hand, under the same area lock as intake (``workers.intake``).

The console calls this rather than ``core.inbox.place`` directly: matching reads then writes the
incidents near the place, so it must not run beside a worker matching a report there.
"""

from core import inbox, matching
from core.geo import GeoResult
from core.settings import Settings
from workers import runtime
from workers.effects import carry_out
from workers.locks import area_keys, held
from workers.queues import get_redis


def place_report(settings: Settings, report_id: int, geo: GeoResult, *, actor: str) -> inbox.Placed:
    """Place report ``report_id`` at ``geo``; commits (inside the lock, as intake does), then
    enqueues a new incident's alert and escalation timer. Raises ``core.errors`` as
    ``core.inbox.place`` does; a Redis outage raises ``redis.RedisError`` before anything is
    written (the lock needs Redis)."""
    reach = matching.search_reach_m(settings.dedup_radius_m, geo.precision_m)
    with held(get_redis(), area_keys(geo.lat, geo.lon, reach)), runtime.session() as session:
        placed = inbox.place(
            session,
            report_id,
            geo,
            actor=actor,
            radius_m=settings.dedup_radius_m,
            window_min=settings.dedup_window_min,
        )
        carry_out(session, placed.decisions)
    return placed
