"""Redis connection and the RQ queues. Jobs take ids only and open their own session."""

from collections.abc import Iterable
from functools import lru_cache

from redis import Redis
from rq import Queue, Retry

from core.enums import Lane
from core.settings import get_settings

# RQ takes the first job of the first non-empty queue, so the order of ALL_QUEUES is the priority
# order every worker listens in. Texts go on the queue of their lane (core.enums.Lane), fixed when
# they were stored:
URGENT = "urgent"  # intake, fan-outs, escalation timers, calls, and the first lane's sends
RESPONDERS = "responders"  # legal aid, updates to responders, replies
MAINTENANCE = "maintenance"  # sweeps: short, and they must run even under a backlog
COMMUNITY = "community"  # confirmed raids, stand-downs and all-clears to community members
BULK = "bulk"  # opt-in confirmations and broadcasts
ALL_QUEUES = (URGENT, RESPONDERS, MAINTENANCE, COMMUNITY, BULK)
LANE_QUEUE = {
    Lane.FIRST: URGENT,
    Lane.RESPONDERS: RESPONDERS,
    Lane.COMMUNITY: COMMUNITY,
    Lane.BULK: BULK,
}
# RQ delivers at least once and a job may fail on a passing fault (database locked, provider
# 5xx): retry a few times, soon; every job is idempotent so a re-run does no harm.
RETRY = Retry(max=5, interval=[1, 2, 5, 10, 30])


class RedisNotConfigured(RuntimeError):
    pass


# An RQ worker blocks on its dequeue for ``worker_ttl - 15`` s (RQ's ``dequeue_timeout``) and wants
# a read timeout 10 s longer than that; redis-py's default (5 s) cuts every idle wait short, which
# RQ logs as an ERROR ("could not connect to Redis instance") every few seconds. RQ only raises the
# timeout for connections it opens after the worker starts, so the worker gets its own client.
WORKER_TTL = 420  # rq.defaults.DEFAULT_WORKER_TTL, spelled out: the read timeout below follows it
WORKER_READ_TIMEOUT_S = WORKER_TTL + 30


@lru_cache(maxsize=4)
def redis_for(url: str) -> Redis:
    """The client for the API and for jobs: a stuck server fails a call within seconds."""
    return Redis.from_url(
        url,
        socket_connect_timeout=2,
        socket_timeout=5,
        socket_keepalive=True,
        health_check_interval=30,
    )


def worker_redis(url: str) -> Redis:
    """A client for one RQ worker's own loop (dequeue, heartbeats): reads outlast its dequeue."""
    return Redis.from_url(
        url,
        socket_connect_timeout=2,
        socket_timeout=WORKER_READ_TIMEOUT_S,
        socket_keepalive=True,
        health_check_interval=30,
    )


def get_redis() -> Redis:
    url = get_settings().redis_url
    if not url:
        raise RedisNotConfigured(
            "AVISA_REDIS_URL is not set (avisa dev starts an embedded Redis and sets it)"
        )
    return redis_for(url)


def queue(name: str, connection: Redis | None = None) -> Queue:
    return Queue(name, connection=connection or get_redis())


def enqueue_intake(inbound_id: int) -> None:
    # On every webhook's path: RQ alone sends two pipelines (the queue's name, then the job); in
    # one of ours it is one round trip.
    redis = get_redis()
    with redis.pipeline() as pipe:
        queue(URGENT, redis).enqueue(
            "workers.intake.process_inbound",
            inbound_id,
            retry=RETRY,
            job_id=f"intake-{inbound_id}",
            pipeline=pipe,
        )
        pipe.execute()


def fanout_timeout(texts: int) -> int:
    """Seconds a fan-out job may run: RQ's default 180 s would kill a big alert mid-way at the
    send rate."""
    return max(180, int(2 * texts / get_settings().send_rate) + 60)


# A fan-out is sent in chunks of this many texts, each its own job: any worker can take a chunk,
# and no job runs longer than its timeout allows.
CHUNK = 500
# The other lanes go in smaller jobs, and such a job hands its unsent texts back as soon as work
# of a higher queue is waiting (workers.dispatch.send_lane): it delays that work by the texts
# already in flight, never by its whole chunk.
LANE_CHUNK = 100
BULK_CHUNK = 50


