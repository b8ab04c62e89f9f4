"""A coordinator's broadcast is answered at once (``core.broadcasts.queue``); this job writes its
texts, a batch at a time, each batch committed and queued to send as it is written
(``core.broadcasts.write``). Re-running it is harmless: the texts' dedupe keys keep each once. If
its worker dies, the maintenance sweep finds the broadcast unwritten and queues the job again."""

from core import broadcasts
from core.decisions import Decisions
from workers import runtime
from workers.effects import carry_out, segments_of
from workers.queues import BROADCAST_ALIVE_S, broadcast_alive_key, get_redis

# As the request counted them: the same template, the same catalogue.
COUNTED = segments_of(broadcasts.TEMPLATE)


def write(broadcast_id: int) -> int:
    """Write the texts of broadcast ``broadcast_id``; returns its recipients (0 if unknown)."""
    redis = get_redis()

    def commit(decisions: Decisions) -> None:
        carry_out(session, decisions)
        redis.set(
            broadcast_alive_key(broadcast_id), 1, ex=BROADCAST_ALIVE_S
        )  # a live worker is on it

    redis.set(broadcast_alive_key(broadcast_id), 1, ex=BROADCAST_ALIVE_S)
    with runtime.session() as session:
        broadcast = broadcasts.write(session, broadcast_id, commit=commit)
    redis.delete(broadcast_alive_key(broadcast_id))
    return broadcast.recipients if broadcast is not None else 0
