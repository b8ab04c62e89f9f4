"""A subscriber import answered at once (``core.subscribers.queue_import``); this job runs it,
batch by batch, each batch committed with its confirmation texts queued (``carry_out``). While it
runs it says so in Redis; if its worker dies the mark expires and the maintenance sweep queues the
job again, which finds what was written and goes on."""

from core import subscribers
from core.decisions import Decisions
from workers import runtime
from workers.effects import carry_out
from workers.queues import BROADCAST_ALIVE_S, get_redis, import_alive_key


def run(import_id: int) -> int:
    """Run import ``import_id``; returns the subscribers it created (0 if unknown)."""
    redis = get_redis()
    key = import_alive_key(import_id)

    def commit(decisions: Decisions) -> None:
        carry_out(session, decisions)
        redis.set(key, 1, ex=BROADCAST_ALIVE_S)  # a live worker is on it

    redis.set(key, 1, ex=BROADCAST_ALIVE_S)
    with runtime.session() as session:
        job = subscribers.run_import(session, runtime.vault(), import_id, commit=commit)
    redis.delete(key)
    return job.created if job is not None else 0