def enqueue_dispatch(alert_id: int) -> None:
    queue(URGENT).enqueue(
        "workers.dispatch.dispatch_alert",
        alert_id,
        retry=RETRY,
        job_id=f"alert-{alert_id}",
        job_timeout=fanout_timeout(CHUNK),
    )


def enqueue_send(message_ids: list[int], *, lane: int = Lane.FIRST, at_front: bool = False) -> None:
    """Queue the sends of stored texts of one ``lane`` on that lane's queue, in chunks.
    ``at_front``: a paused job's remainder goes back before the rest of its lane's backlog,
    keeping the order the texts were stored in."""
    lane = Lane(lane)
    if lane == Lane.FIRST:
        size, job, args = CHUNK, "send_pending", ()
    else:
        size, job, args = (
            (BULK_CHUNK if lane == Lane.BULK else LANE_CHUNK),
            "send_lane",
            (int(lane),),
        )
    chunks = [message_ids[start : start + size] for start in range(0, len(message_ids), size)]
    for chunk in reversed(chunks) if at_front else chunks:
        queue(LANE_QUEUE[lane]).enqueue(
            f"workers.dispatch.{job}",
            chunk,
            *args,
            retry=RETRY,
            job_timeout=fanout_timeout(len(chunk)),
            at_front=at_front,
        )


def enqueue_lanes(texts: Iterable[tuple[int, int]]) -> None:
    """Queue (message id, lane) pairs, each lane on its own queue, the first lane first."""
    by_lane: dict[int, list[int]] = {}
    for message_id, lane in texts:
        by_lane.setdefault(int(lane), []).append(message_id)
    for lane in sorted(by_lane):
        enqueue_send(by_lane[lane], lane=lane)


def waiting_ahead(lane: int, connection: Redis | None = None) -> bool:
    """Whether jobs are queued, not yet taken, on a queue workers take before ``lane``'s: a job of
    that lane then steps aside."""
    mine = ALL_QUEUES.index(LANE_QUEUE[Lane(lane)])
    return any(queue(name, connection).count > 0 for name in ALL_QUEUES[:mine])


def urgent_waiting(connection: Redis | None = None) -> bool:
    """Whether urgent jobs are queued and not yet taken."""
    return queue(URGENT, connection).count > 0


# A broadcast's texts are written by a job (workers.broadcasts.write), on the maintenance queue:
# ahead of the lower lanes' sends, so a big one starts before the backlog it adds to.
BROADCAST_WRITE_TIMEOUT_S = 1800  # 16,000 texts take seconds; a database under load, minutes
BROADCAST_ALIVE_S = 60  # a running job says so at least this often (a batch takes well under it)


def broadcast_alive_key(broadcast_id: int) -> str:
    return f"avisa:broadcast:{broadcast_id}:writing"


def enqueue_write(broadcast_id: int) -> None:
    """Queue the writing of a broadcast's texts unless a job is queued or a live worker runs one
    (a dead worker's mark expires within ``BROADCAST_ALIVE_S``: then it is queued again)."""
    maintenance = queue(MAINTENANCE)
    job_id = f"broadcast-{broadcast_id}"
    job = maintenance.fetch_job(job_id)
    if job is not None and job.get_status(refresh=False) in ("queued", "deferred", "scheduled"):
        return
    if maintenance.connection.exists(broadcast_alive_key(broadcast_id)):
        return
    maintenance.enqueue(
        "workers.broadcasts.write",
        broadcast_id,
        job_id=job_id,
        retry=RETRY,
        job_timeout=BROADCAST_WRITE_TIMEOUT_S,
    )


IMPORT_TIMEOUT_S = 3600  # 100,000 rows at a few hundred a second on a busy database


def import_alive_key(import_id: int) -> str:
    return f"avisa:import:{import_id}:running"


def enqueue_import(import_id: int) -> None:
    """Queue a subscriber import's job unless one is queued or a live worker runs it (the same
    rule as ``enqueue_write``)."""
    maintenance = queue(MAINTENANCE)
    job_id = f"import-{import_id}"
    job = maintenance.fetch_job(job_id)
    if job is not None and job.get_status(refresh=False) in ("queued", "deferred", "scheduled"):
        return
    if maintenance.connection.exists(import_alive_key(import_id)):
        return
    maintenance.enqueue(
        "workers.imports.run", import_id, job_id=job_id, retry=RETRY, job_timeout=IMPORT_TIMEOUT_S
    )
