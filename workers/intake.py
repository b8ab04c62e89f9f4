"""The intake job: one stored inbound message is routed (``core.routing``) under the reporter's
and the area's locks.

Idempotent: a message already processed is skipped, and everything it causes is written in the
same transaction that marks it processed.
"""

import logging

from core import routing
from core.clock import now
from core.models import InboundMessage
from workers import runtime
from workers.effects import Effects
from workers.geocoding import geocoder_for
from workers.locks import held, matching_keys
from workers.queues import get_redis

log = logging.getLogger(__name__)


def process_inbound(inbound_id: int) -> str:
    """Handle stored inbound message ``inbound_id``; returns what it turned out to be."""
    settings = runtime.settings()
    with runtime.session() as session:
        inbound = session.get(InboundMessage, inbound_id)
        if inbound is None or inbound.processed_at is not None:
            return "skipped"
        # Read the place before taking locks: it decides which area to lock, and takes no lock
        # itself.
        geo = geocoder_for(session, settings).geocode(inbound.body)
        keys = matching_keys(settings, geo, inbound.from_hash)
    with held(get_redis(), keys), runtime.session() as session:
        inbound = session.get(InboundMessage, inbound_id)
        if inbound is None or inbound.processed_at is not None:
            return "skipped"  # a concurrent run of this job finished first
        outcome, decisions = routing.route(
            session, inbound, geo, settings=settings, vault=runtime.vault()
        )
        effects = Effects.record(session, decisions)
        inbound.outcome, inbound.processed_at = outcome, now()
        session.add(inbound)
    effects.enqueue()
    log.info("inbound %s processed: %s", inbound_id, outcome)
    return outcome
