"""What every Twilio webhook that brings a report shares: who sent it, and handing it to the workers."""

import logging

from redis.exceptions import RedisError
from sqlmodel import Session

from core import inbound
from core.phones import InvalidPhone, normalize
from workers.queues import RedisNotConfigured, enqueue_intake

log = logging.getLogger(__name__)


def sender_of(form: dict[str, str]) -> str:
    raw = form.get("From", "")
    try:
        return normalize(raw)
    except InvalidPhone:
        return raw.strip()  # short codes, channel prefixes: still a sender, still encrypted


def queue_for_intake(session: Session, inbound_id: int) -> None:
    """Enqueue, and remember we did; if Redis is down the sweep enqueues it later."""
    try:
        enqueue_intake(inbound_id)
    except (RedisError, RedisNotConfigured) as exc:
        log.warning(
            "inbound %s stored but not enqueued (%s); the sweep will pick it up",
            inbound_id,
            type(exc).__name__,
        )
        return
    inbound.mark_enqueued(session, inbound_id)
    session.commit()
