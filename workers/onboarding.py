"""The bilingual confirmation text a new subscriber gets; they answer YES/SI to become active."""

import logging

from redis.exceptions import RedisError

from core.db import session_scope
from core.models import Subscriber
from core.outbox import add_message
from messaging.segments import count_segments
from messaging.templates import render_bilingual
from workers.queues import RedisNotConfigured, enqueue_send

log = logging.getLogger(__name__)


def send_opt_in_requests(subscriber_ids: list[int]) -> list[int]:
    """Store one confirmation text per pending subscriber (once ever each) and enqueue them."""
    ids = []
    with session_scope() as session:
        for subscriber in (session.get(Subscriber, i) for i in subscriber_ids):
            if subscriber is None or subscriber.status != "pending":
                continue
            body = render_bilingual("opt_in_request", subscriber.language, name=subscriber.name)
            message = add_message(session, dedupe_key=f"opt_in:{subscriber.id}", kind="opt_in", body=body,
                                  language=subscriber.language, segments=count_segments(body), subscriber=subscriber)
            if message is not None:
                session.flush()
                ids.append(message.id)
    try:
        enqueue_send(ids)
    except (RedisError, RedisNotConfigured):
        log.warning("%d confirmation texts stored, not enqueued; the sweep will send them", len(ids))
    return ids
