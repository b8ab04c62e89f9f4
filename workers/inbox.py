"""Placing a report by hand, under the same area lock as intake (``workers.intake``).

The console calls this rather than ``core.inbox.place`` directly: matching reads then writes the
incidents near the place, so it must not run beside a worker matching a report there.
"""

from core import inbox, incidents
from core.db import session_scope
from core.geo import GeoResult
from core.settings import get_settings
from workers.effects import Effects
from workers.locks import area_keys, held
from workers.queues import get_redis


def place_report(report_id: int, geo: GeoResult, *, actor: str) -> inbox.Placed:
    """Place report ``report_id`` at ``geo``, commit, then enqueue the new incident's alerts and
    its escalation timer. Raises ``core.errors`` as ``core.inbox.place`` does; a Redis outage
    raises ``redis.ConnectionError`` before anything is written."""
    settings = get_settings()
    reach = incidents.search_reach_m(settings.dedup_radius_m, geo.precision_m)
    effects = Effects()
    with held(get_redis(), area_keys(geo.lat, geo.lon, reach)), session_scope() as session:
        placed = inbox.place(
            session,
            report_id,
            geo,
            actor=actor,
            radius_m=settings.dedup_radius_m,
            window_min=settings.dedup_window_min,
        )
        effects.alerts(placed.alerts)
        if placed.created:
            effects.escalation_timers.append(placed.incident.id)
    effects.enqueue()
    return placed
