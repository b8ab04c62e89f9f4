"""The bilingual confirmation text a new subscriber gets; they answer YES/SI to become active."""

import logging

from redis.exceptions import RedisError
from sqlmodel import col, select

from core.db import session_scope
from core.models import Message, Subscriber
from core.outbox import new_message
from messaging.segments import count_segments
from messaging.templates import render_bilingual
from workers.queues import RedisNotConfigured, enqueue_send

log = logging.getLogger(__name__)


def send_opt_in_requests(subscriber_ids: list[int]) -> list[int]:
    """Store one confirmation text per pending subscriber (once ever each) and enqueue them.

    Written in one batch (a spreadsheet import makes a thousand at once); if two runs race, the
    unique dedupe key fails the later batch, whose retry then finds every text already there.
    """
    with session_scope() as session:
        pending = session.exec(
            select(Subscriber).where(
                col(Subscriber.id).in_(subscriber_ids), Subscriber.status == "pending"
            )
        ).all()
        keys = {s.id: f"opt_in:{s.id}" for s in pending}
        done = set(
            session.exec(
                select(Message.dedupe_key).where(col(Message.dedupe_key).in_(keys.values()))
            )
        )
        messages = []
        for subscriber in pending:
            if keys[subscriber.id] in done:
                continue
            body = render_bilingual("opt_in_request", subscriber.language, name=subscriber.name)
            messages.append(
                new_message(
                    dedupe_key=keys[subscriber.id],
                    kind="opt_in",
                    body=body,
                    language=subscriber.language,
                    segments=count_segments(body),
                    subscriber=subscriber,
                )
            )
        session.add_all(messages)
        session.flush()
        ids = [m.id for m in messages]
    try:
        enqueue_send(ids)
    except (RedisError, RedisNotConfigured):
        log.warning(
            "%d confirmation texts stored, not enqueued; the sweep will send them", len(ids)
        )
    return ids
