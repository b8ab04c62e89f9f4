"""Redis connection and the RQ queues. Jobs take ids only and open their own session."""

from functools import lru_cache

from redis import Redis
from rq import Queue, Retry

from core.enums import MessageKind
from core.settings import get_settings

# Priorities: a raid's alert must never wait behind an import's confirmations. RQ takes the first
# job of the first non-empty queue, so the order of ALL_QUEUES is the priority order every worker
# listens in:
URGENT = "urgent"  # intake, fan-outs, alert/update/reply sends, escalation timers
MAINTENANCE = "maintenance"  # sweeps: short, and they must run even under a bulk backlog
BULK = "bulk"  # opt-in confirmations and broadcasts, paced in small chunks
ALL_QUEUES = (URGENT, MAINTENANCE, BULK)
# Replies count as urgent: each answers one resident who just texted (the "where is it?" follow-up
# is part of getting an alert out, YES/STOP confirm a command at once), and there is at most one
# per inbound text, so they cannot make a backlog that bulk texts can.
BULK_KINDS = frozenset({MessageKind.OPT_IN, MessageKind.BROADCAST})
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


def is_bulk(kind: str) -> bool:
    """Whether texts of ``kind`` go on the bulk queue and draw on the bulk share of the rate."""
    return kind in BULK_KINDS


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
# Bulk texts go in small jobs, and a bulk job hands its unsent texts back as soon as urgent work
# is queued (workers.dispatch.send_bulk): a running bulk job delays an alert by one text at most.
BULK_CHUNK = 50


def enqueue_dispatch(alert_id: int) -> None:
    queue(URGENT).enqueue(
        "workers.dispatch.dispatch_alert",
        alert_id,
        retry=RETRY,
        job_id=f"alert-{alert_id}",
        job_timeout=fanout_timeout(CHUNK),
    )


def enqueue_send(message_ids: list[int], *, bulk: bool = False, at_front: bool = False) -> None:
    """Queue the sends of stored texts: urgent ones in chunks of ``CHUNK``, bulk ones (``is_bulk``)
    in chunks of ``BULK_CHUNK`` on the bulk queue. ``at_front``: a paused bulk job's remainder
    goes back before the rest of the backlog, keeping the import's order."""
    size, name, job = (BULK_CHUNK, BULK, "send_bulk") if bulk else (CHUNK, URGENT, "send_pending")
    chunks = [message_ids[start : start + size] for start in range(0, len(message_ids), size)]
    for chunk in reversed(chunks) if at_front else chunks:
        queue(name).enqueue(
            f"workers.dispatch.{job}",
            chunk,
            retry=RETRY,
            job_timeout=fanout_timeout(len(chunk)),
            at_front=at_front,
        )


def urgent_waiting(connection: Redis | None = None) -> bool:
    """Whether urgent jobs are queued and not yet taken: a bulk job then steps aside."""
    return queue(URGENT, connection).count > 0
